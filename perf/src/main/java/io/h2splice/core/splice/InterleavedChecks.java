package io.h2splice.core.splice;

import io.h2splice.core.testing.H2Peer;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.h2splice.core.testing.H2Peer.ofType;

/**
 * The checks of {@link InterleavedFixture}'s first ops, on the frames its peers decoded: stream {@code k} of a round
 * has id {@code base + 2k}. Each throws {@link IllegalStateException} saying what was wrong. Setup only: allocates.
 */
final class InterleavedChecks {

    private InterleavedChecks() {
    }

    /**
     * {@code perStream} HEADERS on each stream, in order: request headers routed to {@code routedPath} (sidecar A's
     * rewrite applied), or, when it is null, :status 200 and then trailers with grpc-status 0.
     */
    static void headers(List<H2Peer.Frame> frames, int streams, int base, int perStream, CharSequence routedPath) {
        List<H2Peer.Frame> headers = ofType(frames, "HEADERS");
        if (headers.size() != streams * perStream) {
            throw new IllegalStateException("expected " + streams * perStream + " HEADERS, got " + frames);
        }
        for (int k = 0; k < streams; k++) {
            int id = base + 2 * k;
            List<H2Peer.Frame> mine = new ArrayList<>();
            for (H2Peer.Frame h : headers) {
                if (h.streamId() == id) {
                    mine.add(h);
                }
            }
            if (mine.size() != perStream) {
                throw new IllegalStateException("stream " + id + ": " + mine.size() + " HEADERS in " + headers);
            }
            Http2Headers first = mine.get(0).headers();
            if (routedPath != null) {
                if (first.get("dapr-app-id") != null || !routedPath.toString().contentEquals(first.path())
                        || !SpliceFixture.CALLEE.contentEquals(first.get("dapr-callee-app-id"))
                        || !SpliceFixture.CALLER.contentEquals(first.get("dapr-caller-app-id"))) {
                    throw new IllegalStateException("routed headers of stream " + id + " are wrong: " + first);
                }
            } else if (!"200".contentEquals(first.status()) || mine.get(0).endStream()) {
                throw new IllegalStateException("response headers of stream " + id + " are wrong: " + first);
            }
            if (perStream == 2) {
                H2Peer.Frame last = mine.get(1);
                if (!last.endStream() || !"0".contentEquals(last.headers().get("grpc-status"))) {
                    throw new IllegalStateException("stream " + id + " did not end with grpc-status 0: " + last);
                }
            }
        }
    }

    /**
     * Each stream's DATA, joined, is its message byte for byte (END_STREAM on the last frame or on none), in at most
     * twice {@code fullFrames} frames (every 16 KiB frame split once). @return the DATA frames
     */
    static int messages(List<H2Peer.Frame> frames, int base, byte[][] messages, boolean endStream, int fullFrames,
                        String what) {
        int streams = messages.length;
        Map<Integer, ByteArrayOutputStream> joined = new HashMap<>();
        Map<Integer, Integer> count = new HashMap<>();
        Map<Integer, Boolean> ended = new HashMap<>();
        for (H2Peer.Frame d : ofType(frames, "DATA")) {
            if (Boolean.TRUE.equals(ended.get(d.streamId()))) {
                throw new IllegalStateException("DATA after END_STREAM on stream " + d.streamId());
            }
            joined.computeIfAbsent(d.streamId(), id -> new ByteArrayOutputStream()).writeBytes(d.data());
            count.merge(d.streamId(), 1, Integer::sum);
            ended.put(d.streamId(), d.endStream());
        }
        if (joined.size() != streams) {
            throw new IllegalStateException(what + " DATA on streams " + joined.keySet() + ", not " + streams);
        }
        for (int k = 0; k < streams; k++) {
            int id = base + 2 * k;
            ByteArrayOutputStream got = joined.get(id);
            if (got == null || !Arrays.equals(got.toByteArray(), messages[k])) {
                throw new IllegalStateException(what + " " + k + " did not arrive intact on stream " + id + ": "
                        + (got == null ? "nothing" : got.size() + " bytes"));
            }
            if (ended.get(id) != endStream) {
                throw new IllegalStateException(what + " on stream " + id + ": END_STREAM " + ended.get(id));
            }
            if (count.get(id) > 2 * fullFrames) {
                throw new IllegalStateException(what + " " + k + " of " + messages[k].length + " B was written in "
                        + count.get(id) + " DATA frames (at most " + 2 * fullFrames + "): sizes "
                        + sizes(frames, id) + "; frames by stream " + count);
            }
        }
        return ofType(frames, "DATA").size();
    }

    /** The payload sizes of a stream's DATA frames, in order (for error messages). */
    private static List<Integer> sizes(List<H2Peer.Frame> frames, int id) {
        List<Integer> out = new ArrayList<>();
        for (H2Peer.Frame d : ofType(frames, "DATA")) {
            if (d.streamId() == id) {
                out.add(d.data().length);
            }
        }
        return out;
    }

    static void noResets(List<H2Peer.Frame> frames) {
        if (!ofType(frames, "RST_STREAM").isEmpty() || !ofType(frames, "GOAWAY").isEmpty()) {
            throw new IllegalStateException("the sidecar reset a stream or the connection: " + frames);
        }
    }
}
