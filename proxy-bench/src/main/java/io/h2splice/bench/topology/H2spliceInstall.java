package io.h2splice.bench.topology;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the benchmark starts h2splice: the java binary, the JVM flags and {@code proxy-cli/target/h2splice.jar}.
 *
 * <p>The java binary is the launcher's: {@code $JAVA_HOME/bin/java} when {@code JAVA_HOME} is set and holds one (so
 * {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64} runs the sidecars on that JDK, the load and the app staying on
 * the benchmark's own), else this JVM's.
 *
 * <p>The jar is {@code --h2splice-jar}, else found by walking up from the benchmark's own jar (or classes) and then
 * from the working directory to a directory holding {@code proxy-cli/target/h2splice.jar}: the repository root.
 *
 * <p>The JVM flags are those a user gets from {@code bin/h2splice}: {@code --sidecar-jvm-opts} if given, else
 * {@code $H2SPLICE_JAVA_OPTS} (as the launcher reads it), else the default written in the launcher's
 * {@code ${H2SPLICE_JAVA_OPTS:-...}}, read from the file so the benchmark follows it when it changes, else
 * {@link #BUILT_IN_JVM_OPTS}.
 *
 * <p>Class-data sharing, as the launcher does it: when {@code bin/h2splice} uses an archive
 * ({@code -XX:SharedArchiveFile}), {@code H2SPLICE_NO_CDS} is unset and the flags do not name an archive themselves,
 * the sidecars get {@code -XX:SharedArchiveFile=<jar without .jar>.jsa} and the launcher's log flags while that
 * archive is newer than the jar; {@link #cdsToRecord()} says when it is missing, as on the first run after a build
 * (the launcher records it then; the benchmark does the same before measuring, see {@code CdsRecording}).
 *
 * @param root          the repository root, or {@code null} when not found
 * @param jar           h2splice's jar, or {@code null} when not found
 * @param missing       why {@code jar} is {@code null}: one line
 * @param jvmOpts       the sidecars' JVM flags, without the class-data sharing ones
 * @param jvmOptsSource where {@code jvmOpts} came from, for the report
 * @param cdsLogFlags   the launcher's flags that quiet CDS logging; {@code null} when the launcher uses no archive or
 *                      CDS is off
 */
public record H2spliceInstall(Path root, Path jar, String missing, String java, List<String> jvmOpts,
                              String jvmOptsSource, List<String> cdsLogFlags) {

    static final List<String> DEFAULT_CDS_LOG_FLAGS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static final Pattern QUIET_CDS = Pattern.compile("^\\s*quiet_cds=\\(([^)]*)\\)");

    static final String JAR = "proxy-cli/target/h2splice.jar";
    static final String LAUNCHER = "bin/h2splice";
    static final List<String> BUILT_IN_JVM_OPTS =
            List.of("-Xms32m", "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError");
    private static final Pattern DEFAULT_OPTS = Pattern.compile("\\$\\{H2SPLICE_JAVA_OPTS:-([^}]*)}");

    public H2spliceInstall {
        jvmOpts = List.copyOf(jvmOpts);
        cdsLogFlags = cdsLogFlags == null ? null : List.copyOf(cdsLogFlags);
    }

    /** Finds the jar and the flags as described above. */
    public static H2spliceInstall locate(Path explicitJar, String jvmOptsOverride, Map<String, String> env) {
        Path root = findRoot(codeLocation());
        if (root == null) {
            root = findRoot(Path.of("").toAbsolutePath());
        }
        Path jar;
        String missing = null;
        if (explicitJar != null) {
            jar = Files.isRegularFile(explicitJar) ? explicitJar.toAbsolutePath() : null;
            if (jar == null) {
                missing = "--h2splice-jar " + explicitJar + ": no such file";
            }
        } else if (root != null) {
            jar = root.resolve(JAR);
        } else {
            jar = null;
            missing = "h2splice's jar (" + JAR + ") not found above " + codeLocation() + " or the working directory; "
                    + "build it with 'mvn -B -DskipTests package' or pass --h2splice-jar PATH";
        }
        String java = javaBinary(env);
        List<String> opts;
        String source;
        String fromEnv = env.get("H2SPLICE_JAVA_OPTS");
        if (jvmOptsOverride != null) {
            opts = split(jvmOptsOverride);
            source = "--sidecar-jvm-opts";
        } else if (fromEnv != null && !fromEnv.isBlank()) {
            opts = split(fromEnv);
            source = "$H2SPLICE_JAVA_OPTS";
        } else {
            List<String> launcher = root == null ? null : launcherDefaults(root);
            if (launcher != null) {
                opts = launcher;
                source = LAUNCHER;
            } else {
                opts = BUILT_IN_JVM_OPTS;
                source = "built-in (" + LAUNCHER + " not found or not readable)";
            }
        }
        List<String> cds = null;
        boolean optsNameAnArchive = opts.stream().anyMatch(o -> o.contains("SharedArchiveFile")
                || o.contains("ArchiveClassesAtExit") || o.equals("-Xshare:off"));
        String noCds = env.get("H2SPLICE_NO_CDS");
        if (root != null && (noCds == null || noCds.isEmpty()) && !optsNameAnArchive) {
            cds = launcherCdsLogFlags(root);
        }
        return new H2spliceInstall(root, jar, missing, java, opts, source, cds);
    }

    /** {@code $JAVA_HOME/bin/java} when that is a file, as {@code bin/h2splice} picks it; else this JVM's. */
    static String javaBinary(Map<String, String> env) {
        String home = env.get("JAVA_HOME");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "bin", "java"))) {
            return Path.of(home, "bin", "java").toString();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launcher's CDS log flags when it uses an archive at all; {@code null} when it does not. */
    static List<String> launcherCdsLogFlags(Path root) {
        try {
            return launcherCdsLogFlags(Files.readString(root.resolve(LAUNCHER)));
        } catch (IOException e) {
            return null;
        }
    }

    static List<String> launcherCdsLogFlags(String script) {
        if (!script.contains("SharedArchiveFile")) {
            return null;
        }
        for (String line : script.split("\n")) {
            Matcher m = QUIET_CDS.matcher(line);
            if (m.find() && !m.group(1).contains("$")) {
                return split(m.group(1));
            }
        }
        return DEFAULT_CDS_LOG_FLAGS;
    }

    /** {@code proxy-cli/target/h2splice.jsa}: where the launcher keeps the archive. */
    public Path cdsArchive() {
        String name = jar.getFileName().toString();
        return jar.resolveSibling((name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name) + ".jsa");
    }

    /** Whether the archive is there and newer than the jar, as the launcher requires. */
    boolean cdsArchiveFresh() {
        try {
            Path jsa = cdsArchive();
            return Files.isRegularFile(jsa)
                    && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The sidecars' JVM flags now: {@link #jvmOpts} and, when the archive is fresh, the launcher's CDS flags. */
    public List<String> sidecarJvmFlags() {
        List<String> all = new java.util.ArrayList<>(jvmOpts);
        if (cdsLogFlags != null && hasJar() && cdsArchiveFresh()) {
            all.add("-XX:SharedArchiveFile=" + cdsArchive());
            all.addAll(cdsLogFlags);
        }
        return all;
    }

    /** Whether the launcher would record the archive on its next run: it uses one, and it is missing or stale. */
    public boolean cdsToRecord() {
        return cdsLogFlags != null && hasJar() && !cdsArchiveFresh() && Files.isWritable(jar.getParent());
    }

    /** For the report: the archive in use, or why none is. */
    public String cdsStatus() {
        if (cdsLogFlags == null) {
            return "off (" + LAUNCHER + " uses no archive, H2SPLICE_NO_CDS is set, or the JVM flags name one)";
        }
        if (!hasJar()) {
            return "off (no jar)";
        }
        return cdsArchiveFresh() ? cdsArchive().toString() : "off (no archive newer than the jar)";
    }

    /** The default flags of {@code bin/h2splice} under {@code root}; {@code null} when they cannot be read. */
    static List<String> launcherDefaults(Path root) {
        try {
            return launcherDefaults(Files.readString(root.resolve(LAUNCHER)), root);
        } catch (IOException e) {
            return null;
        }
    }

    /** The text between {@code ${H2SPLICE_JAVA_OPTS:-} and <code>}</code>, {@code $root} expanded; else null. */
    static List<String> launcherDefaults(String script, Path root) {
        for (String line : script.split("\n")) {
            if (line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher m = DEFAULT_OPTS.matcher(line);
            if (m.find()) {
                String opts = m.group(1).replace("${root}", root.toString()).replace("$root", root.toString());
                return opts.contains("$") || opts.contains("`") ? null : split(opts);
            }
        }
        return null;
    }

    static List<String> split(String opts) {
        String t = opts.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    /** The directory that holds {@value #JAR} or {@value #LAUNCHER}, walking up from {@code from}; else null. */
    static Path findRoot(Path from) {
        for (Path p = from; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(JAR)) || (Files.isRegularFile(p.resolve(LAUNCHER))
                    && Files.isDirectory(p.resolve("proxy-cli")))) {
                return p;
            }
        }
        return null;
    }

    /** The benchmark's jar or classes directory. */
    static Path codeLocation() {
        try {
            return Path.of(H2spliceInstall.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /** The jar exists now (a build may have been run since {@link #locate}). */
    public boolean hasJar() {
        return jar != null && Files.isRegularFile(jar);
    }

    /** Why sidecars cannot start, one line. */
    public String whyNoJar() {
        if (missing != null) {
            return missing;
        }
        return jar + " not built yet: run 'mvn -B -DskipTests package' in " + root;
    }
}
