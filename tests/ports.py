"""Ports for the servers the tests start in other processes (demo, serve, media workers, Redis,
HAProxy), which must be told a port before they bind it.

`bind(0)` would hand out a port of the kernel's *ephemeral* range — the range it also gives every
outgoing connection its source port from. Between the moment a test learns such a port and the
moment its subprocess binds it, any connection of the machine (a Redis client, Chromium, another
xdist worker) may take it: « address already in use », a test failing for nothing (CI, 2026-12-06:
a media worker's port 37606). So these ports come from below the ephemeral range, where the kernel
never picks on its own; each xdist worker has its own slice of it, so two workers never hand out
the same port; a port something already listens on is skipped."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import socket
from pathlib import Path

LOWEST = 20000  # above the well-known services of a machine (PostgreSQL, Redis, RabbitMQ, NATS…)
SLICES = 16  # xdist workers gw0…gw15 each get their own slice; more wrap around


def ephemeral_range() -> tuple[int, int]:
    """The kernel's range for outgoing connections' source ports (and for `bind(0)`)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def worker_slice(worker: str | None = None) -> range:
    """This xdist worker's ports (`worker`: its id, gw0…; default `PYTEST_XDIST_WORKER`)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0") if worker is None else worker
    index = int(worker.removeprefix("gw") or 0) % SLICES if worker.startswith("gw") else 0
    top = min(ephemeral_range()[0], 65536)
    if top - LOWEST < SLICES * 16:
        raise RuntimeError(f"the ephemeral range starts at {top}: no room below it for test ports")
    size = (top - LOWEST) // SLICES
    return range(LOWEST + index * size, LOWEST + (index + 1) * size)


class _Ports:
    """Hands out this worker's ports in turn, from a random start (two pytest sessions at once
    rarely meet), never the same twice in a process unless the whole slice has gone round."""

    def __init__(self) -> None:
        self._slice: range | None = None
        self._next = 0

    def block(self, count: int) -> int:
        """The first of `count` consecutive ports nobody listens on now."""
        ports = self._slice = self._slice or worker_slice()
        if not self._next:
            self._next = random.randrange(len(ports))
        for _ in itertools.repeat(None, len(ports)):
            start = ports.start + self._next
            self._next = (self._next + count) % (len(ports) - count)
            if _all_free(range(start, start + count)):
                return start
        raise AssertionError(f"no {count} free consecutive ports in {ports}")


def _all_free(ports: range) -> bool:
    try:
        with contextlib.ExitStack() as stack:
            for port in ports:
                sock = stack.enter_context(socket.socket())
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind
                sock.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True


_PORTS = _Ports()


def free_port() -> int:
    """A port nobody listens on, outside the ephemeral range, this worker's own."""
    return _PORTS.block(1)


def free_base_port(count: int) -> int:
    """A base port whose next `count` ports are free too (local media workers listen on
    base+1…base+count; the base itself is reserved with them)."""
    return _PORTS.block(count + 1)
