package io.h2splice.core.splice;

import io.h2splice.core.metrics.BufferMemory;
import io.h2splice.core.metrics.ProxyMetrics;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.function.LongSupplier;

/**
 * One event loop's share of the sidecar's memory budget ({@code Limits.memoryBudget} divided by the loops): the bytes
 * its connections buffer because of what peers sent, each connection charging its own {@link MemoryAccount}. What is
 * charged: DATA received and not yet written on ({@link HeldBytesFlowController}), header blocks still being
 * assembled from CONTINUATION frames ({@link HeaderBlockMeter}), each open call's decoded request headers (kept for
 * retries) and the request DATA it keeps for a replay ({@link RequestLog}).
 *
 * <p>Two watermarks. At or above {@link #refuseAbove} (half the share) the loop refuses cheaply: a new connection on
 * the API port is closed as it is accepted, and a new stream on a connection that holds more than the average
 * connection is refused (RST_STREAM REFUSED_STREAM: nothing reached an app, so gRPC clients retry it at once). Above
 * {@link #shedAbove} (three quarters) the connection holding the most is made to let go, once per turn of the loop
 * until the loop is back under the mark: the offender, never a connection chosen at random ({@link
 * SpliceHandler#shedForMemory}). The loop's share is kept well below the JVM's heap and direct-memory limits, so the
 * governor acts long before either runs out.
 *
 * <p>What is charged is payload; what it costs can be more. A retained DATA slice keeps its whole read buffer (and the
 * allocator's chunk around it) alive, and TLS and the outbound buffers allocate on their own: an app that stops
 * reading for 25 s made a sidecar holding 17 MiB of charged bytes use 69 MiB of direct memory. So the same marks are
 * also taken on the JVM's direct memory ({@code Limits.directMemoryLimit}, the JVM's ceiling): at half of it the loop
 * refuses as above, past three quarters it sheds the largest holder one a turn, re-checking after each, until direct
 * memory is back under the mark or no connection holds more than the average and {@link #DIRECT_SHED_FLOOR}. Direct memory is shared by the loops,
 * so each loop sheds its own largest holders; the JVM's counter is one atomic read, taken on each growing charge.
 *
 * <p>Threading: confined to its event loop; plain fields. The sum over loops is mirrored in {@link ProxyMetrics}.
 */
final class MemoryBudget implements Runnable {

    /**
     * Under direct-memory pressure alone, a connection holding less than this is never shed: what keeps the memory
     * is then not its calls (a few frames cannot keep megabytes), and shedding it would only hurt a bystander.
     */
    static final long DIRECT_SHED_FLOOR = 64 << 10;

    private final EventLoop loop;
    private final ProxyMetrics metrics;
    private final long share;
    private final long refuseAbove;
    private final long shedAbove;
    /** The JVM's direct memory in use now, and the marks on it (above {@code Long.MAX_VALUE / 2} when unwatched). */
    private final LongSupplier directUsed;
    private final long directLimit;
    private final long directRefuseAbove;
    private final long directShedAbove;
    /** Open connections of this loop; each account knows its index here (removed by swapping with the last). */
    private final ArrayList<MemoryAccount> accounts = new ArrayList<>();
    private long used;
    private boolean shedScheduled;

    MemoryBudget(EventLoop loop, long share, long directLimit, ProxyMetrics metrics) {
        if (share < 1) {
            throw new IllegalArgumentException("memory budget share must be positive, got " + share);
        }
        this.loop = loop;
        this.metrics = metrics;
        this.share = share;
        this.refuseAbove = share / 2;
        this.shedAbove = share - share / 4;
        this.directUsed = BufferMemory::jvmDirectUsed;
        this.directLimit = directLimit;
        this.directRefuseAbove = directLimit > 0 ? directLimit / 2 : Long.MAX_VALUE;
        this.directShedAbove = directLimit > 0 ? directLimit - directLimit / 4 : Long.MAX_VALUE;
    }

