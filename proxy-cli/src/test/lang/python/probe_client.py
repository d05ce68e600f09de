"""The probe client in Python (grpcio): runs the ten cases of ../PROBE.md through the sidecar at --target.

Messages are raw bytes: grpcio's generic multi-callables (channel.unary_unary(path) etc.) with no serializer pass
bytes through as they are, so no protoc step is needed. Output and exit code are exactly as PROBE.md says.
"""

import argparse
import os
import queue
import sys
import time

import grpc

SERVICE = "/h2splice.probe.Probe/"
DEADLINE = 30.0  # seconds, every case unless PROBE.md says less
MAX_MESSAGE = 64 << 20
PROBE_BIN = bytes([0x00, 0xFF, 0x10, 0x80, 0x7F, 0x0A, 0x0D, 0x20])
FAIL_MESSAGE = "the probe failed on purpose: \u263a"
STATUS_DETAILS = bytes.fromhex(
    "080912207468652070726f6265206661696c6564206f6e20707572706f73653a20e298ba1a420a2e747970652e676f6f676c65617069732e"
    "636f6d2f676f6f676c652e70726f746f6275662e427974657356616c756512100a0e64657461696c7320706c65617365")


class Failed(Exception):
    """A case's check did not hold; the text says what was expected and what came."""


def check(ok, what):
    if not ok:
        raise Failed(what)


def first(metadata, key):
    """The first value of key in a call's metadata (str, or bytes for -bin keys), or None."""
    for k, v in metadata or ():
        if k == key:
            return v
    return None


def short(data):
    """A readable excerpt of a reply, for FAIL lines."""
    return repr(data[:40]) + ("..." if len(data) > 40 else "") + " (%d bytes)" % len(data)


