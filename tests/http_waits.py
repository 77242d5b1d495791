"""Waiting for a process a test started to answer HTTP, through one client for the whole wait:
`httpx.get` builds a client and its TLS context at every poll (~27 ms of CPU on this machine,
taken from the process that is starting; `tests/test_http_waits.py`)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping

import httpx
import pytest


def wait_answering(
    url: str,
    *,
    ready: Callable[[httpx.Response], bool],
    alive: Callable[[], object],
    what: Callable[[], str],
    timeout_s: float,
    every_s: float = 0.1,
    verify: bool = True,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Until `url` answers what `ready` accepts; `alive` is called before each try (it fails
    the test if the process died) and `what` says what was awaited if the time runs out."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(verify=verify, headers=headers, timeout=5.0) as client:
        while True:
            alive()
            with contextlib.suppress(httpx.HTTPError):
                response = client.get(url)
                if ready(response):
                    return response
            if time.monotonic() > deadline:
                raise AssertionError(f"still waiting after {timeout_s:.0f} s for: {what()}")
            time.sleep(every_s)


def clients_made(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Client]:
    """The `httpx.Client`s made from now on in this test (`httpx.get` makes one per call)."""
    made: list[httpx.Client] = []
    original = httpx.Client.__init__

    def counted(self: httpx.Client, *args: object, **kwargs: object) -> None:
        made.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx.Client, "__init__", counted)
    return made
