package io.h2splice.tls.context;

import io.h2splice.core.hop.HopSecurity;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/** {@code --app-protocol grpcs}: TLS to the app without verifying its certificate, as Dapr does. */
public final class AppTlsHopSecurity implements HopSecurity, AutoCloseable {

    private final SslContext context;

    private AppTlsHopSecurity(SslContext context) {
        this.context = context;
    }

    public static AppTlsHopSecurity create() throws SSLException {
        return new AppTlsHopSecurity(MtlsContexts.insecureClient(TlsProvider.pick()));
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public void initServer(ChannelPipeline pipeline) {
        throw new UnsupportedOperationException("the app hop has no server side");
    }

    @Override
    public void initClient(ChannelPipeline pipeline, InetSocketAddress peerAddress, String peerAppId,
                           String peerNamespace) {
        pipeline.addLast(context.newHandler(pipeline.channel().alloc(), peerAddress.getHostString(),
                peerAddress.getPort()));
        pipeline.addLast(new PeerChecks.App());
    }

    @Override
    public void close() {
        ReferenceCountUtil.release(context);
    }
}
