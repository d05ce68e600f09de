package io.h2splice.core.resolve;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One DNS lookup of every A and AAAA address of a name, with the smallest TTL among them: Netty's
 * {@link DnsNameResolver} on the resolver's own event loop, its caches turned off ({@link KubernetesDnsResolver}
 * caches answers itself, by the TTL).
 *
 * <p>Threading: {@link #lookup} must be called on {@link #loop}; its future completes there.
 */
final class DnsLookup implements AutoCloseable {

    /** Addresses in a stable order (IPv4 first, then IPv6, each by value) and the smallest TTL, in seconds. */
    record Answer(List<InetAddress> addresses, long ttlSeconds) {
    }

    /** Addresses compared as unsigned bytes, shorter (IPv4) first: the order answers are kept in. */
    static final Comparator<InetAddress> ORDER = (x, y) -> {
        byte[] a = x.getAddress();
        byte[] b = y.getAddress();
        return a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compareUnsigned(a, b);
    };

    private final EventLoop loop;
    private final DnsNameResolver resolver;

    /**
     * @param server the DNS server to ask, or null for the system's ({@code /etc/resolv.conf})
     */
    DnsLookup(EventLoop loop, InetSocketAddress server, Duration queryTimeout) {
        this.loop = loop;
        DnsNameResolverBuilder b = new DnsNameResolverBuilder(loop)
                .datagramChannelType(NioDatagramChannel.class)
                .socketChannelType(NioSocketChannel.class) // TCP when an answer is truncated (many pods)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .queryTimeoutMillis(queryTimeout.toMillis())
                .nameServerProvider(server == null
                        ? DnsServerAddressStreamProviders.platformDefault()
                        : new SingletonDnsServerAddressStreamProvider(server));
        this.resolver = b.build();
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * Asks for the A and AAAA records of {@code target} at once.
     *
     * @return succeeds with at least one address; fails with an {@link UnknownHostException} whose message is the
     *         reason (for example {@code lookup x.svc.cluster.local: no such host})
     */
    Future<Answer> lookup(KubernetesNaming.Target target) {
        assert loop.inEventLoop();
        Promise<Answer> promise = loop.newPromise();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(target.host());
        if (literal != null) { // a template may give an address: nothing to ask
            try {
                return promise.setSuccess(new Answer(List.of(InetAddress.getByAddress(literal)), Long.MAX_VALUE));
            } catch (UnknownHostException e) {
                return promise.setFailure(e); // not reachable: NetUtil checked the length
            }
        }
        String name = target.query();
        Pending pending = new Pending(target, promise);
        // Each answer's records are read and released as soon as it comes, never kept waiting for the other one
        // (a lookup cut short by close() would otherwise leave the first answer's buffers unreleased).
        resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.A)).addListener(pending);
        resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.AAAA)).addListener(pending);
        return promise;
    }

    /** The A and the AAAA answer of one lookup: the promise is completed when both have come. */
    private static final class Pending implements io.netty.util.concurrent.FutureListener<List<DnsRecord>> {
        private final KubernetesNaming.Target target;
        private final Promise<Answer> promise;
        private final List<InetAddress> addresses = new ArrayList<>(4);
        private final long[] ttl = {Long.MAX_VALUE};
        private Throwable cause;
        private int waiting = 2;

        Pending(KubernetesNaming.Target target, Promise<Answer> promise) {
            this.target = target;
            this.promise = promise;
        }

        /** Runs on the resolver's loop, once per answer. */
        @Override
        public void operationComplete(Future<List<DnsRecord>> f) {
            addresses(target, f, addresses, ttl); // releases the records
            if (!f.isSuccess() && cause == null) {
                cause = f.cause();
            }
            if (--waiting > 0) {
                return;
            }
            if (!addresses.isEmpty()) {
                addresses.sort(ORDER);
                promise.trySuccess(new Answer(List.copyOf(addresses), ttl[0]));
            } else {
                Throwable why = cause != null ? cause : new UnknownHostException(); // answered, but no address
                promise.tryFailure(new UnknownHostException("lookup " + target.host() + ": " + reason(why)));
            }
        }
    }

    private static void addresses(KubernetesNaming.Target target, Future<List<DnsRecord>> f, List<InetAddress> out,
                                  long[] minTtl) {
        if (!f.isSuccess()) {
            return;
        }
        List<DnsRecord> records = f.getNow();
        for (DnsRecord r : records) {
            try {
                if (r instanceof DnsRawRecord raw && (r.type() == DnsRecordType.A || r.type() == DnsRecordType.AAAA)) {
                    ByteBuf content = raw.content();
                    int n = content.readableBytes();
                    if (n == 4 || n == 16) {
                        InetAddress a = InetAddress.getByAddress(ByteBufUtil.getBytes(content, content.readerIndex(), n));
                        if (!out.contains(a)) {
                            out.add(a);
                        }
                        minTtl[0] = Math.min(minTtl[0], r.timeToLive());
                    }
                }
            } catch (UnknownHostException e) {
                // not reachable: the length was checked
            } finally {
                ReferenceCountUtil.release(r);
            }
        }
    }

    /** A short reason in Go's words where there is one: {@code no such host}, {@code i/o timeout}. */
    static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DnsNameResolverTimeoutException) {
                InetSocketAddress server = ((DnsNameResolverTimeoutException) t).remoteAddress();
                return "i/o timeout (no answer from " + server.getHostString() + ":" + server.getPort() + ")";
            }
            if (t instanceof DnsErrorCauseException e) {
                return e.getCode() == DnsResponseCode.NXDOMAIN ? "no such host" : "server answered " + e.getCode();
            }
        }
        if (cause instanceof UnknownHostException) {
            return "no such host (no A or AAAA record)";
        }
        return String.valueOf(cause);
    }

    @Override
    public void close() {
        resolver.close();
    }
}
