#!/usr/bin/env python3
"""A grpcio client that cancels the way Python apps do, for IsolationProcessTest.

Calls app 'server' through the sidecar API port given as the first argument for the number of seconds given as the
second: every 100 ms four Echo calls that succeed, one Hang call whose 50 ms deadline expires before any response
(grpc core resets the stream), and one Fetch whose stream is cancelled after its first message. Ends with one line per
method, e.g. "echo OK=160", listing how its calls ended.
"""
import collections
import struct
import sys
import threading
import time

import grpc

SERVICE = "/h2splice.test.TestService/"
METADATA = (("dapr-app-id", "server"),)


def main():
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    channel = grpc.insecure_channel("127.0.0.1:%d" % port)
    echo = channel.unary_unary(SERVICE + "Echo")
    hang = channel.unary_unary(SERVICE + "Hang")
    fetch = channel.unary_stream(SERVICE + "Fetch")
    ends = collections.defaultdict(collections.Counter)
    lock = threading.Lock()
    pending = []

    def record(kind, code):
        with lock:
            ends[kind][code.name] += 1

    def watch(kind, future):
        future.add_done_callback(lambda f: record(kind, f.code()))
        pending.append(future)

    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        tick = time.monotonic()
        for _ in range(4):
            watch("echo", echo.future(b"py", metadata=METADATA, timeout=5))
        watch("hang", hang.future(b"\x01", metadata=METADATA, timeout=0.05))
        stream = fetch(struct.pack(">ii", 4, 256), metadata=METADATA, timeout=5)
        try:
            next(stream)
            stream.cancel()
            record("fetch", grpc.StatusCode.CANCELLED if stream.code() == grpc.StatusCode.CANCELLED
                   else stream.code())
        except grpc.RpcError as e:
            record("fetch", e.code())
        time.sleep(max(0.0, 0.1 - (time.monotonic() - tick)))
    for f in pending:
        try:
            f.result(timeout=10)
        except Exception:  # the code is recorded by the callback
            pass
    time.sleep(0.2)
    with lock:
        for kind in sorted(ends):
            print(kind, " ".join("%s=%d" % kv for kv in sorted(ends[kind].items())))
    channel.close()


if __name__ == "__main__":
    main()
