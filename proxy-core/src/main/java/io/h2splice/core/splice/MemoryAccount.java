package io.h2splice.core.splice;

/**
 * What one connection holds of its loop's {@link MemoryBudget}: every buffer kept because of that connection's peer
 * is charged here when kept and released when freed, by whoever keeps it (the flow controller, the header-block meter,
 * the calls the connection started).
 *
 * <p>Threading: the connection's event loop only.
 */
final class MemoryAccount {

    final MemoryBudget budget;
    SpliceHandler owner;
    /** Position in the budget's list of open connections; -1 before it opens and once closed. */
    int index = -1;
    boolean closed;
    long used;
    /** Already asked to let go in the current shedding pass. */
    boolean shedThisTurn;
    /** Closed for the budget: its bytes are on their way out, it is not asked again. */
    boolean closing;

    MemoryAccount(MemoryBudget budget) {
        this.budget = budget;
    }

    /** {@code delta} bytes more (or, negative, fewer) held for this connection. */
    void charge(long delta) {
        if (index < 0) {
            return; // not open yet, or closed: everything was released with the connection
        }
        used += delta;
        budget.charged(delta);
    }

    long used() {
        return used;
    }
}
