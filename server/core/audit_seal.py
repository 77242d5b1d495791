"""What anchors the audit log outside its table: an HMAC key derived from the server's secret
(each entry is sealed with it, so recomputing the hashes without the secret is detected) and a
signed checkpoint — the chain's length and head — kept in the data directory and copied into
every appeal archive's manifest (so a shortened or emptied table is detected).

The checkpoint is written after each commit that appended entries; it only ever moves forward
(a lock file orders the writers of every process that shares the data directory)."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CHECKPOINT_FILE = "audit-checkpoint.json"


@dataclass(frozen=True)
class Checkpoint:
    """`seq` rows exist, the last one hashes to `hash`; rows from `sealed_from` on are sealed."""

    seq: int
    hash: str
    sealed_from: int | None
    mac: str = ""

    def payload(self) -> str:
        return f"checkpoint:{self.seq}:{self.hash}:{self.sealed_from or 0}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        """Raises ValueError on anything that is not a checkpoint."""
        if not isinstance(data, dict):
            raise ValueError("point de contrôle illisible")
        try:
            seq, head, sealed, mac = data["seq"], data["hash"], data["sealed_from"], data["mac"]
        except KeyError as exc:
            raise ValueError(f"point de contrôle incomplet ({exc.args[0]} manquant)") from None
        if not isinstance(seq, int) or not isinstance(head, str) or not isinstance(mac, str):
            raise ValueError("point de contrôle illisible")
        if sealed is not None and not isinstance(sealed, int):
            raise ValueError("point de contrôle illisible")
        return cls(seq, head, sealed, mac)


@dataclass(frozen=True)
class AuditSeal:
    key: bytes
    checkpoint_path: Path | None = None

    @classmethod
    def from_secret(cls, secret: str, data_dir: Path | None = None) -> AuditSeal:
        key = hmac.new(secret.encode(), b"plateau-audit-log", hashlib.sha256).digest()
        return cls(key, data_dir / CHECKPOINT_FILE if data_dir is not None else None)

    def _mac(self, text: str) -> str:
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()

    def entry_mac(self, seq: int, entry_hash: str) -> str:
        return self._mac(f"entry:{seq}:{entry_hash}")

    def entry_ok(self, seq: int, entry_hash: str, mac: str | None) -> bool:
        return mac is not None and hmac.compare_digest(self.entry_mac(seq, entry_hash), mac)

    def signed(self, seq: int, head: str, sealed_from: int | None) -> Checkpoint:
        point = Checkpoint(seq, head, sealed_from)
        return Checkpoint(seq, head, sealed_from, self._mac(point.payload()))

    def checkpoint_ok(self, point: Checkpoint) -> bool:
        return hmac.compare_digest(self._mac(point.payload()), point.mac)

    # ------------------------------------------------------------------ the file

    def read_checkpoint(self) -> Checkpoint | None:
        """The data directory's checkpoint; None if there is none. ValueError if unreadable."""
        if self.checkpoint_path is None or not self.checkpoint_path.exists():
            return None
        try:
            data = json.loads(self.checkpoint_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"point de contrôle illisible ({exc})") from None
        return Checkpoint.from_dict(data)

    def advance_checkpoint(self, seq: int, head: str, sealed_from: int | None) -> None:
        """Writes the checkpoint if it moves forward (atomic replace, owner-only file)."""
        path = self.checkpoint_path
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path.with_suffix(".lock")):
            try:
                current = self.read_checkpoint()
            except ValueError:
                current = None  # a damaged file is replaced; `audit verify` reads the rows
            if current is not None and current.seq >= seq:
                return
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.signed(seq, head, sealed_from).as_dict(), out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
