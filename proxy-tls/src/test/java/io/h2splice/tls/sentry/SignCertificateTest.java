package io.h2splice.tls.sentry;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sentry's two messages on the protobuf wire, byte for byte as protoc-generated code writes and reads them. */
class SignCertificateTest {

    @Test
    void theRequestHasItsFieldsInOrderAndLeavesOutDefaults() {
        byte[] encoded = new SignCertificate.Request("app", "", "", "default", "CSR".getBytes(StandardCharsets.UTF_8),
                SignCertificate.UNKNOWN).encode();
        // 1: "app", 4: "default", 5: "CSR"; the empty token and trust domain and the UNKNOWN validator are absent.
        assertEquals("0a03617070" + "2207" + hex("default") + "2a03" + hex("CSR"), HexFormat.of().formatHex(encoded));
    }

    @Test
    void aTokenAndItsValidatorAreSent() {
        byte[] encoded = new SignCertificate.Request("a", "t", "", "ns", new byte[] {1}, SignCertificate.KUBERNETES)
                .encode();
        assertEquals("0a0161" + "120174" + "22026e73" + "2a0101" + "3002", HexFormat.of().formatHex(encoded));
    }

    @Test
    void theResponseGivesTheChainTrustChainAndValidityAndSkipsTheJwtFields() throws IOException {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(HexFormat.of().parseHex("0a05" + hex("CHAIN")));
        m.writeBytes(HexFormat.of().parseHex("1204" + hex("ROOT")));
        // valid_until: Timestamp{seconds: 1700000000 (varint 80 e2 cf aa 06), nanos: 5}
        m.writeBytes(HexFormat.of().parseHex("1a08" + "0880e2cfaa06" + "1005"));
        m.writeBytes(HexFormat.of().parseHex("2203" + "0a0178"));           // jwt: StringValue{"x"}
        m.writeBytes(HexFormat.of().parseHex("2a08" + "0a01611203" + "0a0179")); // per_audience_jwts{"a": "y"}
        m.writeBytes(HexFormat.of().parseHex("4801"));                     // a field from a later release: varint
        m.writeBytes(HexFormat.of().parseHex("5101020304050607 08".replace(" ", ""))); // fixed64
        SignCertificate.Response r = SignCertificate.Response.decode(m.toByteArray());
        assertArrayEquals("CHAIN".getBytes(StandardCharsets.UTF_8), r.workloadCertificate());
        assertEquals(1, r.trustChain().size());
        assertArrayEquals("ROOT".getBytes(StandardCharsets.UTF_8), r.trustChain().get(0));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 5), r.validUntil());
    }

    @Test
    void aTruncatedResponseIsAnErrorNamingTheProblem() {
        IOException e = assertThrows(IOException.class,
                () -> SignCertificate.Response.decode(HexFormat.of().parseHex("0a05414243")));
        assertTrue(e.getMessage().contains("field 1 is longer than the message"), e.getMessage());
        IOException varint = assertThrows(IOException.class,
                () -> SignCertificate.Response.decode(HexFormat.of().parseHex("0a")));
        assertTrue(varint.getMessage().contains("truncated varint"), varint.getMessage());
        IOException group = assertThrows(IOException.class,
                () -> SignCertificate.Response.decode(HexFormat.of().parseHex("0b")));
        assertTrue(group.getMessage().contains("wire type 3"), group.getMessage());
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }
}
