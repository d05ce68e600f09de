package io.h2splice.tls.context;

import io.h2splice.core.hop.HopEvent;
import io.h2splice.core.hop.HopSecurity;
import io.h2splice.core.hop.PeerIdentity;
import io.h2splice.core.log.LogLimiter;
import io.h2splice.tls.identity.SpiffeId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The checks made once the TLS handshake of a sidecar hop ends, one handler per side, removed after it ran:
 * the server side records the caller's verified SPIFFE id on the channel ({@link HopSecurity#PEER}); the client side
 * accepts the server only if its SPIFFE path is {@code /ns/<namespace>/<app>}, then tells the HTTP/2 handler
 * ({@link HopEvent}). Every rejection is logged with its reason.
 */
final class PeerChecks {

    private static final InternalLogger log = InternalLoggerFactory.getInstance("h2splice.tls");
    /** Refused handshakes are made by peers at will: at most one line per 10 s for each side (metrics count all). */
    private static final LogLimiter REFUSED_FROM = LogLimiter.every10Seconds();
    private static final LogLimiter REFUSED_TO = LogLimiter.every10Seconds();
    private static final LogLimiter REFUSED_APP = LogLimiter.every10Seconds();
    /**
     * Replace a connection this long before the server's certificate expires, or, when less than ten times this is
     * left, once 90 % of what is left has passed (so a short-lived certificate still serves many calls).
     */
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(5);

    private PeerChecks() {
    }

    static SpiffeId peerId(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
        Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
        return SpiffeId.of((X509Certificate) chain[0]);
    }

    static X509Certificate peerLeaf(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
        return (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0];
    }

    /**
     * A resumed TLS session skips certificate verification, so a peer whose certificate has expired since its first
     * handshake would be let in again for as long as the session lasts (Go's crypto/tls, Dapr's, refuses to resume
     * then). Returns why the connection is refused, and invalidates the session so the next one is a full
     * handshake; null while the peer's certificate is valid.
     */
    static String expiredOnResumption(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
        X509Certificate leaf = peerLeaf(ctx);
        if (!leaf.getNotAfter().before(new java.util.Date())) {
            return null;
        }
        ctx.pipeline().get(SslHandler.class).engine().getSession().invalidate();
        return "certificate expired at " + leaf.getNotAfter().toInstant() + " (a resumed TLS session)";
    }

    /**
     * Internal listener: any SPIFFE id chained to the anchors is accepted; the access list decides later. A refused
     * connection is closed, and what its peer sent with or after the handshake (a client sends its first streams in
     * the same flight as its Finished) is dropped here, never decoded.
     */
    static final class Server extends ChannelInboundHandlerAdapter {

        private final TlsMetrics metrics;
        private boolean refused;

        Server(TlsMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (!done.isSuccess()) {
                    String why = HandshakeFailures.describe(done.cause());
                    refuse(ctx, why, why);
                    return;
                }
                try {
                    String expired = expiredOnResumption(ctx);
                    if (expired != null) {
                        refuse(ctx, expired, expired);
                        return;
                    }
                    SpiffeId id = peerId(ctx);
                    ctx.channel().attr(HopSecurity.PEER)
                            .set(new PeerIdentity(id.toString(), id.trustDomain(), id.namespace(), id.appId()));
                    metrics.succeeded();
                } catch (SSLPeerUnverifiedException | IllegalArgumentException e) {
                    refuse(ctx, "no SPIFFE id", e.getMessage());
                    return;
                }
                ctx.pipeline().remove(this);
            }
            super.userEventTriggered(ctx, evt);
        }

        private void refuse(ChannelHandlerContext ctx, String reason, String detail) {
            refused = true;
            metrics.failed(reason);
            REFUSED_FROM.warn(log, "mTLS: rejected a connection from {}: {}", ctx.channel().remoteAddress(), detail);
            ctx.close();
        }
    }

    /** A connection to another sidecar: the server must be the sidecar of {@code namespace}/{@code appId}. */
    static final class Client extends ChannelInboundHandlerAdapter {

        private final TlsMetrics metrics;
        private final String expectedPath;

        Client(TlsMetrics metrics, String appId, String namespace) {
            this.metrics = metrics;
            this.expectedPath = "/ns/" + namespace + "/" + appId;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            ctx.pipeline().remove(this);
            String failure;
            if (!done.isSuccess()) {
                failure = "tls handshake: " + HandshakeFailures.describe(done.cause());
            } else {
                failure = checkIdentity(ctx);
            }
            if (failure != null) {
                metrics.failed(failure);
                REFUSED_TO.warn(log, "mTLS: connection to {} rejected: {}", ctx.channel().remoteAddress(), failure);
                ctx.fireUserEventTriggered(new HopEvent.Failed(failure));
                ctx.close();
                return;
            }
            metrics.succeeded();
            scheduleExpiry(ctx);
            ctx.fireUserEventTriggered(HopEvent.ESTABLISHED);
        }

        private String checkIdentity(ChannelHandlerContext ctx) {
            try {
                SpiffeId id = peerId(ctx);
                return id.path().equals(expectedPath) ? expiredOnResumption(ctx)
                        : "wrong identity: expected " + expectedPath + ", the server is " + id;
            } catch (SSLPeerUnverifiedException | IllegalArgumentException e) {
                return "server has no SPIFFE id: " + e.getMessage();
            }
        }

        private void scheduleExpiry(ChannelHandlerContext ctx) {
            try {
                long left = peerLeaf(ctx).getNotAfter().getTime() - System.currentTimeMillis();
                ctx.executor().schedule(() -> ctx.pipeline().fireUserEventTriggered(HopEvent.PEER_EXPIRING),
                        expiringAfterMillis(left), TimeUnit.MILLISECONDS);
            } catch (SSLPeerUnverifiedException e) {
                // checked above: cannot happen after a successful identity check
            }
        }
    }

    /**
     * When a connection whose server certificate has {@code leftMillis} to live stops taking new calls: {@link
     * #EXPIRY_MARGIN} before the expiry, or at 90 % of what is left when that is later (under 50 minutes left).
     */
    static long expiringAfterMillis(long leftMillis) {
        return Math.max(0, Math.max(leftMillis - EXPIRY_MARGIN.toMillis(), leftMillis * 9 / 10));
    }

    /** TLS to the app: no verification (as Dapr); only the handshake outcome is passed on. */
    static final class App extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            ctx.pipeline().remove(this);
            if (done.isSuccess()) {
                ctx.fireUserEventTriggered(HopEvent.ESTABLISHED);
            } else {
                String why = "tls to the app: " + HandshakeFailures.describe(done.cause());
                REFUSED_APP.warn(log, "{}", why);
                ctx.fireUserEventTriggered(new HopEvent.Failed(why));
                ctx.close();
            }
        }
    }
}
