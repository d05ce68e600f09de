package io.h2splice.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving HTTP/2 client over a real socket, for attacks a gRPC library will not make (rapid reset,
 * MadeYouReset): frames are encoded by {@link H2Peer} and written as they are; a reader thread discards what the
 * server sends except GOAWAY, whose error code it keeps, and notices the end of the connection.
 */
public final class RawH2Client implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final H2Peer encoder = new H2Peer(false);
    private final AtomicLong goAwayCode = new AtomicLong(-1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private int nextStream = 1;

    private RawH2Client(int port) throws IOException {
        socket = new Socket(TwoSidecars.loopback(port).getAddress(), port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        Thread reader = new Thread(this::readUntilClosed, "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
        write(encoder.clientPreface());
    }

    public static RawH2Client connect(int port) throws IOException {
        return new RawH2Client(port);
    }

    /** A gRPC request HEADERS to {@code appId} on a new stream (not ended); returns its id, or -1 once closed. */
    public int openCall(String appId) {
        int id = nextStream;
        nextStream += 2;
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                .path("/" + TestService.SERVICE + "/Hang").set("content-type", "application/grpc")
                .set("te", "trailers").set("dapr-app-id", appId);
        return write(encoder.headers(id, h, false)) ? id : -1;
    }

    /** Writes {@code frames} (released) as they are, e.g. {@link HostileFrames}; false once the connection closed. */
    public boolean send(ByteBuf frames) {
        return write(frames);
    }

    /**
     * Writes {@code frames} as they are (the same array may be sent on many connections); false once closed. In
     * slices of 64 KiB: the JDK copies each socket write into a temporary direct buffer of its size, and megabyte
     * writes would make this JVM (which also runs the victim's client) stop for System.gc() as direct memory runs out.
     */
    public boolean send(byte[] frames) {
        try {
            for (int at = 0; at < frames.length; at += 64 << 10) {
                out.write(frames, at, Math.min(64 << 10, frames.length - at));
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** RST_STREAM CANCEL. */
    public boolean reset(int streamId) {
        return write(encoder.rst(streamId, 0x8));
    }

    /** WINDOW_UPDATE with a zero increment on a stream: the server must reset it (PROTOCOL_ERROR). */
    public boolean zeroWindowUpdate(int streamId) {
        byte[] f = {0, 0, 4, 0x8, 0, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8),
                (byte) streamId, 0, 0, 0, 0};
        try {
            out.write(f);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The code of the GOAWAY the server sent, or -1. */
    public long goAwayCode() {
        return goAwayCode.get();
    }

    /** Waits for the server to close the connection. */
    public boolean awaitClosed(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    private boolean write(ByteBuf frames) {
        try {
            byte[] b = new byte[frames.readableBytes()];
            frames.readBytes(b);
            out.write(b);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            frames.release();
        }
    }

    private void readUntilClosed() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            byte[] header = new byte[9];
            while (true) {
                in.readFully(header);
                int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (header[3] == 0x7 && length >= 8) { // GOAWAY: last stream id, then the error code
                    goAwayCode.compareAndSet(-1, ((payload[4] & 0xffL) << 24) | (payload[5] & 0xff) << 16
                            | (payload[6] & 0xff) << 8 | payload[7] & 0xff);
                }
            }
        } catch (IOException endOfConnection) {
            // the server closed it (or we did)
        } finally {
            closed.countDown();
        }
    }

    @Override
    public void close() {
        encoder.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
