package io.h2splice.core.http;

import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both listeners bound on 127.0.0.1 with OS-picked ports, driven by {@link HttpClient} and a raw socket. */
class HttpEndpointsSocketTest {

    private static final FakeStatus status = new FakeStatus();
    private static final ProxyMetrics metrics = new ProxyMetrics();
    private static EventLoopGroup group;
    private static Channel api;
    private static Channel metricsChannel;
    private static HttpClient client;

    @BeforeAll
    static void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        api = bind(HttpEndpoints.api(status));
        metricsChannel = bind(HttpEndpoints.metrics(metrics, status));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static Channel bind(ChannelInitializer<Channel> initializer) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(initializer)
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (api != null) {
            api.close().sync();
        }
        if (metricsChannel != null) {
            metricsChannel.close().sync();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    private static URI uri(Channel server, String path) {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzMetadataAndMetricsOverLoopback() throws Exception {
        // the client's default (HTTP/2 with an h2c upgrade offer) must get a plain HTTP/1.1 answer
        HttpResponse<String> health = send(HttpRequest.newBuilder(uri(api, "/v1.0/healthz")));
        assertEquals(204, health.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, health.version());

        HttpResponse<String> put = send(HttpRequest.newBuilder(uri(api, "/v1.0/metadata/appPID"))
                .version(HttpClient.Version.HTTP_1_1)
                .PUT(HttpRequest.BodyPublishers.ofString("12345")));
        assertEquals(204, put.statusCode());

        HttpResponse<String> md = send(HttpRequest.newBuilder(uri(api, "/v1.0/metadata"))
                .version(HttpClient.Version.HTTP_1_1));
        assertEquals(200, md.statusCode());
        assertEquals("application/json", md.headers().firstValue("content-type").orElse(""));
        assertTrue(md.body().contains("\"extended\":{\"appPID\":\"12345\","), md.body());

        metrics.connectionOpened(ProxyMetrics.Side.INTERNAL);
        HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri(metricsChannel, "/anything"))
                .version(HttpClient.Version.HTTP_1_1));
        assertEquals(200, scrape.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                scrape.headers().firstValue("content-type").orElse(""));
        assertTrue(scrape.body().contains("\nh2splice_connections_total{side=\"internal\"} 1\n"), scrape.body());
    }

    @Test
    void garbageGets400AndTheConnectionCloses() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(api.localAddress(), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("\u0016\u0003\u0001\u0000\u00a5 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);  // returns at EOF: closed
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("\r\nconnection: close\r\n"), answer);
        }
    }

    @Test
    void extendedMetadataIsBoundedInKeysAndKeyLength() throws Exception {
        FakeStatus own = new FakeStatus();
        Channel server = bind(HttpEndpoints.api(own));
        try {
            String value = "v".repeat(60 << 10);
            for (int i = 0; own.extended().size() < ApiHandler.MAX_METADATA_ENTRIES; i++) {
                assertEquals(204, send(HttpRequest.newBuilder(uri(server, "/v1.0/metadata/k" + i))
                        .PUT(HttpRequest.BodyPublishers.ofString(value))).statusCode());
            }
            HttpResponse<String> full = send(HttpRequest.newBuilder(uri(server, "/v1.0/metadata/one-more"))
                    .PUT(HttpRequest.BodyPublishers.ofString(value)));
            assertEquals(400, full.statusCode());
            assertTrue(full.body().contains("ERR_METADATA_FULL"), full.body());
            String someKey = own.extended().keySet().iterator().next();
            assertEquals(204, send(HttpRequest.newBuilder(uri(server, "/v1.0/metadata/" + someKey))
                    .PUT(HttpRequest.BodyPublishers.ofString("replaced"))).statusCode(), "replacing is allowed");
            HttpResponse<String> longKey = send(HttpRequest.newBuilder(uri(server, "/v1.0/metadata/" + "k".repeat(300)))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(400, longKey.statusCode());
            assertTrue(longKey.body().contains("ERR_METADATA_KEY"), longKey.body());
            assertEquals(413, send(HttpRequest.newBuilder(uri(server, "/v1.0/metadata/" + someKey))
                    .PUT(HttpRequest.BodyPublishers.ofString("v".repeat(65 << 10)))).statusCode(), "body limit");
            assertEquals(ApiHandler.MAX_METADATA_ENTRIES, own.extended().size());
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aClientPipeliningScrapesWithoutReadingHoldsLittleAndOthersAreServed() throws Exception {
        java.util.List<Channel> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        Channel server = bind(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                children.add(ch);
                ch.pipeline().addLast(HttpEndpoints.metrics(metrics, status));
            }
        });
        byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
            s.setReceiveBufferSize(4096);
            OutputStream out = s.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 200_000; i++) { // ~5 MiB of scrapes, none of the answers read
                        out.write(get);
                    }
                } catch (java.io.IOException closedByTheServer) {
                    // one way it ends
                }
            }, "pipelining-client");
            writer.setDaemon(true);
            writer.start();
            writer.join(5_000); // done, closed, or blocked because the sidecar stopped reading
            Channel child = children.get(0);
            long pending = child.eventLoop().submit(() -> child.unsafe().outboundBuffer() == null ? 0L
                    : child.unsafe().outboundBuffer().totalPendingWriteBytes()).get(5, TimeUnit.SECONDS);
            assertTrue(pending < 1 << 20, "the sidecar holds " + pending + " bytes of unread answers");
            HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri(server, "/")));
            assertEquals(200, scrape.statusCode(), "another client is served");
        } finally {
            server.close().sync();
        }
    }
}
