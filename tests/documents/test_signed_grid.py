"""A signed grid agrees with the decision: its transversal competences are those of the signed
deliberation (acquired au travers des CCP the jury granted), not the criteria's majority that
printed CT1–CT4 « non acquise » for a candidate awarded CCP 2."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.referential import load_titles
from server.evaluation import grid
from tests.evaluation.support import PACK, REASON, declare, propose, run_exam, sign, who
from tests.harness import Harness, running_app
from tests.scenarios.packs_helpers import TITLES

# PostgreSQL as well as SQLite: seals and hashes over rows as each database returns them
pytestmark = pytest.mark.postgres


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _mark(h: Harness, cid: str, part: str, competence: str, value: str) -> None:
    url = f"/api/candidates/{cid}/evaluation/marks/{part}/{competence}/1"
    assert who(h, "observer_a").put(url, json={"value": value}).status_code == 200


def test_transversal_competences_follow_the_ccps_granted() -> None:
    title = load_titles(TITLES)["CRCD"]
    titre, ccp1 = title.format("titre"), title.format("ccp1")
    only_ccp2 = grid.transversal_decided(title, titre, {"CCP1": False, "CCP2": True})
    assert {t["status"] for t in only_ccp2} == {"acquise"}
    assert "CCP2 (CP5, CP6, CP7, CP8, CP9)" in only_ccp2[0]["explanation"]
    assert "CCP1" not in only_ccp2[0]["granted_ccps"]
    nothing = grid.transversal_decided(title, titre, {"CCP1": False, "CCP2": False})
    assert {t["status"] for t in nothing} == {"non_acquise"}
    # A CCP 1 session evaluates the transversal competences through CP1–CP4 only.
    ccp1_granted = grid.transversal_decided(title, ccp1, {"CCP1": True})
    assert "CCP1 (CP1, CP2, CP3, CP4)" in ccp1_granted[0]["explanation"]


def test_the_signed_grid_pdf_prints_the_decision_s_transversal_competences(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        # The criteria say little of CCP 2 and « non acquis » of CCP 1: by the majority rule
        # the transversal competences would be « non acquise ».
        for part, code in (
            ("s02-enquete-satisfaction", "CP1"),
            ("s01-info-mobilite-solidaire", "CP2"),
            ("s03-assistance-fibre", "CP3"),
            ("s04-chat-conseil-haie", "CP4"),
        ):
            _mark(h, cid, part, code, "non_acquis")
        _mark(h, cid, "s05-prospection-copieurs", "CP5", "acquis")
        observer = who(h, "observer_a")
        aid = observer.get(f"/api/candidates/{cid}/evaluation").json()
        assert {t["status"] for t in aid["transversal"]} == {"non_acquise"}
        assert aid["decided"] is None
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        ccp2 = {
            "competences": {
                **{c: "non_acquise" for c in ("CP1", "CP2", "CP3", "CP4")},
                **{c: "acquise" for c in ("CP5", "CP6", "CP7", "CP8", "CP9")},
            },
            "ccps": {"CCP1": False, "CCP2": True},
            "title": "ccp_seulement",
            "justification": "CCP 2 acquis au vu des appels commerciaux et des écrits.",
            "reasons": {c: REASON for c in ("CP6", "CP7", "CP8", "CP9")},
        }
        assert propose(h, cid, "observer_a", ccp2).status_code == 200
        sign(h, cid, "observer_a")
        assert sign(h, cid, "client_a").json()["locked"]
        data = observer.get(f"/api/candidates/{cid}/evaluation").json()
        assert data["decided"]["version"] == 1
        assert {t["status"] for t in data["decided"]["transversal"]} == {"acquise"}
        text = _text(observer.get(f"/api/candidates/{cid}/documents/grille.pdf").content)
        assert "Compétences transversales (décision du jury, version 1 signée)" in text
        section = text.split("Compétences transversales (décision du jury")[1]
        section = section.split("Notes prises")[0].split("Délibération")[0]
        for t in data["decided"]["transversal"]:
            assert f"{t['code']} — {t['name']} Acquise Acquise au travers" in section
        assert "Non acquise" not in section
        assert "aide d'après les critères" not in text
