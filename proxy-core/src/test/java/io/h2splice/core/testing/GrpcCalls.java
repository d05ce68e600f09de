package io.h2splice.core.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Client-side helpers: metadata builders, one-shot calls with bounded waits, and status assertions. */
public final class GrpcCalls {

    public static final Metadata.Key<String> DAPR_APP_ID = ascii("dapr-app-id");
    public static final Metadata.Key<String> DAPR_CALLEE_APP_ID = ascii("dapr-callee-app-id");
    public static final Metadata.Key<String> DAPR_CALLER_APP_ID = ascii("dapr-caller-app-id");
    public static final Metadata.Key<String> DAPR_CALLER_NAMESPACE = ascii("dapr-caller-namespace");
    public static final Metadata.Key<String> DAPR_API_TOKEN = ascii("dapr-api-token");
    public static final Metadata.Key<String> USER_AGENT = ascii("user-agent");
    public static final Metadata.Key<String> GRPC_ENCODING = ascii("grpc-encoding");
    public static final Metadata.Key<byte[]> STATUS_DETAILS =
            Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private GrpcCalls() {
    }

    public static Metadata.Key<String> ascii(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    public static Metadata.Key<byte[]> bin(String name) {
        return Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
    }

    /** Metadata with {@code dapr-app-id: appId} (none when appId is null) and a fresh {@code x-test-id}. */
    public static Metadata routedTo(String appId) {
        Metadata md = new Metadata();
        if (appId != null) {
            md.put(DAPR_APP_ID, appId);
        }
        md.put(ReceivedCall.TEST_ID, UUID.randomUUID().toString());
        return md;
    }

    /** Starts a call; the caller drives it through the returned handle. */
    public static RecordingCall start(Channel channel, MethodDescriptor<byte[], byte[]> method, CallOptions options,
                                      Metadata headers) {
        RecordingCall call = new RecordingCall(method.getFullMethodName(), channel.newCall(method, options));
        call.start(headers);
        return call;
    }

    /** Sends every request, half-closes and waits for the end of the call, at most {@link #CALL_TIMEOUT}. */
    public static CallResult call(Channel channel, MethodDescriptor<byte[], byte[]> method, CallOptions options,
                                  Metadata headers, List<byte[]> requests) {
        RecordingCall call = start(channel, method, options, headers);
        for (byte[] r : requests) {
            call.send(r);
        }
        call.halfClose();
        return call.await(CALL_TIMEOUT);
    }

    public static CallResult unary(Channel channel, MethodDescriptor<byte[], byte[]> method, Metadata headers,
                                   byte[] request) {
        return call(channel, method, CallOptions.DEFAULT, headers, List.of(request));
    }

    /** Asserts the exact status code and description, with expected vs actual (and the rest of the call) on failure. */
    public static void assertStatus(Status.Code code, String description, CallResult result) {
        Status s = result.status();
        if (s.getCode() != code || !java.util.Objects.equals(description, s.getDescription())) {
            throw new AssertionError("expected " + code + " '" + description + "' but got " + result.describe());
        }
    }

    /** Asserts the call failed with one of {@code codes}. */
    public static void assertStatusIn(Set<Status.Code> codes, CallResult result) {
        if (!codes.contains(result.status().getCode())) {
            throw new AssertionError("expected one of " + codes + " but got " + result.describe());
        }
    }

    public static String describe(Status s) {
        return s.getCode() + " '" + s.getDescription() + "'" + (s.getCause() == null ? "" : " (cause " + s.getCause() + ")");
    }
}
