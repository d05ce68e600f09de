#!/usr/bin/env python3
"""A point-to-point IP link with delay and loss, for NetworkFaultsProcessTest.

    lossy_link.py TUN_A TUN_B

Creates two TUN devices in the caller's network namespace (the test then moves each into the namespace of one
sidecar) and copies every IP packet read from one to the other, after DELAY milliseconds, dropping LOSS percent of
them at random, in each direction: what `tc qdisc add dev X root netem delay DELAY loss LOSS` does on both ends of a
veth pair. It stands in for netem because some kernels are built without it (CONFIG_NET_SCH_NETEM), this test
machine's among them; the TCP stacks on both sides are the kernel's, so retransmission and keepalive are real.

Prints "ready" once both devices exist. Then reads commands from stdin, one a line, each answered with one line:
    set DELAY_MS LOSS_PERCENT   ->  "ok DELAY_MS LOSS_PERCENT"
End of input (the test JVM gone) ends the link; the TUN devices vanish with it.
"""
import collections
import fcntl
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    a, b = open_tun(sys.argv[1]), open_tun(sys.argv[2])
    other = {a: b, b: a}
    queued = {a: collections.deque(), b: collections.deque()}  # (due, packet) read from the key, for the other
    delay, loss = 0.0, 0.0
    stdin = sys.stdin.fileno()
    pending = b""
    print("ready", flush=True)
    while True:
        heads = [q[0][0] for q in queued.values() if q]
        timeout = max(0.0, min(heads) - time.monotonic()) if heads else None
        readable, _, _ = select.select([a, b, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    words = line.decode().split()
                    if len(words) == 3 and words[0] == "set":
                        delay, loss = float(words[1]) / 1000, float(words[2]) / 100
                        print("ok", words[1], words[2], flush=True)
                    else:
                        print("error: expected 'set DELAY_MS LOSS_PERCENT', got", line.decode(), flush=True)
                continue
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if random.random() >= loss:
                    queued[fd].append((now + delay, packet))
        now = time.monotonic()
        for fd, q in queued.items():
            while q and q[0][0] <= now:
                _, packet = q.popleft()
                try:
                    os.write(other[fd], packet)
                except OSError:
                    pass  # the other end is down or full: the packet is lost, as on a wire


if __name__ == "__main__":
    main()
