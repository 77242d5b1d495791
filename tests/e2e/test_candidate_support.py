"""Helpers (no tests) for the candidate workstation's browser tests: a server on a copy of the
scenarios whose title format has a 1-minute writing phase, with the demo pack frozen into the
session, candidates started « as if » some time ago, and a raw WebSocket listener in a page."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from server.core.config import PROJECT_ROOT
from server.core.context import AppContext
from server.exams import setup, timeline_service
from server.exams.models import ExamSession
from server.exams.timeline_state import TimelineState
from tests.e2e.conftest import LiveServer
from tests.harness import ExamDay, seed_exam_day

PACK = "plateforme-horizon"
PREPARATION = 60 * 60
CALLS = 90 * 60
WRITING_MINUTES = 1


def write_short_scenarios(target: Path) -> Path:
    """scenarios/ copied with the demo pack, the CRCD `titre` writing phase cut to 1 minute
    (the pack's simulations need the full calls phase; tests start candidates « earlier »)."""
    titles = target / "titles"
    titles.mkdir(parents=True)
    for src in (PROJECT_ROOT / "scenarios" / "titles").glob("*.yaml"):
        (titles / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    crcd = titles / "crcd.yaml"
    text = crcd.read_text(encoding="utf-8")
    old_phase, old_total = "- {kind: redaction, minutes: 40}", "total_minutes: 240"
    assert text.count(old_phase) == 1 and text.count(old_total) == 1, "crcd.yaml changed shape"
    text = text.replace(old_phase, f"- {{kind: redaction, minutes: {WRITING_MINUTES}}}")
    text = text.replace(old_total, f"total_minutes: {240 - 40 + WRITING_MINUTES}")
    crcd.write_text(text, encoding="utf-8")
    shutil.copytree(PROJECT_ROOT / "scenarios" / "packs" / PACK, target / "packs" / PACK)
    return target


async def seed_with_pack(ctx: AppContext) -> ExamDay:
    """The standard exam day with the demo pack, moved to today (codes valid now)."""
    day = await seed_exam_day(ctx, format_id="titre", pack_id=PACK)
    today = ctx.clock.now().date()
    async with ctx.db.session() as s:
        exam = await s.get(ExamSession, day.session_id)
        assert exam is not None
        exam.day = today
        exam.codes_expire_at = (
            datetime.combine(today, day_time(0), UTC) + setup.CODES_VALID_AFTER_DAY * 2
        )
        await s.commit()
    return day


async def start_earlier(ctx: AppContext, candidate_id: str, seconds: float) -> TimelineState:
    """Starts the candidate's exam as if it had been started `seconds` ago."""
    at = ctx.clock.now() - timedelta(seconds=seconds)
    return await timeline_service.run(
        ctx, candidate_id, lambda t: t.start_at(at, by="test"), actor="test"
    )


def server_in_calls_phase(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    """A server on the short scenarios with the demo pack; candidate A 30 s into the calls."""
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    srv.call(start_earlier, srv.ctx, srv.day.ids["cand_a"], PREPARATION + 30)
    return srv


LISTEN_JS = """() => {
    window.__events = [];
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${proto}://${location.host}/ws`);
    window.__ws = ws;
    ws.onmessage = (ev) => window.__events.push(JSON.parse(ev.data));
    return new Promise((resolve, reject) => {
        ws.onopen = () => resolve(true);
        ws.onclose = (ev) => reject(new Error(`le socket d'écoute s'est fermé (code ${ev.code})`));
    });
}"""


def listen(page: Any) -> None:
    """Opens a second WebSocket in `page` (signed in) that records every event it hears."""
    page.evaluate(LISTEN_JS)


def events(page: Any, kind: str) -> list[dict[str, Any]]:
    return page.evaluate("(k) => window.__events.filter((e) => e.type === k)", kind)


ANSWER_WITHIN_MS = 60_000  # generous (a loaded machine): only a lost answer takes that long


def ws_request(page: Any, message: dict[str, Any]) -> dict[str, Any]:
    """Sends a command on the listener socket and returns its ack or error. A socket that is
    not open, closes before the answer, or an answer that never comes fails the test (Playwright's
    `evaluate` has no timeout of its own: the test would wait forever)."""
    return page.evaluate(
        """([msg, within]) => new Promise((resolve, reject) => {
            const id = crypto.randomUUID();
            const ws = window.__ws;
            const stop = () => {
                clearTimeout(timer);
                ws.removeEventListener("message", done);
                ws.removeEventListener("close", closed);
            };
            const done = (ev) => {
                const m = JSON.parse(ev.data);
                if (m.request_id === id) { stop(); resolve(m); }
            };
            const closed = (ev) => {
                stop();
                reject(new Error(`le socket d'écoute s'est fermé avant la réponse (code ${ev.code})`));
            };
            const timer = setTimeout(() => {
                stop();
                reject(new Error(`pas de réponse à ${msg.type} en ${within} ms`));
            }, within);
            if (ws.readyState !== WebSocket.OPEN) {
                stop();
                reject(new Error(`le socket d'écoute n'est pas ouvert (état ${ws.readyState})`));
                return;
            }
            ws.addEventListener("message", done);
            ws.addEventListener("close", closed);
            ws.send(JSON.stringify({ ...msg, request_id: id }));
        })""",
        [message, ANSWER_WITHIN_MS],
    )


async def played_every_simulation(
    ctx: AppContext, candidate_id: str, calls_from: datetime, *, first: int | None = None
) -> None:
    """The calls and the chat of the candidate's subject as if each had been played during
    the calls phase starting at `calls_from` (answered, ended, qualified; the chat answered),
    for the tests that pick the exam up after the calls (a simulation not played would be
    recorded as such and its writing task replaced). `first`: only the first n of them."""
    from server.chat.models import ChatMessage
    from server.exams import packs
    from server.scenarios.pack.types import SimulationKind
    from server.telephony.models import CallRow

    async with ctx.db.session() as s:
        found = await packs.candidate_subset(ctx, s, candidate_id)
        assert found is not None
        at = calls_from
        for sim in found[1].simulations[:first]:
            start, end = at + timedelta(seconds=20), at + timedelta(minutes=sim.minutes)
            if sim.kind is SimulationKind.CHAT:
                for seq, author in ((1, "client"), (2, "candidate")):
                    s.add(
                        ChatMessage(
                            candidate_id=candidate_id,
                            seq=seq,
                            simulation_id=sim.id,
                            author=author,
                            client_msg_id=f"played-{seq}",
                            text="Bonjour." if author == "client" else "Bonjour, je vous écoute.",
                            sent_at=start + timedelta(seconds=seq),
                        )
                    )
            else:
                s.add(
                    CallRow(
                        candidate_id=candidate_id,
                        simulation_id=sim.id,
                        direction=(
                            "inbound" if sim.kind is SimulationKind.INBOUND_CALL else "outbound"
                        ),
                        state="termine",
                        number=sim.candidate.phone.display if sim.candidate.phone else "",
                        crm_record_id=sim.candidate.crm_record,
                        rang_at=at,
                        answered_at=start,
                        ended_at=end,
                        ended_by="client",
                        held_seconds=0.0,
                        needs_wrap_up=True,
                        disposition="traitee",
                        disposition_note="Fait.",
                        wrapped_up_at=end + timedelta(seconds=30),
                    )
                )
            at = end + timedelta(minutes=1)
        await s.commit()
