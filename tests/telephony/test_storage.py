"""The recordings directory checked at start: `plateau demo` and `plateau serve` refuse, in
French and before serving, a read-only directory and a disk without room for the calls
planned (the real commands, in a subprocess; a small tmpfs when the test runs as root)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from typer.testing import CliRunner

from server.cli import app as cli_app
from server.core.config import Settings
from server.telephony import storage
from server.telephony.storage import MARGIN_BYTES, RecordingPlan, directory_refusal
from tests.conftest import TEST_SECRET
from tests.ports import free_port
from tests.telephony.storage_faults import can_mount, small_tmpfs

PLATEAU = Path(sys.executable).with_name("plateau")
GIVE_UP_S = 180  # generous: a refusal comes before anything is served


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "PLATEAU_MEDIA_MODE": "inprocess"}
    try:
        return subprocess.run(
            [str(PLATEAU), *args], env=full, capture_output=True, text=True, timeout=GIVE_UP_S
        )
    except subprocess.TimeoutExpired as exc:  # it served instead of refusing
        raise AssertionError(f"plateau {' '.join(args)} did not refuse: {exc.stdout!r}") from exc


def _cli(args: list[str], env: dict[str, str]) -> Result:
    """A setup command (`db upgrade`, `session …`) in this process: a subprocess would import
    the whole server again for each (seconds of CPU on a loaded machine); `serve` and `demo`,
    the commands under test, still run as the real program."""
    return CliRunner().invoke(cli_app, args, env={**env, "PLATEAU_MEDIA_MODE": "inprocess"})


def _read_only(where: Path) -> Path:
    """A directory nobody can write, root included (a read-only mount), or chmod 0500."""
    where.mkdir(parents=True, exist_ok=True)
    if can_mount():
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(where)], check=True
        )
    else:
        where.chmod(0o500)
    return where


def _unmount(where: Path) -> None:
    if can_mount():
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_the_plan_counts_the_calls_phase_of_each_candidate_to_come() -> None:
    plan = RecordingPlan(candidates=2, minutes=180, recorded_bytes=1_000_000)
    assert plan.needed_bytes == 180 * storage.BYTES_PER_MINUTE - 1_000_000 + MARGIN_BYTES
    assert RecordingPlan().needed_bytes == MARGIN_BYTES


def test_a_directory_that_cannot_be_written_or_is_too_small_is_named(tmp_path: Path) -> None:
    assert directory_refusal(tmp_path / "new" / "rec", RecordingPlan()) is None  # created
    (tmp_path / "file").write_text("x")
    refusal = directory_refusal(tmp_path / "file" / "rec", RecordingPlan())
    assert refusal is not None and "n'est pas utilisable" in refusal
    huge = RecordingPlan(candidates=3, minutes=10**9)
    refusal = directory_refusal(tmp_path, huge)
    assert refusal is not None and "3 candidat(s)" in refusal and "Mo libres" in refusal


def test_the_demo_refuses_a_read_only_recordings_directory(tmp_path: Path) -> None:
    rec = _read_only(tmp_path / "ro")
    try:
        result = _run(
            ["demo", "--port", str(free_port()), "--data-dir", str(tmp_path / "data")],
            {"PLATEAU_RECORDINGS_DIR": str(rec)},
        )
    finally:
        _unmount(rec)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "lecture seule" in result.stderr or "permission refusée" in result.stderr
    assert "Traceback" not in result.stderr and "Connexion :" not in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(not can_mount(), reason="a small disk needs a tmpfs (root)")
def test_serve_and_demo_refuse_a_disk_without_room_for_the_planned_calls(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {
        "PLATEAU_DATA_DIR": str(data),
        "PLATEAU_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'plateau.db'}",
        "PLATEAU_SECRET_KEY": TEST_SECRET,
    }
    with small_tmpfs(tmp_path / "small", size="20m") as small:
        env["PLATEAU_RECORDINGS_DIR"] = str(small / "rec")
        upgraded = _cli(["db", "upgrade"], env)
        assert upgraded.exit_code == 0, upgraded.output
        # the centre's day, as `serve` reckons it (UTC's date is yesterday's from 23:00 or 22:00)
        today = datetime.now(ZoneInfo(Settings.model_fields["timezone"].default)).date().isoformat()
        created = _cli(
            ["session", "create", "--centre", "GRETA", "--date", today, "--format", "titre"],
            env,
        )
        assert created.exit_code == 0, created.output
        session_id = created.stdout.split()[-1]
        for name in ("Durand", "Petit"):
            added = _cli(
                ["session", "add-candidate", session_id, "--nom", name, "--prenom", "A"], env
            )
            assert added.exit_code == 0, added.output
        result = _run(["serve", "--port", str(free_port())], env)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "2 candidat(s), 180 min de phase d'appels" in result.stderr
        assert "Mo libres" in result.stderr and "Traceback" not in result.stderr

        demo = {"PLATEAU_RECORDINGS_DIR": str(small / "demo")}
        with small_tmpfs(tmp_path / "tiny", size="2m") as tiny:
            demo["PLATEAU_RECORDINGS_DIR"] = str(tiny)
            result = _run(
                ["demo", "--port", str(free_port()), "--data-dir", str(tmp_path / "d")], demo
            )
        assert result.returncode == 1, result.stdout + result.stderr
        assert "1 candidat(s), 90 min de phase d'appels" in result.stderr


def test_a_recording_moved_to_the_fallback_is_found_there(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        recordings_dir=tmp_path / "rec",
        recordings_fallback_dir=tmp_path / "secours",
    )
    first = tmp_path / "rec" / "s" / "c" / "call.ogg"
    moved = storage.fallback_for(settings, first)
    assert moved == tmp_path / "secours" / "s" / "c" / "call.ogg"
    assert storage.relative_path(settings, moved) == "s/c/call.ogg"
    moved.parent.mkdir(parents=True)
    moved.write_bytes(b"OggS")
    assert storage.locate(settings, "s/c/call.ogg") == moved
