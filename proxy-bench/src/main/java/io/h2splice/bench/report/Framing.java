package io.h2splice.bench.report;

/**
 * How the DATA a sidecar received in a measured window was framed, from its {@code h2splice_data_frames_total} and
 * {@code h2splice_data_bytes_total} counters read at the window's edges: frames per call (or message) and bytes per
 * frame, for requests (from the client or the previous sidecar) and responses (from the app or the next sidecar).
 * How the previous hop cut the payload: a 64 KiB message in four 16 KiB frames is 4 frames per call.
 */
public record Framing(double requestFramesPer, double requestBytesPerFrame, double responseFramesPer,
                      double responseBytesPerFrame) {

    /** From the counters' differences over the window ({@code bytes}, {@code frames}) and its calls or messages. */
    public static Framing of(long requestBytes, long requestFrames, long responseBytes, long responseFrames,
                             long calls) {
        return new Framing(ratio(requestFrames, calls), ratio(requestBytes, requestFrames),
                ratio(responseFrames, calls), ratio(responseBytes, responseFrames));
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }
}
