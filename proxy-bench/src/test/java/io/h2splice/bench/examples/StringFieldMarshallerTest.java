package io.h2splice.bench.examples;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StringFieldMarshallerTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] bytesOf(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static HelloRequest parse(byte[] bytes) {
        return Greeter.SAY_HELLO.parseRequest(new ByteArrayInputStream(bytes));
    }

    @Test
    void helloRequestWorldMatchesGoBytes() throws IOException {
        // protoc-gen-go: proto.Marshal(&pb.HelloRequest{Name: "world"})
        byte[] go = hex("0a 05 77 6f 72 6c 64");
        assertArrayEquals(go, bytesOf(Greeter.SAY_HELLO.streamRequest(new HelloRequest("world"))));
        assertEquals(new HelloRequest("world"), parse(go));
    }

    @Test
    void helloReplyRoundTrip() throws IOException {
        byte[] expected = hex("0a 0b");
        byte[] text = "Hello world".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[expected.length + text.length];
        System.arraycopy(expected, 0, all, 0, 2);
        System.arraycopy(text, 0, all, 2, text.length);
        assertArrayEquals(all, bytesOf(Greeter.SAY_HELLO.streamResponse(new HelloReply("Hello world"))));
        assertEquals(new HelloReply("Hello world"), Greeter.SAY_HELLO.parseResponse(new ByteArrayInputStream(all)));
    }

    @Test
    void emptyStringIsAnEmptyMessage() throws IOException {
        assertArrayEquals(new byte[0], bytesOf(Greeter.SAY_HELLO.streamRequest(new HelloRequest(""))));
        assertEquals(new HelloRequest(""), parse(new byte[0]));
    }

    @Test
    void longAndNonAsciiValuesUseMultiByteVarints() {
        String name = "Zoë ".repeat(50);  // 250 bytes of UTF-8
        byte[] encoded = StringFieldMarshaller.encode(name);
        assertEquals(0x0A, encoded[0]);
        assertEquals((byte) 0xFA, encoded[1]);  // 250 = 0x7A | 0x80, then 0x01
        assertEquals(0x01, encoded[2]);
        assertEquals(3 + 250, encoded.length);
        assertEquals(name, StringFieldMarshaller.decode(encoded));
        String big = "x".repeat(20_000);
        assertEquals(big, StringFieldMarshaller.decode(StringFieldMarshaller.encode(big)));
    }

    @Test
    void unknownFieldsAreSkipped() {
        byte[] withUnknowns = hex(""
                + "10 96 01"                       // field 2, varint 150
                + "19 01 02 03 04 05 06 07 08"     // field 3, fixed64
                + "0a 01 61"                       // field 1 = "a" (overwritten below: last one wins)
                + "25 01 02 03 04"                 // field 4, fixed32
                + "2a 02 78 79"                    // field 5, length-delimited
                + "33 08 01 3b 0a 01 7a 3c 34"     // field 6, group holding a varint and a nested group
                + "08 01"                          // field 1 with the varint wire type: unknown, skipped
                + "0a 05 77 6f 72 6c 64"           // field 1 = "world"
                + "f8 ff ff ff 0f 00");            // field 536870911 (the largest), varint
        assertEquals("world", StringFieldMarshaller.decode(withUnknowns));
    }

    @Test
    void malformedInputIsInternal() {
        for (String bad : new String[] {
                "0a",                     // tag without length
                "0a 05 77 6f",            // truncated value
                "0a ff ff ff ff 0f",      // negative length
                "00 01",                  // field number 0
                "0f",                     // wire type 7
                "0e",                     // wire type 6
                "0c",                     // end group without start
                "0b 08 01",               // group never ended
                "0b 14",                  // group ended with the wrong field
                "19 01 02",               // truncated fixed64
                "10 ff ff ff ff ff ff ff ff ff ff 01",  // 11-byte varint
                "0a 02 c3 28",            // invalid UTF-8 in field 1
        }) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> parse(hex(bad)), bad);
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), bad);
            assertEquals("Invalid protobuf byte sequence", e.getStatus().getDescription(), bad);
        }
    }

    @Test
    void invalidUtf8OutsideField1IsSkipped() {
        assertEquals("", StringFieldMarshaller.decode(hex("12 02 c3 28")));
    }

    @Test
    void methodDescriptorNamesTheGoService() {
        assertEquals("helloworld.Greeter/SayHello", Greeter.SAY_HELLO.getFullMethodName());
        assertEquals("helloworld.Greeter", Greeter.SAY_HELLO.getServiceName());
        assertEquals(io.grpc.MethodDescriptor.MethodType.UNARY, Greeter.SAY_HELLO.getType());
    }
}
