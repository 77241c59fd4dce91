"""Child crawls that stop with their parent (`gongkai crawl --all`).

Twisted's reactor runs once per process, so `crawl --all` runs one `gongkai crawl
SITE` process per site. Killing the parent must not leave a child crawling a portal
nobody watches: on Linux the kernel sends the child SIGTERM when its parent dies,
however it dies (prctl PR_SET_PDEATHSIG, even after SIGKILL); everywhere, the
signals the parent receives are passed on to the child before the parent stops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _die_with(parent: int):
    def prepare():  # runs in the child, between fork and exec
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    return prepare


def run_child(command: list[str]) -> int:
    """Run COMMAND to its end, tied to this process; its exit code."""
    # A group of its own: a Ctrl-C reaches the parent only, which passes it on once.
    child = subprocess.Popen(command, preexec_fn=_die_with(os.getpid()), process_group=0)

    def forward(signum, frame):
        child.send_signal(signum)
        child.wait()
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
