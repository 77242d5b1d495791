"""The database pool holds a busy exam day (issue 15): 100 staff commands at once (pause and
resume from the organiser's board) and 100 autosaves of the candidates' notepads, on a
deliberately small pool, all get an answer — 200, or a French 409 when the candidate was already
paused or running — never a 500 and never a wait for a connection that another request of the
same kind holds. A request holds at most one connection
at a time (its sign-in check gives its own back before the command runs)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from server.app import build_context, create_app
from server.core import audit
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from tests.harness import ORGANISER_PASSWORD, seed_exam_day

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

COMMANDS = 100
POOL = {"db_pool_size": 4, "db_max_overflow": 0, "db_pool_timeout": 300.0}  # generous wait


@contextmanager
def small_pool_app(settings: Settings, clock: FakeClock) -> Iterator[tuple[TestClient, AppContext]]:
    ctx = build_context(settings.model_copy(update=POOL), clock=clock)  # pooled
    with TestClient(create_app(ctx), base_url="http://testserver") as client:
        yield client, ctx


def test_a_hundred_pause_and_resume_commands_at_once_get_an_answer(
    settings: Settings, clock: FakeClock
) -> None:
    with small_pool_app(settings, clock) as (client, ctx):
        day = client.portal.call(lambda: seed_exam_day(ctx))  # type: ignore[union-attr]
        r = client.post(
            "/api/auth/password", json={"username": "orga", "password": ORGANISER_PASSWORD}
        )
        assert r.status_code == 200
        cookies = dict(client.cookies)
        pupils = []
        for label in ("cand_a", "cand_b"):
            client.cookies.clear()
            r = client.post("/api/auth/code", json={"code": day.codes[label]})
            assert r.status_code == 200
            pupils.append(dict(client.cookies))
        client.cookies.clear()
        client.cookies.update(cookies)
        candidates = [day.ids["cand_a"], day.ids["cand_b"]]
        for cid in candidates:
            assert (
                client.post(
                    f"/api/candidates/{cid}/timeline/start",
                    headers={"X-CSRF-Token": cookies["plateau_csrf"]},
                ).status_code
                == 200
            )

        def http_as(jar: dict[str, str]) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                transport=httpx.ASGITransport(app=client.app),  # type: ignore[arg-type]
                base_url="http://testserver",
                cookies=jar,
                headers={"X-CSRF-Token": jar["plateau_csrf"]},
                timeout=None,
            )

        async def burst() -> tuple[list[int], list[int]]:
            async with http_as(cookies) as http, http_as(pupils[0]) as a, http_as(pupils[1]) as b:

                async def command(i: int) -> int:
                    cid = candidates[i % 2]
                    if (i // 2) % 2:
                        res = await http.post(f"/api/candidates/{cid}/timeline/resume")
                    else:
                        res = await http.post(
                            f"/api/candidates/{cid}/timeline/pause", json={"reason": "Incident"}
                        )
                    return res.status_code

                async def autosave(i: int) -> int:
                    cid, page = (candidates[0], a) if i % 2 else (candidates[1], b)
                    res = await page.put(
                        f"/api/candidates/{cid}/notepad", json={"text": f"brouillon {i}"}
                    )
                    return res.status_code

                staff = asyncio.gather(*(command(i) for i in range(COMMANDS)))
                saves = asyncio.gather(*(autosave(i) for i in range(COMMANDS)))
                done = await asyncio.gather(staff, saves)
                return list(done[0]), list(done[1])

        statuses, saves = client.portal.call(burst)  # type: ignore[union-attr]
        assert set(statuses) <= {200, 409}, statuses
        assert statuses.count(200) >= 2  # each candidate paused at least once
        assert set(saves) == {200}, saves

        async def chain() -> Any:
            async with ctx.db.session() as s:
                return await audit.verify(s)

        _checked, breaks = client.portal.call(chain)  # type: ignore[union-attr]
        assert breaks == []