class Probe:
    def __init__(self, channel, app_id):
        self.channel = channel
        self.app_id = app_id

    def md(self, *extra, app_id=None):
        return (("dapr-app-id", app_id or self.app_id),) + extra

    def unary(self, method):
        return self.channel.unary_unary(SERVICE + method)

    # --- the cases, in PROBE.md's order ---

    def case_unary(self):
        request = bytes(i & 0xFF for i in range(1024))
        reply, call = self.unary("Echo").with_call(request, timeout=DEADLINE, metadata=self.md())
        check(call.code() == grpc.StatusCode.OK, "expected OK, got %s" % call.code())
        check(reply == request, "expected the 1024 bytes back, got %s" % short(reply))

    def case_server_streaming(self):
        call = self.channel.unary_stream(SERVICE + "ServerStream")(
            b"", timeout=DEADLINE, metadata=self.md(("x-probe-count", "5"), ("x-probe-size", "1024")))
        messages = list(call)
        check(call.code() == grpc.StatusCode.OK, "expected OK, got %s" % call.code())
        check(len(messages) == 5, "expected 5 messages, got %d" % len(messages))
        for i, m in enumerate(messages):
            check(m == bytes([i]) * 1024, "message %d: expected 1024 bytes of %d, got %s" % (i, i, short(m)))

    def case_client_streaming(self):
        requests = (bytes([n]) * (1000 * n) for n in (1, 2, 3, 4))
        reply, call = self.channel.stream_unary(SERVICE + "ClientStream").with_call(
            requests, timeout=DEADLINE, metadata=self.md())
        check(call.code() == grpc.StatusCode.OK, "expected OK, got %s" % call.code())
        check(reply == b"bytes=10000;messages=4", "expected b'bytes=10000;messages=4', got %r" % reply)

    def case_bidi(self):
        outgoing = queue.Queue()  # the request iterator below sends what is put here; None half-closes

        def requests():
            while (message := outgoing.get()) is not None:
                yield message

        call = self.channel.stream_stream(SERVICE + "Bidi")(requests(), timeout=DEADLINE, metadata=self.md())
        try:
            for i in range(3):
                ping = b"ping-%d" % i
                outgoing.put(ping)
                echo = next(call, None)
                check(echo == ping, "expected echo %r, got %r" % (ping, echo))
        finally:
            outgoing.put(None)
        rest = list(call)
        check(not rest, "expected the stream to end after 3 echoes, got %d more messages" % len(rest))
        check(call.code() == grpc.StatusCode.OK, "expected OK, got %s" % call.code())

    def case_metadata(self):
        reply, call = self.unary("Echo").with_call(
            b"hello", timeout=DEADLINE,
            metadata=self.md(("x-probe-ascii", "hello-ascii"), ("x-probe-bin", PROBE_BIN)))
        check(reply == b"hello", "expected reply b'hello', got %r" % reply)
        head, tail = call.initial_metadata(), call.trailing_metadata()
        for where, md, key, want in (("initial", head, "x-probe-ascii", "hello-ascii"),
                                     ("initial", head, "x-probe-bin", PROBE_BIN),
                                     ("trailing", tail, "x-probe-ascii-t", "hello-ascii"),
                                     ("trailing", tail, "x-probe-t-bin", PROBE_BIN)):
            got = first(md, key)
            check(got == want, "%s metadata %s: expected %r, got %r" % (where, key, want, got))

    def case_status_details(self):
        try:
            reply = self.unary("Fail")(b"details please", timeout=DEADLINE, metadata=self.md())
            raise Failed("expected status 9, got OK with %r" % reply)
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.FAILED_PRECONDITION,
                  "expected FAILED_PRECONDITION, got %s %r" % (e.code(), e.details()))
            check(e.details() == FAIL_MESSAGE, "expected message %r, got %r" % (FAIL_MESSAGE, e.details()))
            got = first(e.trailing_metadata(), "grpc-status-details-bin")
            check(got == STATUS_DETAILS, "expected grpc-status-details-bin %s, got %s"
                  % (STATUS_DETAILS.hex(), got.hex() if isinstance(got, bytes) else repr(got)))

    def hang_then_cancelled(self, tag, end_hang, want):
        """Runs Hang tagged tag, ended by end_hang(callable); checks its status, then asks Cancelled."""
        hang = self.unary("Hang")
        code = end_hang(hang, self.md(("x-probe-tag", tag)))
        check(code == want, "expected the Hang call to end %s, got %s" % (want, code))
        reply = self.unary("Cancelled")(tag.encode(), timeout=DEADLINE, metadata=self.md())
        check(reply == b"cancelled", "expected Cancelled to reply b'cancelled', got %r" % reply)

    def case_deadline(self):
        def end_hang(hang, md):
            try:
                hang(b"", timeout=0.5, metadata=md)
                return grpc.StatusCode.OK
            except grpc.RpcError as e:
                return e.code()
        self.hang_then_cancelled("python-%d-deadline" % os.getpid(), end_hang, grpc.StatusCode.DEADLINE_EXCEEDED)

    def case_cancel(self):
        def end_hang(hang, md):
            future = hang.future(b"", timeout=DEADLINE, metadata=md)
            time.sleep(0.3)
            future.cancel()
            return future.code()  # the library's own status for a local cancel
        self.hang_then_cancelled("python-%d-cancel" % os.getpid(), end_hang, grpc.StatusCode.CANCELLED)

    def case_large_message(self):
        request = bytes((i * 31) & 0xFF for i in range(256)) * (16 * 4096)  # byte i = (i * 31) & 0xff, 16 MiB
        reply = self.unary("Echo")(request, timeout=DEADLINE, metadata=self.md())
        check(reply == request, "expected the 16 MiB back, got %s" % short(reply))

    def case_unknown_app(self):
        want = "couldn't find service: no-such-app"
        try:
            reply = self.unary("Echo")(b"x", timeout=DEADLINE, metadata=self.md(app_id="no-such-app"))
            raise Failed("expected UNAVAILABLE, got OK with %r" % reply)
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNAVAILABLE and e.details() == want,
                  "expected UNAVAILABLE %r, got %s %r" % (want, e.code(), e.details()))


CASES = ["unary", "server_streaming", "client_streaming", "bidi", "metadata", "status_details", "deadline",
         "cancel", "large_message", "unknown_app"]


def main():
    parser = argparse.ArgumentParser(description="The probe client of PROBE.md, in Python with grpcio.")
    parser.add_argument("--target", required=True, help="HOST:PORT of the client sidecar's gRPC API (h2c)")
    parser.add_argument("--app-id", required=True, help="sent as dapr-app-id on every call but unknown_app")
    args = parser.parse_args()
    options = [("grpc.max_send_message_length", MAX_MESSAGE), ("grpc.max_receive_message_length", MAX_MESSAGE)]
    passed = True
    with grpc.insecure_channel(args.target, options=options) as channel:
        probe = Probe(channel, args.app_id)
        for name in CASES:
            try:
                getattr(probe, "case_" + name)()
                print("CASE %s PASS" % name, flush=True)
            except Exception as e:  # a case that throws is a FAIL, and the next case runs
                passed = False
                if isinstance(e, grpc.Call):  # an RpcError that is also the call: its status says it all
                    e = "unexpected status %s %r" % (e.code(), e.details())
                elif not isinstance(e, Failed):
                    e = "%s: %s" % (type(e).__name__, e)
                print("CASE %s FAIL %s" % (name, " ".join(str(e).split())), flush=True)
    print("LIBRARY python grpcio %s" % grpc.__version__, flush=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
