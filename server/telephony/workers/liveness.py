"""Is a media worker dead? Only evidence says so, never a registration that lapsed (Redis may
have been away while the worker went on carrying its calls):

- its process exited (a local worker: the supervisor saw it, with its pid);
- nothing accepts connections at its address any more (connection refused);
- another instance answers at its address or registered under its id (it was restarted:
  the new process never had the old one's rooms);
- its health check has failed without interruption for `dead_after_s` (hung, or its host is
  gone): long enough that a stall of a second or two (a GC pause, SIGSTOP) is not a death.

A lapsed registration only makes the web process ask the worker (see `remote.py`)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

logger = logging.getLogger(__name__)
DEAD_AFTER_S = 5.0


@dataclass
class _Probe:
    failing_since: float | None = None
    ok_at: float | None = None


class Liveness:
    def __init__(self, dead_after_s: float = DEAD_AFTER_S) -> None:
        self.dead_after_s = dead_after_s
        self._dead: dict[tuple[str, str], str] = {}  # (worker id, instance) -> why
        self._probes: dict[tuple[str, str], _Probe] = {}

    def is_dead(self, worker_id: str, instance: str) -> bool:
        return (worker_id, instance) in self._dead

    def why(self, worker_id: str, instance: str) -> str:
        return self._dead.get((worker_id, instance), "")

    def declare_dead(self, worker_id: str, instance: str, why: str) -> bool:
        """True if this is news (logged once)."""
        key = (worker_id, instance)
        if key in self._dead:
            return False
        self._dead[key] = why
        self._probes.pop(key, None)
        logger.error("media worker %s (instance %s) is dead: %s", worker_id, instance[:8], why)
        return True

    def answered(self, worker_id: str, instance: str) -> None:
        probe = self._probes.setdefault((worker_id, instance), _Probe())
        if probe.failing_since is not None:
            logger.warning("media worker %s answers again", worker_id)
        probe.failing_since, probe.ok_at = None, time.monotonic()

    def unanswered(self, worker_id: str, instance: str, why: str) -> bool:
        """A health check timed out or failed: True once it has failed for `dead_after_s`
        without a break (then the worker is declared dead)."""
        key = (worker_id, instance)
        probe = self._probes.setdefault(key, _Probe())
        now = time.monotonic()
        if probe.failing_since is None:
            probe.failing_since = now
            logger.warning("media worker %s does not answer its health check (%s)", worker_id, why)
        if now - probe.failing_since >= self.dead_after_s:
            return self.declare_dead(
                worker_id, instance, f"no answer for {now - probe.failing_since:.1f} s ({why})"
            ) or self.is_dead(worker_id, instance)
        return False

    def answered_recently(self, worker_id: str, instance: str, within_s: float) -> bool:
        probe = self._probes.get((worker_id, instance))
        return (
            probe is not None
            and probe.ok_at is not None
            and time.monotonic() - probe.ok_at <= within_s
        )

    def forget(self, keep: set[tuple[str, str]]) -> None:
        """Drop what is known of instances no longer referenced (bounded memory)."""
        for table in (self._dead, self._probes):
            for key in [k for k in table if k not in keep]:
                del table[key]
