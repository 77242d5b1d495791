"""The tests' ports never come from the kernel's ephemeral range, and two xdist workers never
share one (a media worker's port taken by an outgoing connection failed CI on 2026-12-06)."""

from __future__ import annotations

import socket

from tests import ports
from tests.ports import ephemeral_range, free_base_port, free_port, worker_slice


def test_ports_are_below_the_ephemeral_range_and_this_workers_own() -> None:
    low, _ = ephemeral_range()
    handed = [free_port() for _ in range(50)] + [free_base_port(3) + i for i in range(4)]
    assert all(port < low for port in handed)
    assert all(port in worker_slice() for port in handed)
    assert len(set(handed)) == len(handed)  # never the same twice


def test_two_workers_have_disjoint_slices() -> None:
    slices = [set(worker_slice(f"gw{i}")) for i in range(ports.SLICES)]
    assert all(a.isdisjoint(b) for i, a in enumerate(slices) for b in slices[i + 1 :])
    assert worker_slice("master") == worker_slice("gw0")


def test_a_port_something_listens_on_is_skipped(monkeypatch) -> None:
    handed = ports._Ports()
    handed._slice = range(ports.LOWEST, ports.LOWEST + 64)
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", _first_bindable(handed._slice)))
        taken.listen()
        busy = taken.getsockname()[1]
        handed._next = busy - handed._slice.start
        got = handed.block(1)
        assert got != busy and got in handed._slice
        handed._next = busy - handed._slice.start - 1  # a block that would cover it
        start = handed.block(2)
        assert busy not in (start, start + 1)


def _first_bindable(candidates: range) -> int:
    for port in candidates:
        if ports._all_free(range(port, port + 1)):
            return port
    raise AssertionError("nothing bindable")
