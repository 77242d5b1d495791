"""The jury page, open, when the organiser gives the juror's seat to another juror: the page
says why (in French), leaves the console of the candidate it lost, and opens the next one;
the juror who got the seat sees the candidate appear without reloading."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from server.core.identity import Capacity
from server.exams import setup
from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code


async def _give_seat(server: LiveServer, candidate: str, juror: str, capacity: Capacity) -> None:
    assert server.day is not None
    ctx = server.ctx
    async with ctx.db.session() as s:
        cand = await s.get(setup.Candidate, server.day.ids[candidate])
        assert cand is not None
        await setup.assign_juror(
            s,
            candidate=cand,
            juror_id=server.day.ids[juror],
            capacity=capacity,
            actor="organiser:test",
            clock=ctx.clock,
            bus=ctx.bus,
        )
        await s.commit()


def test_a_juror_s_open_page_loses_a_seat_given_to_another_juror(
    live_server: LiveServer, browser: Any
) -> None:
    assert live_server.day is not None
    # client_a also observes Bruno, so the page has a candidate left after losing Alice.
    live_server.call(_give_seat, live_server, "cand_b", "client_a", Capacity.OBSERVER)
    old = new_page(browser, live_server)
    sign_in_with_code(old, live_server.day.codes["client_a"], home="/jury")
    expect(old.locator("#me-name")).to_have_text("client_a")  # the juror's display name
    expect(old.locator("#picker button")).to_have_count(2)
    old.locator("#picker button", has_text="Alice").click()
    expect(old.locator("#client-title")).to_contain_text("Alice DURAND")
    new = new_page(browser, live_server)
    sign_in_with_code(new, live_server.day.codes["observer_b"], home="/jury")
    expect(new.locator("#no-candidate")).to_be_visible()
    for page in (old, new):  # both pages listening (a change before that: the test below)
        expect(page.locator("body")).to_have_attribute("data-listening", "true")

    live_server.call(_give_seat, live_server, "cand_a", "observer_b", Capacity.CLIENT)

    notice = old.locator("#access-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Alice DURAND à un autre juré")
    expect(old.locator("#picker button")).to_have_count(1)
    expect(old.locator("#picker button")).to_contain_text("Bruno PETIT")
    expect(old.locator("#client-console")).to_be_hidden()
    expect(old.locator("#observer-title")).to_contain_text("Bruno PETIT")
    screenshot(old, "jury-seat-lost")

    expect(new.locator("#access-notice")).to_contain_text("vous a confié Alice DURAND")
    expect(new.locator("#no-candidate")).to_be_hidden()
    expect(new.locator("#client-title")).to_contain_text("Alice DURAND")
    screenshot(new, "jury-seat-gained")
    old.context.close()
    new.context.close()


def test_a_seat_given_while_the_page_loads_is_not_missed(
    live_server: LiveServer, browser: Any
) -> None:
    """The seat is given between the page's read of its candidates and its socket's first
    snapshot (a juror opening the page as the organiser assigns them; or a connection lost
    meanwhile): the change's event went out before the page listened. The page reads its
    candidates again each time it listens anew: the candidate appears without a reload, and
    the page says its candidates changed."""
    assert live_server.day is not None
    page = new_page(browser, live_server)
    given: list[bool] = []

    def stale_then_give(route: Any) -> None:
        response = route.fetch()  # the seats before the change
        if not given:
            live_server.call(_give_seat, live_server, "cand_a", "observer_b", Capacity.CLIENT)
            given.append(True)
        route.fulfill(response=response)

    page.route("**/api/jury/assignments", stale_then_give)
    sign_in_with_code(page, live_server.day.codes["observer_b"], home="/jury")  # Bruno's observer
    expect(page.locator("#picker button")).to_have_count(2)
    expect(page.locator("#picker button", has_text="Alice DURAND")).to_be_visible()
    expect(page.locator("#access-notice")).to_contain_text("Vos candidats ont changé")
    page.locator("#picker button", has_text="Alice").click()
    expect(page.locator("#client-console")).to_be_visible()
    assert given == [True]
    page.context.close()


def test_a_seat_given_while_the_page_reads_its_candidates_again_is_told_as_given(
    live_server: LiveServer, browser: Any
) -> None:
    """The seat is given while the page, just connected, reads its candidates again (to find a
    change it could have missed): its socket does hear the change. The page says the organiser
    gave the seat, not that it changed unheard, whichever answer comes first (a loaded machine
    answered the reading after the event: the page claimed it had not been listening)."""
    assert live_server.day is not None
    page = new_page(browser, live_server)
    held: list[Any] = []
    reads: list[str] = []

    def hold_after_the_first(route: Any) -> None:
        reads.append(route.request.url)
        if len(reads) == 1:
            route.continue_()  # the page's first read: Bruno to observe
        else:
            held.append(route)  # the reading again, then the event's own reading

    def held_count(n: int) -> None:
        for _ in range(1200):  # up to 60 s: Playwright delivers the routes while it waits
            if len(held) >= n:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{len(held)} reading(s) held, {n} awaited")

    page.route("**/api/jury/assignments", hold_after_the_first)
    sign_in_with_code(page, live_server.day.codes["observer_b"], home="/jury")
    held_count(1)  # connected, its first snapshot in: it reads its candidates again
    live_server.call(_give_seat, live_server, "cand_a", "observer_b", Capacity.CLIENT)
    held_count(2)  # the event heard: the page reads its candidates for it
    notice = page.locator("#access-notice")
    expect(notice).to_contain_text("vous a confié Alice DURAND")
    held[0].continue_()  # the reading again answers first, already holding the new seat…
    expect(page.locator("body")).to_have_attribute("data-listening", "true")
    held[1].continue_()  # …then the event's
    expect(page.locator("#picker button", has_text="Alice DURAND")).to_be_visible()
    expect(notice).to_contain_text("vous a confié Alice DURAND")
    page.context.close()
