"""The documents: the grid PDF holds every criterion word for word with its mark and
comment, the derivation and the signed deliberation; the procès-verbal; the appeal archive of
a candidate and of a session, streamed, with a manifest whose SHA-256 match every file and
audit rows that verify one by one. A candidate's token reaches none of it."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.routing import APIRoute
from pypdf import PdfReader

from server.core.audit import entry_hash
from server.core.audit_seal import AuditSeal, Checkpoint
from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.models import CallRow, RecordingRow
from server.telephony.talk import analyse
from tests.conftest import TEST_SECRET
from tests.evaluation.support import (
    PACK,
    declare,
    proposal,
    propose,
    run_exam,
    sign,
    who,
)
from tests.harness import Harness, running_app
from tests.web.test_access_walk import all_routes

# PostgreSQL as well as SQLite: seals and hashes over rows as each database returns them
pytestmark = pytest.mark.postgres


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _mark_everything(h: Harness, cid: str, juror: str) -> dict:
    """Marks every criterion of the first two parts (alternating values, each commented)."""
    j = who(h, juror)
    data = j.get(f"/api/candidates/{cid}/evaluation").json()
    values = ["acquis", "non_acquis", "non_observe"]
    n = 0
    for part in data["parts"][:2]:
        for comp in part["competences"]:
            for crit in comp["criteria"]:
                r = j.put(
                    f"/api/candidates/{cid}/evaluation/marks/{part['part']}/{comp['code']}/"
                    f"{crit['index']}",
                    json={"value": values[n % 3], "comment": f"Remarque numéro {n}"},
                )
                assert r.status_code == 200, r.text
                n += 1
    return data


def test_the_grid_pdf_holds_the_criteria_the_marks_and_the_signed_deliberation(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        data = _mark_everything(h, cid, "observer_a")
        observer = who(h, "observer_a")
        observer.post(
            f"/api/candidates/{cid}/evaluation/notes",
            json={"offset_ms": 125_000, "text": "Objection bien traitée"},
        )
        observer.put(
            f"/api/candidates/{cid}/evaluation/interviews/final",
            json={"text": "Projet professionnel clair."},
        )
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        propose(h, cid, "observer_a", proposal(h, "titre"))
        sign(h, cid, "observer_a")
        assert sign(h, cid, "client_a").json()["locked"]
        pdf = observer.get(f"/api/candidates/{cid}/documents/grille.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = _text(pdf.content)
        # No call was played in this exam: the writing tasks are their replacements now.
        after = observer.get(f"/api/candidates/{cid}/evaluation").json()
        for part in after["parts"]:  # every criterion of every part, word for word
            assert _flat(part["label"]) in text
            for comp in part["competences"]:
                for crit in comp["criteria"]:
                    assert _flat(crit["text"]) in text, crit["text"]
        n_marks = sum(len(c["criteria"]) for p in data["parts"][:2] for c in p["competences"])
        for i in range(n_marks):
            assert f"Remarque numéro {i}" in text
        assert "Acquis" in text and "Non acquis" in text and "Non observé" in text
        # Signed: the transversal competences are the decision's, with how they follow.
        assert "Acquise au travers du ou des CCP obtenus" in text
        assert "02:05" in text and "Objection bien traitée" in text
        assert "Projet professionnel clair." in text
        assert "Version 1 — signée par les deux jurés" in text
        assert "client_a" in text and "observer_a" in text
        assert "Titre obtenu" in text and "Parchemin" in text
        pv = _text(
            who(h, "organiser").get(f"/api/sessions/{h.day.session_id}/documents/pv.pdf").content
        )
        assert "Procès-verbal" in pv and "version 1, signée" in pv and "client_a" in pv


GAPS = [
    {"role": "both", "reason": "server_stall", "start_s": 12.5, "end_s": 14.5, "silent": False},
    {"role": "both", "reason": "hold", "start_s": 60.0, "end_s": 90.0, "silent": False},
    {"role": "client", "reason": "no_audio", "start_s": 100.0, "end_s": 101.0, "silent": True},
]
FRAMES = 6000  # 120 s of 20 ms frames
CANDIDATE_TALKS = np.arange(FRAMES) < 1500  # the first 30 s
CLIENT_TALKS = (np.arange(FRAMES) >= 1500) & (np.arange(FRAMES) < 3000)  # 30 → 60 s


async def _recording(h: Harness, cid: str, session_id: str) -> bytes:
    """A recorded call of `cid` (a file and its sidecar), plus a stray file in the folder."""
    folder = h.ctx.settings.recordings_path / session_id / cid
    folder.mkdir(parents=True, exist_ok=True)
    audio = bytes(range(256)) * 5000  # > 1 MiB: copied in several chunks
    (folder / "c1.ogg").write_bytes(audio)
    (folder / "c1.json").write_text('{"channels": ["candidat", "client"]}')
    (folder / "orphan.ogg").write_bytes(b"OggS-stray")
    now = h.clock.now()
    async with h.ctx.db.session() as s:
        call = CallRow(
            candidate_id=cid,
            direction="entrant",
            state="termine",
            number="0102030405",
            rang_at=now - timedelta(minutes=3),
            answered_at=now - timedelta(minutes=2),
            ended_at=now,
        )
        s.add(call)
        await s.flush()
        s.add(
            RecordingRow(
                call_id=call.id,
                candidate_id=cid,
                path=f"{session_id}/{cid}/c1.ogg",
                sidecar_path=f"{session_id}/{cid}/c1.json",
                sha256=hashlib.sha256(audio).hexdigest(),
                duration_s=120.0,
                size_bytes=len(audio),
                started_at=now - timedelta(minutes=2),
                ended_at=now,
                gaps=GAPS,
                analytics={
                    **analyse(CANDIDATE_TALKS, CLIENT_TALKS, [(60.0, 90.0)]),
                    "time_to_answer_s": 60.0,
                },
            )
        )
        await s.commit()
    return audio


def _check_manifest(zf: zipfile.ZipFile) -> dict:
    manifest = json.loads(zf.read("manifeste.json"))
    names = set(zf.namelist()) - {"manifeste.json"}
    assert set(manifest["files"]) == names
    for name, entry in manifest["files"].items():
        content = zf.read(name)
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], name
        assert len(content) == entry["bytes"]
    # The audit log's signed head at the time of the archive: a copy of its checkpoint.
    point = Checkpoint.from_dict(manifest["audit_checkpoint"])
    assert AuditSeal.from_secret(TEST_SECRET).checkpoint_ok(point) and point.seq > 0
    rows = json.loads(zf.read("journal_audit.json"))["rows"]
    assert all(r["seq"] <= point.seq and r["mac"] for r in rows)
    return manifest


def test_the_appeal_archives_hold_everything_with_matching_hashes(
    settings: Settings, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the archive's temporary file in a directory of this test's own: the other workers'
    # tests build archives in the shared /tmp meanwhile
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))
    with running_app(settings, clock, pack_id=PACK) as h:
        a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
        audio = h.call(_recording, h, a, h.day.session_id)
        _mark_everything(h, a, "observer_a")
        _mark_everything(h, b, "observer_b")
        building: set[Path] = set()
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            fd, name = real_mkstemp(*args, **kwargs)
            building.add(Path(name))
            return fd, name

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
        got = who(h, "client_a").get(f"/api/candidates/{a}/documents/archive.zip")
        assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
        assert [p.parent for p in building] == [own_tmp]  # one temporary file, made here
        assert not any(p.exists() for p in building)  # and deleted once sent
        with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
            manifest = _check_manifest(zf)
            assert zf.read("enregistrements/c1.ogg") == audio
            assert zf.getinfo("enregistrements/c1.ogg").compress_type == zipfile.ZIP_STORED
            assert {
                "enregistrements/c1.json",
                "enregistrements/orphan.ogg",
                "appels.json",
                "chat.json",
                "crm_journal.json",
                "ecrits.json",
                "grille.json",
                "grille.pdf",
                "notes_jury.json",
                "entretiens.json",
                "deliberations.json",
                "certification.json",
                "journal_audit.json",
            } <= set(manifest["files"])
            assert manifest["absent"] == {}
            audit = json.loads(zf.read("journal_audit.json"))["rows"]
            assert {r["subject"] for r in audit} <= {a, None}  # none of Bruno's rows
            assert sum(r["action"] == "evaluation.mark" for r in audit) > 5
            for r in audit:  # each row verifies on its own
                at = datetime.fromisoformat(r["at"])
                assert r["hash"] == entry_hash(
                    r["prev_hash"],
                    at,
                    r["actor"],
                    r["action"],
                    r["exam_session_id"],
                    r["subject"],
                    r["details"],
                )
            grid = json.loads(zf.read("grille.json"))
            assert grid["candidate_id"] == a and grid["marks"]
            # Every interval and hold of each recording, with its talk analytics, listed.
            (listed,) = json.loads(zf.read("enregistrements.json"))
            assert [(g["reason"], g["label"], g["start_s"]) for g in listed["gaps"]] == [
                ("server_stall", "serveur audio bloqué", 12.5),
                ("hold", "mise en attente", 60.0),
                ("no_audio", "aucun son reçu du participant", 100.0),
            ]
            assert listed["analytics"]["holds"] == 1 and listed["analytics"]["hold_s"] == 30.0
            pdf = _text(zf.read("grille.pdf"))
            assert "00:12 → 00:14 serveur audio bloqué les deux son conservé" in pdf
            assert "01:00 → 01:30 mise en attente les deux son conservé" in pdf
            assert "01:40 → 01:41 aucun son reçu du participant client silence" in pdf
            assert "Candidat 00:30 (50 %) 00:30 0" in pdf  # talk, share, listening, interruptions
            assert "Décroché en 60,0 s" in pdf and "mises en attente : 1 (00:30)" in pdf
            assert "silences de plus de 5 s : 01:30 → 02:00" in pdf
        # Bruno's jurors do not reach Alice's archive; the session's is the organiser's.
        assert (
            who(h, "observer_b").get(f"/api/candidates/{a}/documents/archive.zip").status_code
            == 403
        )
        assert (
            who(h, "client_a")
            .get(f"/api/sessions/{h.day.session_id}/documents/archive.zip")
            .status_code
            == 403
        )
        whole = who(h, "organiser").get(f"/api/sessions/{h.day.session_id}/documents/archive.zip")
        with zipfile.ZipFile(io.BytesIO(whole.content)) as zf:
            manifest = _check_manifest(zf)
            folders = {n.split("/")[1] for n in manifest["files"] if n.startswith("candidats/")}
            assert folders == {f"Durand_Alice_{a}", f"Petit_Bruno_{b}"}
            assert {"proces_verbal.pdf", "resultats.pdf", "journal_audit.json"} <= set(
                manifest["files"]
            )
            audit = json.loads(zf.read("journal_audit.json"))["rows"]
            assert {a, b} <= {r["subject"] for r in audit}


def test_a_candidate_reaches_no_jury_route_and_no_other_candidates_data(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
        cand = who(h, "cand_a")
        prefixes = (
            "/api/candidates/{candidate_id}/evaluation",
            "/api/candidates/{candidate_id}/documents",
            "/api/candidates/{candidate_id}/certification",
            "/api/sessions/{session_id}/documents",
            "/api/persons",
        )
        walked = 0
        for route in all_routes(h.client.app.routes):  # type: ignore[attr-defined]
            if not isinstance(route, APIRoute) or not route.path.startswith(prefixes):
                continue
            method = sorted(route.methods - {"HEAD"})[0]
            for target in (a, b):  # their own page, and another candidate's data
                path = route.path_format.format(
                    candidate_id=target,
                    session_id=h.day.session_id,
                    person_id="p",
                    part="x",
                    competence="CP1",
                    criterion="1",
                    topic="final",
                    document_id="d",
                )
                status = cand.request(method, path, json={}).status_code
                assert status == 403, f"{method} {route.path} as a candidate: {status}"
                walked += 1
        assert walked >= 2 * 18
        with cand.ws() as ws:
            ws.receive_json()
            for kind in ("evaluation.set_mark", "evaluation.pin_note"):
                ws.send_json({"type": kind, "candidate_id": a, "request_id": kind})
                while (msg := ws.receive_json()).get("request_id") != kind:
                    pass
                assert msg["code"] == "forbidden"
