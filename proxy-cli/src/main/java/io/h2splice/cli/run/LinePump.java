package io.h2splice.cli.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies an app's output to ours a line at a time, each line prefixed {@code == APP == } as the Dapr CLI does. Bytes
 * are copied as they are (no charset decoding); a line longer than 8 KiB is cut into several.
 */
final class LinePump implements Runnable {

    static final String PREFIX = "== APP == ";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LINE = 8192;

    private final InputStream in;
    private final PrintStream out;

    LinePump(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void run() {
        byte[] line = new byte[MAX_LINE];
        byte[] chunk = new byte[MAX_LINE];
        int len = 0;
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte c = chunk[i];
                    if (c == '\n') {
                        emit(line, len);
                        len = 0;
                    } else {
                        if (len == MAX_LINE) {
                            emit(line, len);
                            len = 0;
                        }
                        line[len++] = c;
                    }
                }
            }
        } catch (IOException e) {
            // The app closed its end or was killed: nothing more to copy.
        } finally {
            if (len > 0) {
                emit(line, len);
            }
        }
    }

    private void emit(byte[] line, int len) {
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        synchronized (out) {
            out.write(PREFIX_BYTES, 0, PREFIX_BYTES.length);
            out.write(line, 0, len);
            out.write('\n');
            out.flush();
        }
    }
}
