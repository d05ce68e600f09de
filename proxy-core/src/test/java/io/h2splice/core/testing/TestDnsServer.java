package io.h2splice.core.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny authoritative DNS server for tests, in-process on 127.0.0.1 (UDP, OS-picked port): A and AAAA records set
 * by the test, NXDOMAIN for other names, and a switch that makes it stop answering (queries are counted, never
 * answered) until released.
 *
 * <p>Names are given without the final dot and matched case-insensitively. Every answer carries {@link #ttl}.
 */
public final class TestDnsServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
    private final AtomicReference<CountDownLatch> stall = new AtomicReference<>();
    private volatile int ttl = 1;

    private TestDnsServer() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-dns", true),
                NioIoHandler.newFactory());
        try {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                    new Answerer());
                        }
                    })
                    .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public static TestDnsServer start() throws InterruptedException {
        return new TestDnsServer();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Sets the addresses of {@code name} (IPv4 and IPv6 literals); none removes the name (NXDOMAIN). */
    public TestDnsServer put(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(a);
            if (bytes == null) {
                throw new IllegalArgumentException("not an IP address: " + a);
            }
            try {
                list.add(InetAddress.getByAddress(bytes));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        String key = key(name);
        if (list.isEmpty()) {
            records.remove(key);
        } else {
            records.put(key, List.copyOf(list));
        }
        return this;
    }

    /** The TTL of every record from now on, in seconds (default 1). */
    public TestDnsServer ttl(int seconds) {
        this.ttl = seconds;
        return this;
    }

    /** From now on queries are received and counted but not answered, until {@link #answerAgain()}. */
    public void stopAnswering() {
        stall.set(new CountDownLatch(1));
    }

    public void answerAgain() {
        CountDownLatch l = stall.getAndSet(null);
        if (l != null) {
            l.countDown();
        }
    }

    /** Queries received so far, answered or not. */
    public int queries() {
        return queries.get();
    }

    /** The names asked so far (lower case, with the final dot as sent), oldest first. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            queries.incrementAndGet();
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            String name = q.name().toLowerCase(Locale.ROOT);
            asked.add(name);
            if (stall.get() != null) {
                return; // the client times out
            }
            List<InetAddress> found = records.get(key(name));
            DatagramDnsResponse r = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            r.setAuthoritativeAnswer(true);
            r.setRecursionAvailable(true);
            r.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name(), q.type()));
            if (found == null) {
                r.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                int length = q.type() == DnsRecordType.A ? 4 : q.type() == DnsRecordType.AAAA ? 16 : -1;
                for (InetAddress a : found) {
                    byte[] bytes = a.getAddress();
                    if (bytes.length == length) {
                        r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name(), q.type(), ttl,
                                Unpooled.wrappedBuffer(bytes)));
                    }
                }
            }
            ctx.writeAndFlush(r); // the encoder releases the response and its records

        }
    }

    @Override
    public void close() {
        answerAgain();
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
