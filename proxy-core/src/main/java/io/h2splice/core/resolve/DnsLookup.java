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
        Future<List<DnsRecord>> v4 = resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.A));
        Future<List<DnsRecord>> v6 = resolver.resolveAll(new DefaultDnsQuestion(name, DnsRecordType.AAAA));
        v4.addListener(f -> {
            if (v6.isDone()) {
                combine(target, v4, v6, promise);
            }
        });
        v6.addListener(f -> {
            if (v4.isDone()) {
                combine(target, v4, v6, promise);
            }
        });
        return promise;
    }

    /** Runs once both are done (possibly called twice when both complete together: the promise takes one). */
    private static void combine(KubernetesNaming.Target target, Future<List<DnsRecord>> v4,
                                Future<List<DnsRecord>> v6, Promise<Answer> promise) {
        if (promise.isDone()) {
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        long[] ttl = {Long.MAX_VALUE};
        // The records are DnsRawRecords we now own: released by addresses() whether or not they decode.
        addresses(target, v4, addresses, ttl);
        addresses(target, v6, addresses, ttl);
        if (!addresses.isEmpty()) {
            addresses.sort(ORDER);
            promise.trySuccess(new Answer(List.copyOf(addresses), ttl[0]));
            return;
        }
        Throwable cause = !v4.isSuccess() ? v4.cause() : v6.cause();
        promise.tryFailure(new UnknownHostException("lookup " + target.host() + ": " + reason(cause)));
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
