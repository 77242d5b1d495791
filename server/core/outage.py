"""A dependency's state as the process last saw it (Redis, the database…): up or down, since
when, and why. The loss is logged once when it happens and the return once when it comes
back, however many operations fail in between (those log nothing); the state is what
`/api/health` reports."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class DependencyStatus:
    name: str
    up: bool
    since: float  # time.monotonic() of the last change (or of the first report)
    reason: str = ""  # the last error, for the logs and the operator (never for the public)

    @property
    def down_for_s(self) -> float:
        return 0.0 if self.up else time.monotonic() - self.since


class Dependency:
    """Report every operation's outcome with `ok()` / `failed(exc)`."""

    def __init__(self, name: str, logger: logging.Logger, *, what: str = "") -> None:
        self.name = name
        self._logger = logger
        self._what = what  # e.g. "the calls in progress keep their audio"
        self._up: bool | None = None  # None: nothing reported yet
        self._since = time.monotonic()
        self._reason = ""
        self.losses = 0

    @property
    def status(self) -> DependencyStatus:
        return DependencyStatus(self.name, self._up is not False, self._since, self._reason)

    @property
    def up(self) -> bool:
        return self._up is not False

    def ok(self) -> None:
        if self._up is False:
            self._logger.warning(
                "%s is back after %.1f s", self.name, time.monotonic() - self._since
            )
        if self._up is not True:
            self._since = time.monotonic()
        self._up, self._reason = True, ""

    def failed(self, exc: BaseException | str) -> None:
        reason = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        if self._up is not False:
            self.losses += 1
            self._since = time.monotonic()
            extra = f"; {self._what}" if self._what else ""
            self._logger.error("%s is unreachable (%s)%s", self.name, reason, extra)
        self._up, self._reason = False, reason
