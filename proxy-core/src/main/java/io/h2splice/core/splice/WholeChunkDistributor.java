package io.h2splice.core.splice;

import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.StreamByteDistributor;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Netty's {@link UniformStreamByteDistributor} (each stream with bytes to write gets at least {@code chunk} at a turn),
 * given a budget rounded down to whole chunks whenever it is larger than one. Netty's flow controller offers a flush
 * the bytes left before the channel's high-water mark plus one (65,537 on an empty channel): four 16 KiB frames take
 * 65,536 of it and the uniform distributor would hand the byte left to a fifth stream, a DATA frame of one byte on
 * every flush while five or more streams have data (and half a frame at the next). What the rounding holds back is
 * offered again at once while the channel stays writable, so no byte waits longer than before; a budget of one chunk
 * or less is passed on whole, so the flow controller's loop always makes progress.
 *
 * <p>Threading: the connection's event loop, as the flow controller calls it.
 */
final class WholeChunkDistributor implements StreamByteDistributor {

    private final UniformStreamByteDistributor uniform;
    private final int chunk;

    WholeChunkDistributor(Http2Connection connection, int chunk) {
        this.uniform = new UniformStreamByteDistributor(connection);
        this.uniform.minAllocationChunk(chunk);
        this.chunk = chunk;
    }

    @Override
    public void updateStreamableBytes(StreamState state) {
        uniform.updateStreamableBytes(state);
    }

    @Override
    public void updateDependencyTree(int childStreamId, int parentStreamId, short weight, boolean exclusive) {
        uniform.updateDependencyTree(childStreamId, parentStreamId, weight, exclusive);
    }

    @Override
    public boolean distribute(int maxBytes, Writer writer) throws Http2Exception {
        return uniform.distribute(maxBytes > chunk ? maxBytes - maxBytes % chunk : maxBytes, writer);
    }
}
