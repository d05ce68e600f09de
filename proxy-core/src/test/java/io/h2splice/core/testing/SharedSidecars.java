package io.h2splice.core.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Objects;

/**
 * One {@link TwoSidecars} shared by every test of a class: started before the first, closed after the last.
 * {@code @RegisterExtension static final SharedSidecars NET = new SharedSidecars(TwoSidecars.builder());}
 */
public final class SharedSidecars implements BeforeAllCallback, AfterAllCallback {

    private final TwoSidecars.Builder builder;
    private TwoSidecars net;

    public SharedSidecars(TwoSidecars.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        net = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (net != null) {
            net.close();
            net = null;
        }
    }

    /** The running sidecars; only between the class's first and last test. */
    public TwoSidecars get() {
        if (net == null) {
            throw new IllegalStateException("the sidecars are not running (used outside the test class's tests?)");
        }
        return net;
    }
}
