"""The procès-verbal as the seeds require it, rendered to PNG and read back: the title and its
level, the place, the day and the hours in the centre's time zone, the jury's members and their
roles, per candidate the exam as it went, the evidence the jury had, the signed deliberation, the
decision and its justification, and the signature blocks. Every document prints dates humanly
(no ISO 8601, no UTC); the livret names its issuer, says « niveau 4 » and keeps a long session
name inside its column."""

from __future__ import annotations

import re

import pytest

from server.core.clock import FakeClock
from server.core.config import PROJECT_ROOT, Settings
from server.exams.models import ExamSession
from tests.documents.pdf_pages import boxes, occurrences, page_size, page_texts, to_png
from tests.evaluation.support import PACK, advance, declare, proposal, propose, run_exam, sign, who
from tests.exams.test_people import _partial_success
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: seals and hashes over rows as each database returns them
pytestmark = pytest.mark.postgres

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
JUSTIFICATION = "Appels menés avec méthode ; objections traitées ; écrits conformes."
LONG_CENTRE = (
    "Centre de formation professionnelle pour adultes de Saint-Herblain — plateau technique "
    "de la relation client à distance, bâtiment B, salle des examens du rez-de-chaussée"
)


def _title_session(h: Harness) -> None:
    """Alice obtains the title; Bruno's exam is closed by a breakdown while he waits for his
    technical interview."""
    a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
    orga = who(h, "organiser")
    orga.post(f"/api/candidates/{b}/timeline/start")
    run_exam(h, a, minutes=190, interviews=2)
    r = orga.post(
        f"/api/candidates/{b}/timeline/close",
        json={"reason": "panne_technique", "comment": "Coupure du réseau du plateau."},
    )
    assert r.status_code == 200, r.text
    declare(h, a, "observer_a", "dossier_professionnel", "resultats_formation")
    body = {**proposal(h, "titre"), "justification": JUSTIFICATION}
    assert propose(h, a, "observer_a", body).status_code == 200
    sign(h, a, "observer_a")
    assert sign(h, a, "client_a").json()["locked"]


