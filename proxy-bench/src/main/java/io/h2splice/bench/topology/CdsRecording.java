package io.h2splice.bench.topology;

import io.h2splice.bench.load.Endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records h2splice's class-data sharing archive the way {@code bin/h2splice} does on its first run after a build: a
 * sidecar started with {@code -XX:ArchiveClassesAtExit} into a temporary file, used, stopped, and the file moved to
 * {@code proxy-cli/target/h2splice.jsa}. Without this the benchmark would measure a fresh clone's first start, not
 * the start a user gets every time after.
 */
public final class CdsRecording {

    private CdsRecording() {
    }

    /**
     * @param use sends calls through the recording sidecar (so their classes are archived too)
     * @return the archive written
     * @throws Topology.TopologyException when the sidecar does not start or no archive is written
     */
    public static Path record(TopologyContext ctx, Consumer<Endpoint> use) throws Topology.TopologyException {
        H2spliceInstall h2splice = ctx.h2splice();
        Path jsa = h2splice.cdsArchive();
        Path tmp = jsa.resolveSibling(jsa.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        List<String> flags = new ArrayList<>();
        flags.add("-XX:ArchiveClassesAtExit=" + tmp);
        flags.addAll(h2splice.cdsLogFlags());
        Path home = ctx.workDir().resolve("cds-home");
        List<Child> children = new ArrayList<>();
        try {
            Files.createDirectories(home);
            SidecarTopology.Launched s = new SidecarTopology(SidecarTopology.Kind.ONE_HOP)
                    .launch(ctx, home, "cds-recording", SidecarTopology.SERVER, ctx.appPort(), null, flags, children);
            use.accept(new Endpoint("127.0.0.1", s.grpcPort(), Map.of("dapr-app-id", SidecarTopology.SERVER)));
        } catch (Topology.Skipped e) {
            throw new Topology.TopologyException("cannot record the CDS archive: " + e.getMessage());
        } catch (IOException e) {
            throw new Topology.TopologyException("cannot record the CDS archive: " + e.getMessage());
        } finally {
            for (Child c : children) {
                c.stop();  // the archive is written as the JVM exits
            }
        }
        try {
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                throw new Topology.TopologyException("the recording sidecar wrote no CDS archive (log: "
                        + (children.isEmpty() ? "none" : children.get(0).log()) + ")");
            }
            Files.move(tmp, jsa, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return jsa;
        } catch (IOException e) {
            throw new Topology.TopologyException("cannot move the CDS archive into place: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // a stray temporary file next to the jar; the launcher ignores it
            }
        }
    }
}
