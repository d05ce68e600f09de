package io.h2splice.bench;

import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EchoTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void payloadIsProtobufBytesFieldOne() throws IOException {
        // protoc: Payload{data: "abc"}
        assertArrayEquals(hex("0a 03 61 62 63"), Echo.UNARY.streamRequest(new byte[] {'a', 'b', 'c'}).readAllBytes());
        assertArrayEquals(new byte[0], Echo.UNARY.streamRequest(new byte[0]).readAllBytes(), "proto3: empty");
        byte[] big = new byte[65_536];
        byte[] encoded = Echo.PayloadMarshaller.encode(big);
        assertEquals(1 + 3 + 65_536, encoded.length, "tag, a 3-byte varint, the bytes");
        assertArrayEquals(hex("0a 80 80 04"), java.util.Arrays.copyOf(encoded, 4));
        assertArrayEquals(big, Echo.UNARY.parseRequest(new ByteArrayInputStream(encoded)));
    }

    @Test
    void unknownFieldsAreSkippedAndGarbageIsInternal() {
        byte[] withUnknown = hex("10 05 0a 02 68 69 1d 01 02 03 04");
        assertArrayEquals(new byte[] {'h', 'i'}, Echo.STREAM.parseResponse(new ByteArrayInputStream(withUnknown)));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Echo.UNARY.parseRequest(new ByteArrayInputStream(hex("0a 05 61"))));
        assertEquals(io.grpc.Status.Code.INTERNAL, e.getStatus().getCode());
    }

    @Test
    void methodNames() {
        assertEquals("h2splice.bench.Echo/Unary", Echo.UNARY.getFullMethodName());
        assertEquals("h2splice.bench.Echo/Stream", Echo.STREAM.getFullMethodName());
    }
}