def test_the_pv_holds_every_required_part(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        _title_session(h)
        orga, sid = who(h, "organiser"), h.day.session_id
        issued = orga.post(f"/api/sessions/{sid}/documents/issue", json={"kind": "pv"}).json()
        pdf = orga.get(issued["url"]).content
        pngs = to_png(pdf, ARTIFACTS, "pv")
        assert pngs and all(p.stat().st_size > 20_000 for p in pngs)  # drawn, not blank
        text = " ".join(page_texts(pdf))
        required = [
            "Procès-verbal de session d'examen — titre professionnel",
            "Conseiller(ère) Relation Client à Distance (TP-00483) — RNCP 35304 — niveau 4",
            "Lieu Centre test",
            "Date lundi 1 juin 2026",
            # 08:00 UTC on 1 June is 10:00 in Paris; the last interview closed at 11:40 UTC.
            "Horaires (heure de Paris) de 10 h 00 à 13 h 40",
            "client_a juré jouant le client de Alice DURAND",
            "observer_a juré observateur de Alice DURAND",
            "Surveillance : proctor.",
            "1. Alice DURAND — Formation continue",
            "mise en situation professionnelle : présent",
            "entretien technique : présent",
            "résultats des évaluations passées en cours de formation : présent",
            "dossier professionnel : présent",
            "entretien final avec le jury : présent",
            "version 1, signée le 01/06/2026 à 13 h 40 par observer_a et client_a",
            "Titre obtenu — Parchemin — CCP obtenus à cette session : CCP1, CCP2",
            f"Justification {JUSTIFICATION}",
            "2. Bruno PETIT — Formation continue",
            "Épreuve close le 01/06/2026 à 13 h 40, phase « Entretien technique » : Panne "
            "technique.",
            "Coupure du réseau du plateau.",
            "le candidat peut repasser l'épreuve lors d'une nouvelle session",
            "Pas de décision : panne technique",
            "entretien technique : absent",  # closed before it was held
            "Fait à Centre test, le lundi 1 juin 2026.",
            "Le responsable de session",
            "Procès-verbal de session — version 1 émise le 01/06/2026 à 13 h 40",
        ]
        for part in required:
            assert part in text, part
        assert text.count("Signature :") == 5  # four jurors and the organiser
        # Printed at the body's size (xhtml2pdf shrinks the text of tall cells: not here).
        capitals = [hit[0] for hit in occurrences(pdf, "Signature :")]  # each one's « S »
        assert len(capitals) == 5 and all(b.top - b.bottom >= 5 for b in capitals), capitals
        assert "UTC" not in text and not ISO_INSTANT.search(text)


def test_times_follow_the_centre_s_time_zone(settings: Settings, clock: FakeClock) -> None:
    cayenne = settings.model_copy(update={"timezone": "America/Cayenne"})
    with running_app(cayenne, clock, pack_id=PACK) as h:
        orga, a = who(h, "organiser"), h.day.ids["cand_a"]
        orga.post(f"/api/candidates/{a}/timeline/start")
        advance(h, 10)
        text = " ".join(
            page_texts(orga.get(f"/api/sessions/{h.day.session_id}/documents/pv.pdf").content)
        )
        assert "Horaires (heure de Cayenne) de 5 h 00" in text
        assert "aperçu du 01/06/2026 à 5 h 10, non émis" in text


def test_no_document_prints_a_machine_date(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid, a = who(h, "organiser"), h.day.session_id, h.day.ids["cand_a"]
        observer = who(h, "observer_a")
        observer.post(
            f"/api/candidates/{a}/evaluation/notes", json={"offset_ms": 1000, "text": "Accueil"}
        )
        _partial_success(h, a)
        for url in (
            f"/api/candidates/{a}/documents/grille.pdf",
            f"/api/candidates/{a}/documents/livret.pdf",
            f"/api/sessions/{sid}/documents/pv.pdf",
            f"/api/sessions/{sid}/documents/resultats.pdf",
        ):
            response = orga.get(url)
            assert response.status_code == 200, (url, response.text)
            text = " ".join(page_texts(response.content))
            assert not ISO_INSTANT.search(text), url
            assert "UTC" not in text and sid not in text, url
        grid = " ".join(page_texts(orga.get(f"/api/candidates/{a}/documents/grille.pdf").content))
        assert "Version 1 — signée par les deux jurés le 01/06/2026 à 13 h 40" in grid
        assert "observer_a (juré observateur), le 01/06/2026 à 13 h 40" in grid


async def _rename_centre(h: Harness, name: str) -> None:
    async with h.ctx.db.session() as s:
        exam = await s.get(ExamSession, h.day.session_id)
        assert exam is not None
        exam.centre = name
        await s.commit()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_livret_names_its_issuer_its_level_and_keeps_long_names_in_their_column(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, a = who(h, "organiser"), h.day.ids["cand_a"]
        _partial_success(h, a)
        h.call(_rename_centre, h, LONG_CENTRE)
        pdf = orga.get(f"/api/candidates/{a}/documents/livret.pdf").content
        to_png(pdf, ARTIFACTS, "livret")
        text = " ".join(page_texts(pdf))
        assert "RNCP 35304 — niveau 4" in text and "niveau IV" not in text
        assert "Délivré par le représentant territorial compétent du ministère du Travail" in text
        assert "Délivré le lundi 1 juin 2026" in text
        # The long session name wraps inside the « Session » column: every one of its words
        # lies right of the column's heading and left of the next column's.
        width, _ = page_size(pdf)
        (session_head,) = {b.left for b in boxes(pdf, "Session")[:1]}
        version_head = min(b.left for b in boxes(pdf, "Version du titre"))
        # Words of the long name found nowhere else on the page.
        words = ["Saint-Herblain", "adultes", "bâtiment", "salle", "examens", "rez-de-chaussée"]
        for word in words:
            found = boxes(pdf, word)
            assert found, word
            assert all(session_head - 4 <= b.left and b.right < version_head for b in found), word
        assert all(b.right <= width - 30 for word in words for b in boxes(pdf, word))


def test_a_closed_exam_row_carries_every_field_of_the_closure() -> None:
    """results.html lists `closures_of`: its rows once spread `dict(closure)`; typed, they
    name each field, so a field added to `Closure` must be added to `ClosedExam` too."""
    from server.documents.service import ClosedExam
    from server.exams.timeline_state import Closure

    assert set(ClosedExam.__annotations__) == {"name", "pathway", *Closure.model_fields}
