"""The organiser's console, end to end: from an empty session to a started candidate."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from server.exams import queries, timeline_service
from tests.e2e.conftest import LiveServer, screenshot, sign_in_with_password

pytestmark = pytest.mark.browser


async def _detail(ctx: Any, session_id: str) -> Any:
    async with ctx.db.session() as s:
        return await queries.session_detail(s, session_id, ctx.titles)


async def _timeline_status(ctx: Any, candidate_id: str) -> str:
    async with ctx.db.session() as s:
        return (await timeline_service.load(ctx, s, candidate_id)).state().status.value


def _row(page: Any, name: str) -> Any:
    return page.locator("candidate-board tr", has_text=name)


def test_organiser_prepares_a_session_and_starts_a_candidate(
    live_server: LiveServer, page: Any
) -> None:
    sign_in_with_password(page)

    # A new session, the format from the catalogue.
    expect(page.locator("session-picker table")).to_contain_text("Centre test")
    screenshot(page, "organiser-home")
    form = page.locator("session-picker form")
    form.get_by_label("Centre d'examen").fill("Centre AFPA Lyon")
    form.get_by_label("Épreuve").select_option("CRCD/titre")
    form.get_by_role("button", name="Créer la session").click()
    expect(page.locator("#session-title")).to_contain_text("Centre AFPA Lyon")
    session_id = re.search(r"session=([^&]+)", page.url).group(1)  # type: ignore[union-attr]

    # One candidate, two jurors and a proctor.
    people = page.locator("people-panel")
    people.get_by_label("Nom", exact=True).fill("Martin")
    people.get_by_label("Prénom").fill("Camille")
    people.get_by_label("Parcours").select_option("vae")
    people.get_by_role("button", name="Ajouter le candidat").click()
    expect(people.locator("table.people")).to_contain_text("Camille MARTIN")
    expect(people.locator("table.people")).to_contain_text("VAE")
    for role, name in (("juror", "Jeanne Client"), ("juror", "Paul Observateur")):
        people.get_by_label("Rôle").select_option(role)
        people.get_by_label("Nom affiché").fill(name)
        people.get_by_role("button", name="Ajouter", exact=True).click()
        expect(people.locator(".staff-list")).to_contain_text(name)
    people.get_by_label("Rôle").select_option("proctor")
    people.get_by_label("Nom affiché").fill("Sophie Surveillante")
    people.get_by_role("button", name="Ajouter", exact=True).click()
    expect(people.locator(".staff-list")).to_contain_text("Surveillant Sophie Surveillante")

    # The jury of the candidate.
    people.get_by_label("Juré « client » de Camille MARTIN").select_option(label="Jeanne Client")
    status = people.get_by_role("status")
    expect(status).to_have_text("Juré « client » de Camille MARTIN : Jeanne Client, enregistré.")
    people.get_by_label("Juré observateur de Camille MARTIN").select_option(
        label="Paul Observateur"
    )
    expect(status).to_have_text(
        "Juré observateur de Camille MARTIN : Paul Observateur, enregistré."
    )
    detail = live_server.call(_detail, live_server.ctx, session_id)
    jurors = {p.display_name: p.id for p in detail.staff}
    (cand,) = detail.candidates
    assert cand.client_juror_id == jurors["Jeanne Client"]
    assert cand.observer_juror_id == jurors["Paul Observateur"]

    screenshot(page, "organiser-setup")

    # The printable access-code sheet: one block per person, with the sign-in address.
    page.get_by_role("tab", name="Codes d'accès").click()
    cards = page.locator(".code-card")
    expect(cards).to_have_count(4)
    expect(cards.first).to_contain_text("Camille MARTIN")
    urls = page.locator(".code-url").all_text_contents()
    assert all(u.startswith(f"{live_server.url}/connexion?code=") for u in urls), urls
    assert len(set(urls)) == 4
    # page.evaluate calls a function it is given: install the stub from inside one.
    page.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
    page.get_by_role("button", name="Imprimer les codes").click()
    assert page.evaluate("window.__printed") == 1
    screenshot(page, "organiser-codes")
    page.emulate_media(media="print")
    expect(page.locator(".sheet-bar")).to_be_hidden()
    expect(page.locator(".tab-bar")).to_be_hidden()
    screenshot(page, "organiser-codes-print")
    page.emulate_media(media="screen")

    # The live overview: start the candidate now.
    page.get_by_role("tab", name="Suivi en direct").click()
    row = _row(page, "Camille MARTIN")
    expect(row.locator(".status-badge")).to_have_text("Pas commencée")
    row.get_by_role("button", name="Démarrer : Camille MARTIN").click()
    dialog = page.locator("dialog.action-dialog")
    expect(dialog).to_contain_text("Démarrer l'épreuve maintenant ?")
    dialog.get_by_role("button", name="Démarrer").click()
    expect(row.locator(".status-badge")).to_have_text("En cours")
    expect(row.locator("phase-clock .pc-label")).to_have_text("Préparation")
    expect(row.locator("phase-clock .pc-time")).to_have_text(re.compile(r"^(1:00:00|59:\d\d)$"))
    expect(row.get_by_role("button", name="Pause : Camille MARTIN")).to_be_visible()
    assert live_server.call(_timeline_status, live_server.ctx, cand.id) == "running"
    screenshot(page, "organiser")

    # Back to the list, then another session: its events now reach the page (the socket
    # follows the open session).
    page.get_by_role("button", name="← Toutes les sessions").click()
    expect(page.locator("session-picker tbody tr")).to_have_count(2)
    page.get_by_role("button", name=re.compile("^Ouvrir la session Centre test")).click()
    alice = _row(page, "Alice DURAND")
    expect(alice.locator(".status-badge")).to_have_text("Pas commencée")
    expect(page.locator("link-status")).to_have_attribute("data-connected", "true")
    assert live_server.day is not None
    live_server.call(_start, live_server.ctx, live_server.day.ids["cand_a"])
    expect(alice.locator(".status-badge")).to_have_text("En cours")
    assert page.console_errors == []


def test_organiser_sets_accommodation_plans_and_extends(live_server: LiveServer, page: Any) -> None:
    assert live_server.day is not None
    sign_in_with_password(page)
    page.get_by_role("button", name=re.compile("^Ouvrir la session Centre test")).click()
    expect(page.get_by_role("tab", name="Suivi en direct")).to_have_attribute(
        "aria-selected", "true"
    )
    alice, bruno = _row(page, "Alice DURAND"), _row(page, "Bruno PETIT")
    dialog = page.locator("dialog.action-dialog")

    # Tiers-temps before the start: the preparation becomes 60 min × 1.33.
    bruno.get_by_role("button", name="Aménagement : Bruno PETIT").click()
    expect(dialog.get_by_label("Temps supplémentaire (%)")).to_have_value("33")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(bruno.locator(".col-who .badge")).to_have_text("Tiers-temps (+33 %)")
    expect(bruno.locator("phase-clock .pc-note")).to_have_text("Préparation : 1:20:00")

    # A staggered start: the row shows when the scheduler will start the candidate.
    bruno.get_by_role("button", name="Planifier : Bruno PETIT").click()
    dialog.get_by_label("Heure de départ").fill("2099-01-01T09:30")
    dialog.get_by_role("button", name="Enregistrer").click()
    expect(bruno.locator(".col-status")).to_contain_text("Départ prévu à 09:30")

    # Start Alice, then extend her phase (minutes and reason both required).
    alice.get_by_role("button", name="Démarrer : Alice DURAND").click()
    dialog.get_by_role("button", name="Démarrer").click()
    expect(alice.locator(".status-badge")).to_have_text("En cours")
    alice.get_by_role("button", name="Prolonger : Alice DURAND").click()
    dialog.get_by_label("Minutes").fill("10")
    dialog.get_by_role("button", name="Prolonger").click()
    expect(dialog.get_by_role("alert")).to_have_text("« Motif » est obligatoire.")
    dialog.get_by_label("Motif").fill("Panne réseau de 10 minutes")
    dialog.get_by_role("button", name="Prolonger").click()
    expect(alice.locator(".col-status")).to_contain_text("Phase prolongée de 10 min")
    expect(alice.locator("phase-clock .pc-time")).to_have_text(re.compile(r"^1:(10:00|09:\d\d)$"))
    state = live_server.call(_timeline_state, live_server.ctx, live_server.day.ids["cand_a"])
    assert state.extension_seconds == 600
    assert page.console_errors == []


async def _start(ctx: Any, candidate_id: str) -> Any:
    return await timeline_service.run(ctx, candidate_id, lambda t: t.start(by="test"), actor="test")


async def _timeline_state(ctx: Any, candidate_id: str) -> Any:
    async with ctx.db.session() as s:
        return (await timeline_service.load(ctx, s, candidate_id)).state()
