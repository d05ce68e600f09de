package io.h2splice.core.listen;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The socket transport, chosen once at start and logged: native epoll by default, io_uring or NIO when asked for with
 * {@code -Dh2splice.transport=io_uring|epoll|nio}. A native transport the kernel or the platform refuses falls back
 * (io_uring to epoll, epoll to NIO) and {@link #fallback()} says why, for the start-up log.
 *
 * @param domainServerChannel the server channel for a Unix domain socket ({@code --unix-domain-socket})
 * @param fallback null when the transport is the one asked for; else what was asked for and why it is not used
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel,
                        Class<? extends Channel> channel, Class<? extends ServerChannel> domainServerChannel,
                        String fallback) {

    /** The system property naming the transport. */
    public static final String PROPERTY = "h2splice.transport";

    /** The transport {@code -Dh2splice.transport} names (epoll when unset). */
    public static Transport pick() {
        return pick(System.getProperty(PROPERTY));
    }

    /**
     * @param requested {@code io_uring} (also {@code iouring}, {@code uring}), {@code epoll}, {@code nio}, or
     *                  null/blank for the default
     * @throws IllegalArgumentException for any other name, with a message naming the choices
     */
    public static Transport pick(String requested) {
        String asked = requested == null || requested.isBlank() ? "epoll"
                : requested.trim().toLowerCase(Locale.ROOT).replace("-", "_");
        return switch (asked) {
            case "io_uring", "iouring", "uring" -> IoUring.isAvailable() ? ioUring()
                    : epollOrNio("io_uring unavailable: " + IoUring.unavailabilityCause());
            case "epoll" -> epollOrNio(null);
            case "nio" -> nio(null);
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + requested
                    + ": unknown transport; use io_uring, epoll or nio");
        };
    }

    private static Transport epollOrNio(String why) {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollServerDomainSocketChannel.class, why);
        }
        String epollWhy = "epoll unavailable: " + Epoll.unavailabilityCause();
        return nio(why == null ? epollWhy : why + "; " + epollWhy);
    }

    private static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, IoUringServerDomainSocketChannel.class, null);
    }

    private static Transport nio(String why) {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioServerDomainSocketChannel.class, why);
    }

    /** The address a {@link #domainServerChannel} binds to for the socket file {@code path}. */
    public SocketAddress domainSocketAddress(Path path) {
        return name.equals("nio") ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path.toFile());
    }

    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory);
    }
}
