package io.h2splice.core.splice;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * The receive side of one connection's flow control: Netty's controller with the <em>connection</em> window refilled
 * as DATA arrives, while each <em>stream</em> window is credited only when the splice has written the bytes on
 * (grpc-go's split). A stalled stream therefore holds at most its own window and never stops the other streams of
 * the connection; end-to-end back-pressure stays per stream.
 *
 * <p>It also counts the bytes the connection holds: received on an open stream and not yet consumed. That sum is
 * bounded by stream window × open streams, and every change is charged to the connection's {@link MemoryAccount}: the
 * loop's {@link MemoryBudget}, not a limit per connection, decides when a call must let go, so a shared connection
 * carrying many honest calls to a slow app is never cut short because of how many calls it carries.
 *
 * <p>Threading: the connection's event loop only, like Netty's controller.
 */
final class HeldBytesFlowController implements Http2LocalFlowController {

    private final DefaultHttp2LocalFlowController delegate;
    private final MemoryAccount account;
    private long held;

    HeldBytesFlowController(Http2Connection connection, MemoryAccount account) {
        this.account = account;
        // Added before Netty's controller registers its own listener, so a closing stream's unconsumed bytes are
        // read before Netty returns them and forgets the stream's window.
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                held(-delegate.unconsumedBytes(stream));
            }
        });
        this.delegate = new DefaultHttp2LocalFlowController(connection,
                DefaultHttp2LocalFlowController.DEFAULT_WINDOW_UPDATE_RATIO, true);
    }

    private void held(int delta) {
        held += delta;
        account.charge(delta);
    }

    /** Bytes received on open streams of this connection and not consumed yet. */
    long heldBytes() {
        return held;
    }

    // Http2LocalFlowController

    @Override
    public void receiveFlowControlledFrame(Http2Stream stream, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        delegate.receiveFlowControlledFrame(stream, data, padding, endOfStream); // data: not retained, not released
        if (isOpen(stream)) {
            held(data.readableBytes() + padding);
        }
    }

    @Override
    public boolean consumeBytes(Http2Stream stream, int numBytes) throws Http2Exception {
        boolean open = isOpen(stream); // a closed stream's bytes were taken off when it closed
        boolean windowUpdate = delegate.consumeBytes(stream, numBytes);
        if (open) {
            held(-numBytes);
        }
        return windowUpdate;
    }

    @Override
    public int unconsumedBytes(Http2Stream stream) {
        return delegate.unconsumedBytes(stream);
    }

    @Override
    public Http2LocalFlowController frameWriter(Http2FrameWriter frameWriter) {
        delegate.frameWriter(frameWriter);
        return this;
    }

    @Override
    public void channelHandlerContext(ChannelHandlerContext ctx) throws Http2Exception {
        delegate.channelHandlerContext(ctx);
    }

    @Override
    public void initialWindowSize(int newWindowSize) throws Http2Exception {
        delegate.initialWindowSize(newWindowSize);
    }

    @Override
    public int initialWindowSize() {
        return delegate.initialWindowSize();
    }

    @Override
    public int windowSize(Http2Stream stream) {
        return delegate.windowSize(stream);
    }

    @Override
    public int initialWindowSize(Http2Stream stream) {
        return delegate.initialWindowSize(stream);
    }

    @Override
    public void incrementWindowSize(Http2Stream stream, int delta) throws Http2Exception {
        delegate.incrementWindowSize(stream, delta);
    }

    private static boolean isOpen(Http2Stream stream) {
        return stream != null && stream.id() != Http2CodecUtil.CONNECTION_STREAM_ID
                && stream.state() != Http2Stream.State.CLOSED;
    }
}
