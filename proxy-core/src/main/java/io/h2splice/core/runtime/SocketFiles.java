package io.h2splice.core.runtime;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The socket files of {@code --unix-domain-socket}: a bind fails while the file exists, even when nothing listens on it
 * any more (a sidecar killed with SIGKILL leaves it behind). Called once per socket at start, off the event loops.
 */
final class SocketFiles {

    /** sun_path holds 108 bytes on Linux, the last one the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private SocketFiles() {
    }

    /**
     * Makes {@code path} free to bind: nothing there, or a socket file nobody accepts on (removed). A socket a live
     * process accepts on, or a file that is not a socket, is left alone and named in the error.
     */
    static void takeOver(Path path) throws ProxyStartException {
        int length = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new ProxyStartException("--unix-domain-socket: the socket path " + path + " is " + length
                    + " bytes long; Linux allows at most " + MAX_PATH_BYTES + ": use a shorter directory", null);
        }
        Path dir = path.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ProxyStartException("--unix-domain-socket: no such directory: " + dir, null);
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return;
        }
        if (!attrs.isOther()) {
            throw new ProxyStartException("cannot listen on the Unix socket " + path
                    + " (--unix-domain-socket): a file that is not a socket is in the way", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new ProxyStartException("cannot listen on the Unix socket " + path
                    + " (--unix-domain-socket): another process listens on it", null);
        } catch (IOException nobodyListens) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new ProxyStartException("cannot remove the stale Unix socket " + path
                        + " (--unix-domain-socket): " + e.getMessage(), e);
            }
        }
    }
}
