"""Two jurors marking one criterion at the same instant (issue 15), as the deliberation: each
save carries the version of the mark it was based on, exactly one of two racing saves wins, the
other is refused in French and nothing of it is written — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from server.app import build_context
from server.core import audit
from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.identity import Principal, Role
from server.evaluation import service
from server.evaluation.models import Mark
from tests.evaluation.support import PACK
from tests.harness import Harness, running_app, seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

ROUNDS = 12
VALUES = ("acquis", "non_acquis")


@dataclass
class Jury:
    ctx: AppContext
    candidate: str
    jurors: tuple[Principal, Principal]
    where: tuple[str, str, int]  # part, competence, criterion


@pytest.fixture
async def jury(settings: Settings, clock: FakeClock) -> AsyncIterator[Jury]:
    ctx = build_context(settings, clock=clock)  # pooled, as the server runs
    day = await seed_exam_day(ctx, pack_id=PACK)
    cand = day.ids["cand_a"]
    async with ctx.db.session() as s:
        part = (await service.seat(ctx, s, cand)).structure()[0]
    where = (part["part"], part["competences"][0]["code"], 1)
    jurors = tuple(
        Principal(Role.JUROR, day.ids[label], label, day.session_id)
        for label in ("client_a", "observer_a")
    )
    try:
        yield Jury(ctx, cand, jurors, where)  # type: ignore[arg-type]
    finally:
        await ctx.db.dispose()


async def _version(j: Jury) -> int:
    async with j.ctx.db.session() as s:
        row = await s.get(Mark, (j.candidate, *j.where))
        return row.version if row else 0


async def test_two_jurors_on_one_criterion_one_wins_the_other_is_told(jury: Jury) -> None:
    for i in range(ROUNDS):
        base = await _version(jury)
        barrier = asyncio.Barrier(2)

        async def save(
            juror: Principal, value: str, base: int = base, barrier: asyncio.Barrier = barrier
        ) -> Any:
            await barrier.wait()
            return await service.set_mark(
                jury.ctx,
                juror,
                jury.candidate,
                *jury.where,
                value,
                f"par {juror.display_name}",
                base,
            )

        results = await asyncio.gather(
            *(save(j, VALUES[(k + i) % 2]) for k, j in enumerate(jury.jurors)),
            return_exceptions=True,
        )
        won = [r for r in results if isinstance(r, dict)]
        lost = [r for r in results if isinstance(r, service.StaleMark)]
        assert (len(won), len(lost)) == (1, 1), results
        assert "par l'autre juré" in str(lost[0]) and "n'a pas été enregistrée" in str(lost[0])
        async with jury.ctx.db.session() as s:
            row = await s.get(Mark, (jury.candidate, *jury.where))
            assert row is not None
            assert (row.version, row.value, row.by) == (
                base + 1,
                won[0]["value"],
                won[0]["by"],
            )
    async with jury.ctx.db.session() as s:
        _checked, breaks = await audit.verify(s)
        audited = list(
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "evaluation.mark"))
        )
    assert breaks == [] and len(audited) == ROUNDS  # only the winners are recorded


async def test_two_first_marks_at_once_one_wins(jury: Jury) -> None:
    """The criterion was not marked yet: both saves are INSERTs, the key refuses the second."""
    barrier = asyncio.Barrier(2)

    async def save(juror: Principal, value: str) -> Any:
        await barrier.wait()
        return await service.set_mark(jury.ctx, juror, jury.candidate, *jury.where, value, None, 0)

    results = await asyncio.gather(
        *(save(j, v) for j, v in zip(jury.jurors, VALUES, strict=True)), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleMark", "dict"], results
    assert await _version(jury) == 1


def test_a_save_based_on_an_old_version_is_refused_over_http_and_the_socket(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid, where, url = _first_criterion(h)
        first = h.client.put(url, json={"value": "acquis", "base_version": 0})
        assert first.status_code == 200 and first.json()["version"] == 1
        c = h.login("client_a")  # saw no mark yet
        stale = c.put(url, json={"value": "non_acquis", "base_version": 0})
        assert stale.status_code == 409
        assert "vient d'être noté « Acquis » (version 1) par l'autre juré" in stale.json()["detail"]
        assert stale.json()["current"]["value"] == "acquis"
        with h.sockets("client_a") as (ws,):
            ws.send_json(_set_mark(cid, where, value="non_acquis", base_version=0))
            reply = _reply(ws, "m")
            assert (reply["type"], reply["code"]) == ("error", "conflict")
            assert "par l'autre juré" in reply["message"]
        fresh = c.put(url, json={"value": "non_acquis", "base_version": 1})
        assert fresh.status_code == 200 and fresh.json()["version"] == 2
        assert _marks(h, cid) == [("non_acquis", 2)]


def _first_criterion(h: Harness) -> tuple[str, tuple[str, str, int], str]:
    """Signs the observer in: candidate A, the first criterion of the grid's first part, and
    its mark's URL."""
    cid = h.day.ids["cand_a"]
    base = f"/api/candidates/{cid}/evaluation"
    h.login("observer_a")
    part = h.client.get(base).json()["parts"][0]
    where = (part["part"], part["competences"][0]["code"], 1)
    return cid, where, f"{base}/marks/{where[0]}/{where[1]}/{where[2]}"


def _set_mark(cid: str, where: tuple[str, str, int], **fields: Any) -> dict[str, Any]:
    """`evaluation.set_mark` over the socket, answered under request id « m »."""
    part, competence, criterion = where
    return {
        "type": "evaluation.set_mark",
        "candidate_id": cid,
        "part": part,
        "competence": competence,
        "criterion": criterion,
        "request_id": "m",
        **fields,
    }


def _reply(ws: Any, request_id: str) -> dict[str, Any]:
    while True:
        msg = ws.receive_json()
        if msg.get("request_id") == request_id:
            return msg


def _marks(h: Harness, cid: str) -> list[tuple[str, int]]:
    data = h.client.get(f"/api/candidates/{cid}/evaluation").json()
    return [(m["value"], m["version"]) for m in data["marks"]]


def test_a_save_sent_again_after_its_answer_was_lost_is_acknowledged_once(
    settings: Settings, clock: FakeClock
) -> None:
    """The page sends a mark again, same base version, when the link was cut before the answer
    came (the save may or may not have been made): the one made is acknowledged, nothing is
    written twice; the same base with another value or comment, or from the other juror, is
    still refused."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid, where, url = _first_criterion(h)
        body = {"value": "non_acquis", "comment": "Oublie de reformuler.", "base_version": 0}
        first = h.client.put(url, json=body)
        assert first.status_code == 200 and first.json()["version"] == 1
        again = h.client.put(url, json=body)
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        for changed in ({"value": "acquis"}, {"comment": "Autre chose."}):
            other = h.client.put(url, json={**body, **changed})
            assert other.status_code == 409, other.text
        c = h.login("client_a")
        assert c.put(url, json=body).status_code == 409
        assert _marks(h, cid) == [("non_acquis", 1)]
        audited = h.call(_mark_audits, h.ctx)
        assert audited == 1
        with h.sockets("observer_a") as (ws,):
            ws.send_json(_set_mark(cid, where, **body))
            reply = _reply(ws, "m")
            assert reply["type"] == "ack", reply
            assert reply["result"]["mark"]["version"] == 1


async def _mark_audits(ctx: AppContext) -> int:
    async with ctx.db.session() as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.action == "evaluation.mark"))
        return len(list(rows))
