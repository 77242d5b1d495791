"""Decisions that rest on evidence and signatures bound to what was signed, on the jury page in
Chromium against the real server:
- before anyone signs, the deliberation shows what keeps the rules from deciding (a piece of
  the file missing, the final interview not held) and a signature is refused until it can;
  a competence proposed « acquise » without any criterion observed shows the jury's reason;
- the observer signs; the client juror then ticks a piece: the observer's signature is void,
  both pages say so, the change is version 2 and both sign it again (the case seen: the
  decision was taken with the observer's old signature)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, http, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import seed_with_pack, write_short_scenarios
from tests.e2e.test_jury_review_components import mark_every_competence, replies_then_past_writing

pytestmark = pytest.mark.browser
REASON = "Évaluée à l'oral pendant l'entretien technique : commande reprise sans erreur."


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    """Candidate A's calls played and writing over, the interviews to come."""
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    srv.call(replies_then_past_writing, srv.ctx, srv.day.ids["cand_a"])
    return srv


def test_a_refused_signature_says_what_is_missing_and_a_change_voids_the_cosignature(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    observer = new_page(browser, server)
    sign_in_with_code(observer, server.day.codes["observer_a"], home="/jury")
    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")

    # Every competence observed in the grid but CP6 (its only mark put back to « non observé »).
    mark_every_competence(observer, cid)
    grid = http(observer, "GET", f"/api/candidates/{cid}/evaluation")["body"]
    part = next(m["part"] for m in grid["marks"] if m["competence"] == "CP6")
    url = f"/api/candidates/{cid}/evaluation/marks/{part}/CP6/1"
    assert http(observer, "PUT", url, {"value": "non_observe"})["status"] == 200
    proposal = {
        "competences": {f"CP{i}": "acquise" for i in range(1, 10)},
        "ccps": {"CCP1": True, "CCP2": True},
        "title": "obtenu",
        "justification": "Maîtrise des deux activités.",
    }
    path = f"/api/candidates/{cid}/evaluation/deliberation"
    bare = http(observer, "PUT", path, proposal)
    assert bare["status"] == 409 and "sans évaluation : CP6" in bare["body"]["detail"]
    assert http(observer, "PUT", path, {**proposal, "reasons": {"CP6": REASON}})["status"] == 200

    observer.get_by_role("tab", name="Délibération").click()
    panel = observer.locator("#deliberation")
    expect(panel.locator(".dp-comp[data-competence='CP6'] .dp-reason textarea")).to_have_value(
        REASON
    )
    blocking = panel.locator(".dp-readiness .dp-blocking")
    expect(blocking).to_contain_text("Signature impossible pour l'instant")
    expect(blocking.locator("li")).to_contain_text(
        [
            "Manque : entretien technique.",
            "Manque : résultats des évaluations passées en cours de formation.",
            "Manque : dossier professionnel.",
            "Manque : entretien final avec le jury.",
        ]
    )
    sign_button = panel.get_by_role("button", name="Signer la version 1")
    expect(sign_button).to_be_disabled()
    expect(panel.locator(".dp-sign-hint")).to_contain_text("Signature impossible tant que")
    refused = http(observer, "POST", f"{path}/sign", {})
    assert refused["status"] == 409 and "Signature impossible" in refused["body"]["detail"]
    assert {b["code"] for b in refused["body"]["blocking"]} == {
        "entretien_technique",
        "resultats_formation",
        "dossier_professionnel",
        "entretien_final",
    }
    panel.locator(".dp-readiness").scroll_into_view_if_needed()
    screenshot(observer, "jury-signature-refusee")

    # The interviews held and the pieces declared: the rules can decide, the observer signs.
    for label in ("l'entretien technique", "l'entretien final"):
        observer.get_by_role("button", name=f"Ouvrir {label}").click()
        observer.get_by_role("button", name=f"Clore {label}").click()
        expect(observer.get_by_role("button", name=f"Clore {label}")).to_be_hidden()
    kinds = {"kinds": ["dossier_professionnel", "resultats_formation"]}
    evidence = f"/api/candidates/{cid}/certification/evidence"
    assert http(observer, "PUT", evidence, kinds)["status"] == 200
    expect(panel.locator(".dp-readiness .dp-ready")).to_contain_text("peut être signée")
    expect(sign_button).to_be_enabled()
    sign_button.click()
    panel.get_by_role("button", name="Confirmer la signature").click()
    expect(panel.locator(".dp-version")).to_contain_text("une signature sur deux")

    # The observer ticks a piece and has not saved it yet when the client juror ticks another
    # and saves: the client juror's save voids the observer's signature.
    project = "Présentation d'un projet réalisé en amont de la session"
    panel.locator(".dp-evidence-form").get_by_label(project).check()
    client.get_by_role("tab", name="Délibération").click()
    mine = client.locator("#client-deliberation")
    expect(mine.locator(".dp-sign-list")).to_contain_text("Juré observateur : signé le")
    mine.locator(".dp-evidence-form").get_by_label("Livret de certification").check()
    mine.get_by_role("button", name="Enregistrer les pièces").click()
    for page_panel in (panel, mine):
        expect(page_panel.locator(".dp-message")).to_contain_text(
            "Signature de la version 1 annulée : pièces du dossier modifiées après signature"
        )
        expect(page_panel.locator(".dp-version")).to_contain_text("Version 2 du")
        expect(page_panel.locator(".dp-version")).to_contain_text("en attente des signatures")
    # The observer's form shows the client juror's piece at once beside their unsaved one; their
    # save then adds their piece and keeps the client juror's (the whole list their form showed
    # used to win, undoing the livret).
    theirs = panel.locator(".dp-evidence-form")
    expect(theirs.get_by_label("Livret de certification")).to_be_checked()
    expect(theirs.get_by_label(project)).to_be_checked()
    expect(panel.locator(".dp-evidence-status")).to_have_text("Modifications non enregistrées.")
    panel.get_by_role("button", name="Enregistrer les pièces").click()
    expect(panel.locator(".dp-evidence-status")).to_contain_text("Pièces enregistrées à")
    for page_panel in (panel, mine):
        form = page_panel.locator(".dp-evidence-form")
        expect(form.get_by_label("Livret de certification")).to_be_checked()
        expect(form.get_by_label(project)).to_be_checked()
    declared = http(observer, "GET", f"/api/candidates/{cid}/certification")["body"]["evidence"]
    assert {"livret_certification", "presentation_projet"} <= set(declared)
    panel.locator(".dp-history summary").click()
    expect(panel.locator(".dp-history .dp-voided")).to_contain_text("1 signature(s) annulée(s)")
    panel.locator(".dp-message").scroll_into_view_if_needed()
    screenshot(observer, "jury-cosignature-annulee")

    # The client juror's signature alone does not lock version 2; the observer signs again.
    mine.get_by_role("button", name="Signer la version 2").click()
    mine.get_by_role("button", name="Confirmer la signature").click()
    expect(mine.locator(".dp-version")).to_contain_text("une signature sur deux")
    panel.get_by_role("button", name="Signer la version 2").click()
    panel.get_by_role("button", name="Confirmer la signature").click()
    for locked in (panel, mine):
        expect(locked).to_have_attribute("data-locked", "true")
        expect(locked.locator(".dp-decision .dp-outcome-line")).to_contain_text("Titre obtenu")
    versions = http(observer, "GET", path)["body"]
    assert [(v["version"], v["voided"], v["locked"]) for v in versions] == [
        (1, True, False),
        (2, False, True),
    ]
    bound = versions[1]["bound"]["pieces"]["declared"]
    assert {"livret_certification", "presentation_projet"} <= set(bound)
    for page in (observer, client):
        assert page.console_errors == [], page.console_errors
