"""A running app (Starlette TestClient) on a migrated database, with a standard exam day:
one organiser, one session, two candidates, each with a client juror and an observer, and a
proctor; plus helpers to sign in as each of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from server.app import CONTRIBUTIONS, build_context, create_app
from server.auth import service as auth_service
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.identity import Capacity, Role
from server.core.referential import Pathway
from server.core.tokens import CSRF_COOKIE
from server.exams import setup
from server.web.composition import Contribution, Edges
from tests.one_hop_client import OneHopTestClient
from tests.seeded_days import seeded_once

ORGANISER_PASSWORD = "mot-de-passe-solide-1"


@dataclass
class ExamDay:
    session_id: str
    codes: dict[str, str] = field(default_factory=dict)  # label -> access code
    ids: dict[str, str] = field(default_factory=dict)  # label -> participant id


async def seed_exam_day(
    ctx: AppContext,
    *,
    format_id: str = "titre",
    pack_id: str | None = None,
    day: date = date(2026, 6, 1),
) -> ExamDay:
    """`pack_id`: freeze that pack (from ctx.packs) into the session, as the organiser would;
    `day`: the session's date (its access codes expire two days later). Seeded once per test
    process and written back as rows after that (tests/seeded_days.py)."""
    # the title and the pack are frozen models, shared by every context of the process
    # (server/scenarios/catalogue.py): known by their id(); the paths differ from test to test
    paths = {"database_url", "data_dir", "recordings_dir", "recordings_fallback_dir"}
    settings = repr(sorted(ctx.settings.model_dump(exclude=paths).items()))
    title, pack = ctx.titles.get("CRCD"), ctx.packs.get(pack_id) if pack_id else None
    key = (ctx.clock.now(), format_id, pack_id, day, id(title), id(pack), settings)
    async with ctx.db.session() as s:
        return await seeded_once(
            s,
            key,
            keep=(title, pack),
            seed=lambda: _seed(ctx, s, format_id=format_id, pack_id=pack_id, day=day),
        )


async def _seed(
    ctx: AppContext, s: AsyncSession, *, format_id: str, pack_id: str | None, day: date
) -> ExamDay:
    from server.exams.packs import freeze_pack_for_session

    secret = ctx.settings.secret_key
    actor = "test"
    await auth_service.create_account(
        s,
        username="orga",
        display_name="Orga Nisateur",
        password=ORGANISER_PASSWORD,
        clock=ctx.clock,
    )
    exam = await setup.create_exam_session(
        s,
        titles=ctx.titles,
        centre="Centre test",
        day=day,
        title_id="CRCD",
        format_id=format_id,
        pack_snapshot_id=(
            await freeze_pack_for_session(ctx, s, pack_id, "CRCD", format_id) if pack_id else None
        ),
        actor=actor,
        clock=ctx.clock,
    )
    seeded = ExamDay(exam.id)
    for label, (last, first) in {
        "cand_a": ("Durand", "Alice"),
        "cand_b": ("Petit", "Bruno"),
    }.items():
        cand, code = await setup.add_candidate(
            s,
            exam=exam,
            last_name=last,
            first_name=first,
            pathway=Pathway.FORMATION_CONTINUE,
            secret=secret,
            actor=actor,
            clock=ctx.clock,
        )
        seeded.codes[label], seeded.ids[label] = code, cand.participant_id
    for label in ("client_a", "observer_a", "client_b", "observer_b", "proctor"):
        role = Role.PROCTOR if label == "proctor" else Role.JUROR
        p, code = await setup.add_staff(
            s,
            exam=exam,
            role=role,
            display_name=label,
            secret=secret,
            actor=actor,
            clock=ctx.clock,
        )
        seeded.codes[label], seeded.ids[label] = code, p.id
    for suffix in ("a", "b"):
        cand = await s.get(setup.Candidate, seeded.ids[f"cand_{suffix}"])
        assert cand is not None
        for capacity in Capacity:
            await setup.assign_juror(
                s,
                candidate=cand,
                juror_id=seeded.ids[f"{capacity.value}_{suffix}"],
                capacity=capacity,
                actor=actor,
                clock=ctx.clock,
            )
    await s.commit()
    return seeded


class Harness:
    def __init__(self, client: TestClient, ctx: AppContext, day: ExamDay) -> None:
        self.client = client
        self.ctx = ctx
        self.day = day
        self.clock: FakeClock = ctx.clock  # type: ignore[assignment]

    @property
    def edges(self) -> Edges:
        """The WebSocket commands and snapshot parts the app was assembled with."""
        edges: Edges = self.client.app.state.edges  # type: ignore[attr-defined]
        return edges

    def login(self, who: str) -> TestClient:
        """Signs the shared client in as `who` ("organiser", a code label, or "anonymous")."""
        self.client.cookies.clear()
        if who == "anonymous":
            return self.client
        if who == "organiser":
            r = self.client.post(
                "/api/auth/password", json={"username": "orga", "password": ORGANISER_PASSWORD}
            )
        else:
            r = self.client.post("/api/auth/code", json={"code": self.day.codes[who]})
        assert r.status_code == 200, r.text
        self.client.headers["X-CSRF-Token"] = self.client.cookies[CSRF_COOKIE]
        return self.client

    def call(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Runs an async function on the app's event loop."""
        return self.client.portal.call(lambda: fn(*args, **kwargs))  # type: ignore[union-attr]

    @contextmanager
    def sockets(self, *who: str) -> Iterator[list[Any]]:
        """One page socket per person (signed in in turn, each past its snapshot), closed on
        exit; the shared client stays signed in as the last one."""
        opened: list[Any] = []
        try:
            for label in who:
                self.login(label)
                # the organiser's page follows the session (its staff events)
                path = f"/ws?session={self.day.session_id}" if label == "organiser" else "/ws"
                ws = self.client.websocket_connect(path).__enter__()
                opened.append(ws)
                ws.receive_json()
            yield opened
        finally:
            for ws in reversed(opened):
                ws.__exit__(None, None, None)


@contextmanager
def running_app(
    settings: Settings,
    clock: FakeClock,
    *,
    format_id: str = "titre",
    pack_id: str | None = None,
    day: ExamDay | None = None,
    media: Any = None,
    contributions: Sequence[Contribution] = CONTRIBUTIONS,
    pooled: bool = True,
) -> Iterator[Harness]:
    """Starts the app (its start-up hooks run); seeds a standard exam day unless `day` is given
    (a restart of an app whose database already holds it).

    Pooled, as the server runs: the pool belongs to the app's loop (the TestClient's), and a
    test that reaches the app from another loop (a second TestClient on `h.client.app` runs
    each request on a loop of its own) gets a connection per session there (server.core.db).
    `pooled=False`: a connection per session everywhere."""
    ctx = build_context(settings, clock=clock, pooled=pooled)
    if media is not None:  # e.g. a FakeMedia: no aiortc in service-level tests
        ctx.services.media = media
    app = create_app(ctx, contributions=contributions)
    with OneHopTestClient(app, base_url="http://testserver") as client:
        if day is None:
            day = client.portal.call(
                lambda: seed_exam_day(ctx, format_id=format_id, pack_id=pack_id)
            )  # type: ignore[union-attr]
        yield Harness(client, ctx, day)
