package io.h2splice.tls.context;

import io.h2splice.tls.MtlsForTests;
import io.h2splice.tls.ca.KeyAlgorithm;
import io.h2splice.tls.ca.WorkloadCredentials;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A renewal never frees a context an event loop has just read: the pair replaced stays usable until the next renewal
 * (an event loop reads the current pair, then makes its handler; a release in between failed that handshake).
 */
class ContextHolderTest {

    private static WorkloadCredentials credentials() throws Exception {
        return MtlsForTests.ca().issue(MtlsForTests.id("server", "default"), KeyAlgorithm.EC_P256,
                Duration.ofHours(1), Duration.ofMinutes(1));
    }

    @Test
    void aPairReadJustBeforeARenewalStillMakesHandlersAndIsReleasedAtTheNext() throws Exception {
        ContextHolder holder = new ContextHolder(credentials());
        SslContext server = holder.server();
        SslContext client = holder.client();
        ReferenceCounted counted = assertInstanceOf(ReferenceCounted.class, server, "BoringSSL's contexts");

        holder.update(credentials()); // the swap happens between the read above and the handler below
        SslHandler handler = server.newHandler(ByteBufAllocator.DEFAULT);
        ReferenceCountUtil.release(handler.engine());
        assertEquals(1, counted.refCnt(), "the replaced pair is still held");

        holder.update(credentials());
        assertEquals(0, counted.refCnt(), "released at the next renewal");
        assertEquals(0, ((ReferenceCounted) client).refCnt());

        SslContext second = holder.server();
        holder.close();
        assertEquals(0, ((ReferenceCounted) second).refCnt(), "close releases the current pair");
    }

    @Test
    void closeReleasesTheRetiredPairToo() throws Exception {
        ContextHolder holder = new ContextHolder(credentials());
        ReferenceCounted first = (ReferenceCounted) holder.server();
        holder.update(credentials());
        holder.close();
        assertEquals(0, first.refCnt());
    }
}