    /** A new account, not yet counted: {@link #open} counts it once its connection is in a pipeline. */
    MemoryAccount newAccount() {
        return new MemoryAccount(this);
    }

    /** {@code a} belongs to {@code owner}'s connection, counted among this loop's connections until {@link #close}. */
    void open(MemoryAccount a, SpliceHandler owner) {
        if (a.index >= 0 || a.closed) {
            return;
        }
        a.owner = owner;
        a.index = accounts.size();
        accounts.add(a);
    }

    /** The connection closed: whatever its account still holds is released with it. */
    void close(MemoryAccount a) {
        a.closed = true;
        if (a.index < 0) {
            return;
        }
        charged(-a.used);
        a.used = 0;
        MemoryAccount last = accounts.remove(accounts.size() - 1);
        if (last != a) {
            accounts.set(a.index, last);
            last.index = a.index;
        }
        a.index = -1;
    }

    /** Called by an account for every change of its bytes. One addition and one comparison below the marks. */
    void charged(long delta) {
        used += delta;
        metrics.memoryHeld(delta);
        if (!shedScheduled && (used > shedAbove || delta > 0 && directUsed.getAsLong() > directShedAbove)) {
            shedScheduled = true;
            loop.execute(this); // after the current read: the frame that crossed the mark is handled first
        }
    }

    /** New connections are refused now. */
    boolean refusesConnections() {
        return used >= refuseAbove || directUsed.getAsLong() >= directRefuseAbove;
    }

    /** A new stream of {@code a}'s connection is refused now: the loop (or the JVM's direct memory) is over its first
     * mark, and {@code a} holds more than the average open connection. */
    boolean refusesStream(MemoryAccount a) {
        return a.used > 0 && a.used * accounts.size() >= used
                && (used >= refuseAbove || directUsed.getAsLong() >= directRefuseAbove);
    }

    /**
     * Sheds the largest holders until the loop is under its second mark, each at most once a turn. Only a connection
     * holding more than the average is ever shed, so one with a few calls of ordinary size never pays for the others;
     * a connection being closed counts as released already (its bytes go when its streams close). When direct memory
     * is over its mark, one holder is shed and the check runs again on the next turn, once what it held is freed.
     */
    @Override
    public void run() {
        shedScheduled = false;
        long releasing = 0;
        boolean shedOne = false;
        for (int tries = accounts.size(); tries > 0; tries--) {
            boolean overBudget = used - releasing > shedAbove;
            long direct = shedOne ? 0 : directUsed.getAsLong();
            if (!overBudget && direct <= directShedAbove) {
                break;
            }
            MemoryAccount largest = null;
            for (int i = 0; i < accounts.size(); i++) {
                MemoryAccount a = accounts.get(i);
                if (!a.shedThisTurn && !a.closing && (largest == null || a.used > largest.used)) {
                    largest = a;
                }
            }
            if (largest == null || largest.used == 0 || largest.used * accounts.size() <= used
                    || !overBudget && largest.used < DIRECT_SHED_FLOOR) {
                break;
            }
            largest.shedThisTurn = true;
            shedOne = true;
            String pressure = overBudget ? "this loop holds " + used + " of its " + share + " bytes"
                    : "direct memory is " + direct + " bytes, over three quarters of " + directLimit + " bytes";
            if (largest.owner.shedForMemory(pressure)) {
                largest.closing = true;
                releasing += largest.used;
            }
        }
        for (int i = 0; i < accounts.size(); i++) {
            accounts.get(i).shedThisTurn = false;
        }
        if (shedOne && !shedScheduled && directUsed.getAsLong() > directShedAbove) {
            shedScheduled = true;
            loop.execute(this); // look again once the holder shed has let go
        }
    }

    /** Bytes charged on this loop now (tests). */
    long used() {
        return used;
    }

    long share() {
        return share;
    }

    /** Connections with an account (tests). */
    int connections() {
        return accounts.size();
    }
}
