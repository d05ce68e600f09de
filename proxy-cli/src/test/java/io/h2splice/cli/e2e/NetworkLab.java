package io.h2splice.cli.e2e;


import io.h2splice.core.testing.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces, {@code a} and {@code b}, joined by a link whose delay and loss the test sets, plus a veth
 * pair from this (the root) namespace into {@code a} so the test's clients can reach what listens there:
 *
 * <pre>
 *   test JVM ── veth ── a (10.100.x.y+2) ══ lossy link (10.77.0.1 ⇄ 10.77.0.2) ══ b
 * </pre>
 *
 * The link is {@code src/test/python/lossy_link.py}, two TUN devices copied into each other in user space with
 * netem's delay and loss, because netem is not in every kernel (this machine's lacks it). Names carry this JVM's
 * pid, so runs side by side do not meet; {@link #removeLeftovers} deletes those of runs whose JVM is gone. Needs
 * root, {@code ip netns} and {@code /dev/net/tun}: without them the test is skipped, unless {@value #REQUIRED_ENV}
 * is {@code true} (as {@code .ci/run} sets it), when it fails.
 */
final class NetworkLab implements AutoCloseable {

    static final String REQUIRED_ENV = "H2SPLICE_REQUIRE_NETNS";
    static final String A_LINK_ADDRESS = "10.77.0.1";
    static final String B_LINK_ADDRESS = "10.77.0.2";

    private static final String PREFIX = "h2sf-";
    private static final Pattern NAMESPACE = Pattern.compile("^h2sf-(\\d+)-[ab]\\b");
    private static final Pattern ROOT_VETH = Pattern.compile("^\\d+: (h2v(\\d+)r)[@:]");

    final String a;
    final String b;
    /** Where the test reaches namespace {@code a}: the address of {@code a}'s end of the veth pair. */
    final String aAddress;
    private final String rootVeth;
    private final Process link;
    private final Writer linkIn;
    private final BufferedReader linkOut;

    private NetworkLab(long pid, Path script) throws IOException, InterruptedException {
        a = PREFIX + pid + "-a";
        b = PREFIX + pid + "-b";
        rootVeth = "h2v" + pid + "r";
        String aVeth = "h2v" + pid + "a";
        String aTun = "h2t" + pid + "a";
        String bTun = "h2t" + pid + "b";
        int base = (int) (pid % 16_384) * 4; // a /30 of 10.100.0.0/16 of our own
        String rootAddress = "10.100." + (base >> 8) + "." + ((base & 0xff) + 1);
        aAddress = "10.100." + (base >> 8) + "." + ((base & 0xff) + 2);
        link = new ProcessBuilder(python(), script.toString(), aTun, bTun)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        linkIn = new OutputStreamWriter(link.getOutputStream(), StandardCharsets.US_ASCII);
        linkOut = new BufferedReader(new InputStreamReader(link.getInputStream(), StandardCharsets.US_ASCII));
        try {
            String ready = linkOut.readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("lossy_link.py did not start: " + ready);
            }
            for (String ns : List.of(a, b)) {
                ip("netns", "add", ns);
                ip("-n", ns, "link", "set", "lo", "up");
            }
            // The link's open descriptors follow its devices into the namespaces.
            ip("link", "set", aTun, "netns", a);
            ip("link", "set", bTun, "netns", b);
            ip("-n", a, "addr", "add", A_LINK_ADDRESS, "peer", B_LINK_ADDRESS, "dev", aTun);
            ip("-n", b, "addr", "add", B_LINK_ADDRESS, "peer", A_LINK_ADDRESS, "dev", bTun);
            ip("-n", a, "link", "set", aTun, "up");
            ip("-n", b, "link", "set", bTun, "up");
            ip("link", "add", rootVeth, "type", "veth", "peer", "name", aVeth, "netns", a);
            ip("addr", "add", rootAddress + "/30", "dev", rootVeth);
            ip("-n", a, "addr", "add", aAddress + "/30", "dev", aVeth);
            ip("link", "set", rootVeth, "up");
            ip("-n", a, "link", "set", aVeth, "up");
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Skips (or fails, see {@value #REQUIRED_ENV}) without root, {@code ip netns}, TUN or Python; then builds it. */
    static NetworkLab create(Path script) throws IOException, InterruptedException {
        String missing = missing();
        if (missing != null) {
            Tools.missing(missing, REQUIRED_ENV);
        }
        removeLeftovers();
        return new NetworkLab(ProcessHandle.current().pid(), script);
    }

    /** {@code ip netns exec <ns>}: the start of a command line that runs in {@code ns}. */
    static List<String> in(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    /** Each packet crossing the link, either way, waits {@code delayMillis}; {@code lossPercent} are dropped. */
    void set(int delayMillis, int lossPercent) throws IOException {
        linkIn.write("set " + delayMillis + " " + lossPercent + "\n");
        linkIn.flush();
        String answer = linkOut.readLine();
        if (answer == null || !answer.startsWith("ok ")) {
            throw new IllegalStateException("lossy_link.py answered " + answer);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            linkIn.close(); // end of input ends the link
        } catch (IOException ignored) {
            // already gone
        }
        if (!link.waitFor(5, TimeUnit.SECONDS)) {
            link.destroyForcibly();
        }
        for (String ns : List.of(a, b)) {
            run(List.of("ip", "netns", "del", ns));
        }
        run(List.of("ip", "link", "del", rootVeth)); // gone with a's end already, unless a process kept a alive
    }

    /** Deletes the namespaces and veth ends of runs whose JVM has exited (a crashed or killed run leaves them). */
    static void removeLeftovers() throws IOException, InterruptedException {
        for (String line : run(List.of("ip", "netns", "list"))) {
            Matcher m = NAMESPACE.matcher(line);
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                run(List.of("ip", "netns", "del", line.split(" ")[0]));
            }
        }
        for (String line : run(List.of("ip", "-o", "link", "show"))) {
            Matcher m = ROOT_VETH.matcher(line);
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                run(List.of("ip", "link", "del", m.group(1)));
            }
        }
    }

    /** What is missing to build the lab, or null. */
    private static String missing() throws InterruptedException {
        try {
            List<String> uid = run(List.of("id", "-u"));
            if (uid.isEmpty() || !uid.get(0).trim().equals("0")) {
                return "not root (network namespaces need it)";
            }
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns' does not work here";
            }
        } catch (IOException e) {
            return "no 'ip' command (iproute2): " + e.getMessage();
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun";
        }
        try {
            Process p = new ProcessBuilder(python(), "-c", "import fcntl").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "no working python3";
            }
        } catch (IOException e) {
            return "no python3: " + e.getMessage();
        }
        return null;
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** {@code ip args}, which must succeed. */
    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Runs {@code cmd}; its output lines, whatever its exit code. */
    private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().toList();
    }
}
