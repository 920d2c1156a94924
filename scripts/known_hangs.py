#!/usr/bin/env python3
"""Print regrtest options that leave out tests which cannot finish on this
machine, each found by a probe of the machine, never by a fixed list.

A test that blocks forever costs regrtest's whole --timeout; worse, when -w
re-runs its module in the main process, the timeout ends regrtest itself
and no report is written.  So such a test is left out (`--ignore PATTERN`),
only where its probe shows it would hang, and this says so on stderr every
time.  Prints nothing when every probe passes.
"""

import argparse
import os
import socket
import struct
import sys
import threading

PROG = "known-hangs"


def vsock_loopback_hangs():
    """test_socket.ThreadedVSOCKSocketStreamTest runs when /dev/vsock exists
    and the local CID is not 2; its client connects to the local CID and its
    server blocks in accept() with no timeout.  On a guest without a vsock
    loopback transport the connect fails (ENODEV) and accept() never
    returns."""
    if not hasattr(socket, "AF_VSOCK") or not os.path.exists("/dev/vsock"):
        return None
    try:
        import fcntl
        with open("/dev/vsock", "rb") as f:
            raw = fcntl.ioctl(
                f, socket.IOCTL_VM_SOCKETS_GET_LOCAL_CID, b"    ")
        cid = struct.unpack("I", raw)[0]
    except OSError:
        return None
    if cid == 2:        # the test skips itself on the host
        return None
    try:
        server = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
    except OSError:
        return None
    errors = []
    with server:
        server.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))
        server.listen()
        port = server.getsockname()[1]
        server.settimeout(3)

        def connect():
            try:
                with socket.socket(socket.AF_VSOCK,
                                   socket.SOCK_STREAM) as client:
                    client.settimeout(3)
                    client.connect((cid, port))
            except OSError as exc:
                errors.append(exc)

        thread = threading.Thread(target=connect)
        thread.start()
        thread.join()
        if not errors:
            try:
                conn, _ = server.accept()
                conn.close()
            except OSError as exc:
                errors.append(exc)
    if not errors:
        return None
    return ("AF_VSOCK loopback to local CID {} fails ({}): the test's "
            "accept() "
            "would block forever".format(cid, errors[0]))


PROBES = [
    # regrtest matches a pattern without dots against each part of a test id.
    ("ThreadedVSOCKSocketStreamTest", vsock_loopback_hangs),
]


def options(probes=PROBES):
    """The regrtest options that leave out what would hang here; each is
    named on stderr."""
    opts = []
    for pattern, probe in probes:
        reason = probe()
        if reason:
            print("{}: leaving out {}: {}".format(PROG, pattern, reason),
                  file=sys.stderr)
            opts += ["--ignore", pattern]
    return opts


def main(argv=None):
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(
        argv)
    print(" ".join(options()))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import workbench
    sys.exit(workbench.run_main(PROG, main))
