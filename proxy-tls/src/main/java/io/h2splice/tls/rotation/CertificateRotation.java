package io.h2splice.tls.rotation;

import io.h2splice.tls.ca.WorkloadCredentials;
import io.h2splice.tls.context.MtlsHopSecurity;
import io.h2splice.tls.identity.SpiffeId;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Renews the sidecar's certificate at half its life (with up to 10 % jitter, as Dapr renews at 50 %), validates the
 * new one, then hands it to {@link MtlsHopSecurity#update}: new handshakes use it, open connections keep running.
 * A failed renewal is retried every {@link #RETRY} and logged; the old certificate stays in use meanwhile. A source
 * that still has the current chain and trust anchors (files their writer has not renewed yet) is asked again after
 * {@link #RETRY}, and nothing is swapped or logged.
 *
 * <p>Threading: one daemon thread of its own; key generation, signing and file reads never run on an event loop.
 */
public final class CertificateRotation implements AutoCloseable {

    /** Where the next key material comes from (the built-in CA, or files); may block. */
    @FunctionalInterface
    public interface Source {
        WorkloadCredentials next() throws Exception;
    }

    static final Duration RETRY = Duration.ofSeconds(10);
    private static final InternalLogger log = InternalLoggerFactory.getInstance("h2splice.tls");

    private final MtlsHopSecurity target;
    private final Source source;
    private final SpiffeId expected;
    private final Clock clock;
    private java.util.concurrent.ScheduledFuture<?> pending;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "h2splice-cert-rotation");
        t.setDaemon(true);
        return t;
    });

    public CertificateRotation(MtlsHopSecurity target, Source source, SpiffeId expected, Clock clock) {
        this.target = target;
        this.source = source;
        this.expected = expected;
        this.clock = clock;
    }

    /** Schedules the first renewal from the current certificate's validity. */
    public void start() {
        scheduleFor(target.current());
    }

    /** Renews now (for tests and for a changed certificate file). */
    public void renewNow() {
        executor.execute(this::renew);
    }

    /** When the certificate valid from {@code notBefore} to {@code notAfter} is renewed. */
    static Instant renewalTime(Instant notBefore, Instant notAfter, double jitter) {
        long life = Duration.between(notBefore, notAfter).toMillis();
        long half = life / 2;
        return notBefore.plusMillis(half + (long) (half * 0.1 * jitter));
    }

    private void scheduleFor(WorkloadCredentials m) {
        Instant at = renewalTime(m.notBefore(), m.notAfter(), ThreadLocalRandom.current().nextDouble());
        long delay = Math.max(1000, Duration.between(clock.instant(), at).toMillis());
        reschedule(delay);
        log.info("mTLS: certificate {} valid until {}; renewal in {} s", m.spiffeId(), m.notAfter(), delay / 1000);
    }

    private void renew() {
        try {
            WorkloadCredentials next = source.next();
            next.validate(clock.instant());
            if (expected != null && !next.spiffeId().equals(expected)) {
                throw new IllegalStateException("new certificate is for " + next.spiffeId() + ", expected " + expected);
            }
            WorkloadCredentials current = target.current();
            if (next.chain().equals(current.chain()) && next.trustAnchors().equals(current.trustAnchors())) {
                // Files not rewritten yet: their writer renews on its own schedule (and FileWatch calls renewNow).
                reschedule(RETRY.toMillis());
                return;
            }
            target.update(next);
            log.info("mTLS: renewed certificate {} (valid until {})", next.spiffeId(), next.notAfter());
            scheduleFor(next);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed while asking (a Sentry request): nothing to renew any more
        } catch (Exception e) {
            if (executor.isShutdown()) {
                return;
            }
            log.warn("mTLS: certificate renewal failed, keeping the current one and retrying in {} s: {}",
                    RETRY.toSeconds(), e.toString());
            reschedule(RETRY.toMillis());
        }
    }

    private synchronized void reschedule(long delayMillis) {
        if (pending != null) {
            pending.cancel(false);
        }
        if (!executor.isShutdown()) {
            pending = executor.schedule(this::renew, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
