"""The real server, killed with SIGKILL mid-exam (no clean shutdown), then started again on
the same data: the pause and its reason, the exact time left, the extension and what the
candidate wrote are all there; killed mid-rédaction, the candidate gets the outage back.
(The in-process restarts of the other tests shut down cleanly; this one does not.)"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from server.core.tokens import CSRF_COOKIE
from tests.http_waits import wait_answering
from tests.ports import free_port

pytestmark = pytest.mark.slow
READY_TIMEOUT_S = 240.0  # generous: the machine may be loaded (issue 15)
PLATEAU = Path(sys.executable).with_name("plateau")


@contextmanager
def demo_server(
    data_dir: Path, port: int, log: Path, *extra: str
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`plateau demo` as a subprocess (`extra`: more options, e.g. --speed 120); yields it with
    its banner once it answers HTTP."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PLATEAU_DATABASE_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PLATEAU), "demo", "--data-dir", str(data_dir), "--port", str(port), *extra],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def alive() -> None:
        assert process.poll() is None, log.read_text(encoding="utf-8")

    try:
        wait_answering(
            f"http://127.0.0.1:{port}/connexion",
            ready=lambda response: response.status_code == 200,
            alive=alive,
            what=lambda: log.read_text(encoding="utf-8"),
            timeout_s=READY_TIMEOUT_S,
            every_s=0.2,
        )
        yield process, log.read_text(encoding="utf-8")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


@contextmanager
def signed_in(port: int, path: str, body: dict) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        response = client.post(path, json=body)
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = client.cookies[CSRF_COOKIE]
        yield client


def test_a_killed_server_restarts_with_every_pause_deadline_and_note(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    with demo_server(data, port, tmp_path / "first.log") as (server, banner):
        password = re.search(r"mot de passe « (\S+) »", banner)
        code = re.search(r"Candidat .*connexion\?code=(\S+)", banner)
        assert password and code, banner
        as_organiser = {"username": "organisateur", "password": password[1]}
        with (
            signed_in(port, "/api/auth/password", as_organiser) as organiser,
            signed_in(port, "/api/auth/code", {"code": code[1]}) as candidate,
        ):
            me = candidate.get("/api/auth/me").json()["subject_id"]
            timeline = f"/api/candidates/{me}/timeline"
            assert organiser.post(f"{timeline}/start").status_code == 200
            note = "Appel 3 : rappeler Mme Girard avant 17 h — dossier FIB-198332"
            saved = candidate.put(f"/api/candidates/{me}/notepad", json={"text": note})
            assert saved.status_code == 200, saved.text
            extended = organiser.post(
                f"{timeline}/extend", json={"minutes": 4, "reason": "Poste redémarré"}
            )
            assert extended.status_code == 200, extended.text
            paused = organiser.post(f"{timeline}/pause", json={"reason": "Alarme incendie"})
            assert paused.status_code == 200, paused.text
            before = organiser.get(timeline).json()
        server.send_signal(signal.SIGKILL)  # no shutdown, no flush, no goodbye
        server.wait(timeout=30)

    time.sleep(2)  # the clock runs on while the server is down; a paused phase does not
    with (
        demo_server(data, port, tmp_path / "second.log") as (_, banner),
        signed_in(port, "/api/auth/password", as_organiser) as organiser,
        signed_in(port, "/api/auth/code", {"code": code[1]}) as candidate,
    ):
        assert f"code={code[1]}" in banner  # the same demo session, not a new one
        after = organiser.get(timeline).json()
        assert (after["phase"], after["status"]) == ("preparation", "paused")
        assert after["pause_reason"] == "Alarme incendie"
        assert after["remaining_seconds"] == before["remaining_seconds"]
        assert after["phases"][0]["extension_seconds"] == 4 * 60
        assert candidate.get(f"/api/candidates/{me}/notepad").json()["text"] == note


def test_a_kill_mid_redaction_gives_the_candidate_the_outage_back(tmp_path: Path) -> None:
    """kill -9 during the writing phase, 8 s down: the deadline moves by the outage — from the
    server's last heartbeat (at most a second before the kill) to its restart — as facts
    (« Interruption technique du serveur ») and an incident on the organiser's board."""
    from datetime import datetime

    data, port = tmp_path / "data", free_port()
    with demo_server(data, port, tmp_path / "first.log") as (server, banner):
        password = re.search(r"mot de passe « (\S+) »", banner)
        code = re.search(r"Candidat .*connexion\?code=(\S+)", banner)
        assert password and code, banner
        as_organiser = {"username": "organisateur", "password": password[1]}
        with (
            signed_in(port, "/api/auth/password", as_organiser) as organiser,
            signed_in(port, "/api/auth/code", {"code": code[1]}) as candidate,
        ):
            me = candidate.get("/api/auth/me").json()["subject_id"]
            timeline = f"/api/candidates/{me}/timeline"
            assert organiser.post(f"{timeline}/start").status_code == 200
            for _ in ("preparation", "appels"):  # on to the writing phase
                ended = organiser.post(
                    f"{timeline}/end-phase",
                    json={"reason": "travail_termine", "comment": "Essai d'interruption"},
                )
                assert ended.status_code == 200, ended.text
            before = organiser.get(timeline).json()
            assert (before["phase"], before["status"]) == ("redaction", "running")
            time.sleep(1.5)  # the heartbeat beats while the phase runs
        killed_at = time.monotonic()
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)

    time.sleep(8)  # down: the candidate cannot write
    with demo_server(data, port, tmp_path / "second.log") as _:
        back_at = time.monotonic()
        with signed_in(port, "/api/auth/password", as_organiser) as organiser:
            after = organiser.get(timeline).json()
            assert (after["phase"], after["status"]) == ("redaction", "running")
            moved = (
                datetime.fromisoformat(after["deadline"])
                - datetime.fromisoformat(before["deadline"])
            ).total_seconds()
            assert moved >= 8, moved  # at least the time it was down
            assert moved <= back_at - killed_at + 1.5, moved  # and no more than the outage
            assert after["phases"][2]["paused_seconds"] == moved
            sessions = organiser.get("/api/sessions").json()
            board = organiser.get(f"/api/sessions/{sessions[0]['id']}/overview").json()
            (incident,) = board["candidates"][me]["incidents"]
            assert incident["label"] == "Interruption technique du serveur : temps rendu"
            assert f"{round(moved)} s" in incident["detail"]
