package io.h2splice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class MainTest {

    @TempDir
    Path home;

    /** Each bad command line: exit 2, exactly one line on stderr containing the expected words, nothing on stdout. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"                                          | h2splice: missing command",
        "frob                                        | h2splice: unknown command 'frob' (try 'h2splice --help')",
        "--frob                                      | h2splice: Unknown option: '--frob'",
        "run --frob                                  | h2splice run: Unknown option: '--frob' (try 'h2splice run --help')",
        "run --app-port abc                          | 'abc' is not an int",
        "run --app-port 70000                        | --app-port must be a port in 0..65535",
        "run --dapr-grpc-port -1                     | --dapr-grpc-port must be a port in 0..65535",
        "run -p 5000 -G 5000                         | --app-port and --dapr-grpc-port are both 5000",
        "run -p 5000 -M 5000                         | --app-port and --metrics-port are both 5000",
        "run -I 6000 -H 6000                         | --dapr-internal-grpc-port and --dapr-http-port are both 6000",
        "run --config cfg.yaml                       | --config: no such file: cfg.yaml",
        "run -c cfg.yaml                             | --config: no such file: cfg.yaml",
        "run --resources-path ./no-such-res          | --resources-path: ./no-such-res: not a directory",
        "run -d ./no-such-res                        | --resources-path: ./no-such-res: not a directory",
        "run --max-retry-buffer -1                   | --max-retry-buffer: '-1' must not be negative",
        "run --max-retry-buffer 64KB                 | --max-retry-buffer: '64KB' is not a size",
        "run --max-retry-buffer 2Gi                  | --max-retry-buffer must be at most 1Gi",
        "run --unix-domain-socket ./no-such-dir      | --unix-domain-socket: no such directory: ./no-such-dir",
        "run -u ./no-such-dir                        | --unix-domain-socket: no such directory: ./no-such-dir",
        "run --cert-chain-file c.pem                 | --cert-chain-file and --cert-key-file go together",
        "run --cert-chain-file c.pem --cert-key-file k.pem | certificates from files need trust anchors",
        "run --enable-mtls=false --cert-key-file k.pem | need mTLS; remove them or --enable-mtls=false",
        "run --sentry-address localhost              | --sentry-address: 'localhost' must be host:port",
        "run --sentry-address localhost:50001        | --sentry-address needs trust anchors: --trust-anchors-file or DAPR_TRUST_ANCHORS",
        "run --enable-mtls=false --sentry-address localhost:50001 | need mTLS; remove them or --enable-mtls=false",
        "run --sentry-address localhost:50001 --cert-chain-file c.pem | --sentry-address and --cert-chain-file/--cert-key-file both say where the certificate comes from: give one",
        "run --sentry-address localhost:50001 --trust-anchors-file no.pem | --trust-anchors-file: no such file: no.pem",
        "run --control-plane-namespace dapr-system   | --control-plane-trust-domain and --control-plane-namespace name Sentry's identity: they need --sentry-address",
        "run -P thrift                               | --app-protocol must be one of grpc, grpcs, h2c, http, https",
        "run --log-level verbose                     | --log-level must be one of debug, info, warn, error, fatal",
        "run --max-body-size 16Q                     | --max-body-size: '16Q' is not a size",
        "run --max-body-size 0                       | --max-body-size must be at least 1 byte",
        "run --read-buffer-size 4Mi                  | --read-buffer-size must be in 1..4194303",
        "run --workers 0                             | --workers must be in 1..1024",
        "run --dapr-graceful-shutdown-seconds 3601   | --dapr-graceful-shutdown-seconds must be at most 3600",
        "run --dapr-public-port 70000                | --dapr-public-port must be a port in 0..65535",
        "run -H 3501 --dapr-public-port 3501         | --dapr-http-port and --dapr-public-port are both 3501",
        "run --app-id a.b                            | --app-id 'a.b' must not contain a dot",
        "run --app-id a/b                            | --app-id 'a/b' must not contain '/'",
        "run --dapr-listen-addresses 127.0.0.1,,::1  | --dapr-listen-addresses: empty address",
        "run --dapr-listen-addresses 'a b'           | is not an IP address or host name",
        "run --resolver-file /no/such/file.yaml      | --resolver-file: no such file: /no/such/file.yaml",
        "stop                                        | h2splice stop: Missing required option: '--app-id=ID'",
        "stop -a a.b.c                               | namespace in --app-id 'b.c' must not contain a dot",
        "list -o xml                                 | h2splice list: Invalid value for option '--output'",
    })
    void badCommandLineIsOneLineAndExitCode2(String args, String expected) {
        CliRun r = CliRun.run(home, args.isEmpty() ? new String[0] : split(args));
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertEquals(1, r.errLines().size(), "exactly one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals("", r.out());
    }

    @Test
    void namespaceFromTheEnvironmentIsValidated() {
        CliRun r = CliRun.run(java.util.Map.of("NAMESPACE", "a.b", "H2SPLICE_HOME", home.toString()), home, "run");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("h2splice run: NAMESPACE 'a.b' must not contain a dot (use app.namespace only when calling "
                + "another app)", r.err().strip());
    }

    @ParameterizedTest
    @CsvSource({"DAPR_API_TOKEN", "APP_API_TOKEN"})
    void aTokenThatCannotBeAHeaderValueIsRefusedWithoutPrintingIt(String variable) {
        CliRun r = CliRun.run(java.util.Map.of(variable, "s3cr\u00e9t", "H2SPLICE_HOME", home.toString()), home,
                "run");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(variable + " must be printable ASCII"), r.err());
        assertTrue(!r.err().contains("s3cr"), "the token itself is never printed");
    }

    @ParameterizedTest
    @CsvSource({"run", "list", "stop"})
    void helpDocumentsEveryFlag(String command) {
        CliRun r = CliRun.run(home, command, "--help");
        assertEquals(ExitCodes.OK, r.code());
        assertEquals("", r.err());
        CommandLine sub = Main.commandLine(new CliEnv(java.util.Map.of(), home, System.out, System.err))
                .getSubcommands().get(command);
        for (OptionSpec o : sub.getCommandSpec().options()) {
            assertTrue(r.out().contains(o.longestName()), command + " --help lacks " + o.longestName());
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName());
        }
    }

    @Test
    void runHelpSaysListenAddressDiffersFromDapr() {
        String help = CliRun.run(home, "run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("unlike Dapr, which listens on all interfaces"), help);
        assertTrue(help.contains("NAMESPACE") && help.contains("H2SPLICE_HOME"), help);
    }

    @Test
    void topLevelHelpAndVersion() {
        assertEquals(ExitCodes.OK, CliRun.run(home, "--help").code());
        CliRun v = CliRun.run(home, "--version");
        assertEquals(ExitCodes.OK, v.code());
        assertTrue(v.out().startsWith("h2splice "), v.out());
    }

    private static String[] split(String args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(args);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out.toArray(new String[0]);
    }
}
