package io.h2splice.core.splice;

import io.h2splice.core.metrics.FrameSizes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;

/**
 * Netty's frame writer, recording each DATA frame's payload size as it is written (after the flow controller cut
 * it): {@code h2splice_data_frame_written_bytes}. On the connection's event loop; nothing allocated.
 */
final class FrameSizeRecordingWriter extends DefaultHttp2FrameWriter {

    private final FrameSizes sizes;

    FrameSizeRecordingWriter(FrameSizes sizes) {
        this.sizes = sizes;
    }

    /** {@code data} is owned by the caller until handed to Netty's writer below, which releases it. */
    @Override
    public ChannelFuture writeData(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                   boolean endStream, ChannelPromise promise) {
        sizes.record(data.readableBytes());
        return super.writeData(ctx, streamId, data, padding, endStream, promise);
    }
}
