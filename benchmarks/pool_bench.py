"""The database pool under an exam day's load (issue 15): N candidates in the writing phase each
autosave a reply every 5 s (each save based on the version it last saw), while the organiser's
board sends bursts of B staff commands at once (pause then resume, as during an incident). Every
answer is counted by status; a 500 or a request that waited for a connection longer than the
pool's timeout is an error. The sweep grows B until it degrades.

The app runs in this process (its ASGI app driven by httpx, no network): what is measured is
the server's database path — pool, transactions, the audit chain's one writer — not HTTP.

    python -m benchmarks.pool_bench [--database-url URL] [--candidates 100] [--seconds 15]
        [--bursts 25,50,100,200,400] [--pool 20 --overflow 30]   → benchmarks/results/pool.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from server.app import build_context, create_app
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.migrations import upgrade
from server.core.referential import Pathway
from server.exams import setup, timeline_service
from server.exams.timeline import Timeline
from tests.harness import ORGANISER_PASSWORD, seed_exam_day

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PACK = "plateforme-horizon"
SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
AUTOSAVE_S = 5.0


async def _seed(ctx: AppContext, candidates: int) -> tuple[str, list[tuple[str, str]]]:
    day = await seed_exam_day(ctx, pack_id=PACK, day=date.today())
    people: list[tuple[str, str]] = [(day.ids["cand_a"], day.codes["cand_a"])]
    async with ctx.db.session() as s:
        exam = await s.get(setup.ExamSession, day.session_id)
        assert exam is not None
        for i in range(candidates - 1):
            cand, code = await setup.add_candidate(
                s,
                exam=exam,
                last_name=f"Candidat{i:03d}",
                first_name="Banc",
                pathway=Pathway.FORMATION_CONTINUE,
                secret=ctx.settings.secret_key,
                actor="bench",
                clock=ctx.clock,
            )
            people.append((cand.participant_id, code))
        await s.commit()

    def start(t: Timeline) -> list[Any]:
        return t.start(by="bench")

    for cid, _ in people:
        await timeline_service.run(ctx, cid, start, actor="bench")
    assert isinstance(ctx.clock, FakeClock)
    ctx.clock.advance(timedelta(minutes=155))  # every candidate in the writing phase
    await timeline_service.advance_all(ctx)
    return day.session_id, people


def _client(app: Any, jar: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        # An exception in the app is answered 500 and counted, as a real server would.
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://bench",
        cookies=jar or {},
        headers={"X-CSRF-Token": jar["plateau_csrf"]} if jar else {},
        timeout=None,
    )


async def _sign_in(app: Any, path: str, body: dict[str, str]) -> dict[str, str]:
    async with _client(app) as c:
        r = await c.post(path, json=body)
        assert r.status_code == 200, r.text
        return dict(c.cookies)


class Tally:
    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {"save": [], "staff": []}
        self.status: dict[str, dict[int, int]] = {"save": {}, "staff": {}}

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.latencies[kind].append(seconds)
        self.status[kind][status] = self.status[kind].get(status, 0) + 1

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, values in self.latencies.items():
            values = sorted(values)
            out[kind] = {
                "requests": len(values),
                "status": {str(k): v for k, v in sorted(self.status[kind].items())},
                "p50_ms": round(1000 * statistics.median(values), 1) if values else None,
                "p95_ms": round(1000 * values[int(0.95 * (len(values) - 1))], 1)
                if values
                else None,
                "max_ms": round(1000 * values[-1], 1) if values else None,
            }
        return out


async def _run(url: str, args: argparse.Namespace, burst: int) -> dict[str, Any]:
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        data_dir=Path(tempfile.mkdtemp(prefix="pool-bench-")),
        login_attempts_per_minute=100_000,
        db_pool_size=args.pool,
        db_max_overflow=args.overflow,
        db_pool_timeout=args.pool_timeout,
    )
    ctx = build_context(settings, clock=FakeClock())
    app = create_app(ctx)
    tally = Tally()
    async with app.router.lifespan_context(app):
        _session_id, people = await _seed(ctx, args.candidates)
        orga = await _sign_in(
            app, "/api/auth/password", {"username": "orga", "password": ORGANISER_PASSWORD}
        )
        jars = [await _sign_in(app, "/api/auth/code", {"code": code}) for _, code in people]
        async with _client(app, jars[0]) as probe:
            drafts = (await probe.get(f"/api/candidates/{people[0][0]}/writing/drafts")).json()
        task = drafts["drafts"][0]["task_id"]
        stop = time.monotonic() + args.seconds

        async def candidate(i: int) -> None:
            cid = people[i][0]
            version = 0
            async with _client(app, jars[i]) as c:
                await asyncio.sleep(random.uniform(0, AUTOSAVE_S))
                n = 0
                while time.monotonic() < stop:
                    n += 1
                    t0 = time.monotonic()
                    r = await c.put(
                        f"/api/candidates/{cid}/writing/drafts/{task}",
                        json={
                            "content": {"body": f"Madame, brouillon {n}"},
                            "base_version": version,
                        },
                    )
                    tally.add("save", r.status_code, time.monotonic() - t0)
                    if r.status_code == 200:
                        version = r.json()["version"]
                    await asyncio.sleep(AUTOSAVE_S)

        async def staff() -> None:
            async with _client(app, orga) as c:
                await asyncio.sleep(1.0)
                while time.monotonic() < stop:
                    chosen = random.sample(people, min(burst, len(people)))

                    async def command(cid: str, verb: str) -> None:
                        t0 = time.monotonic()
                        body = {"reason": "Incident réseau"} if verb == "pause" else None
                        r = await c.post(f"/api/candidates/{cid}/timeline/{verb}", json=body)
                        tally.add("staff", r.status_code, time.monotonic() - t0)

                    await asyncio.gather(*(command(cid, "pause") for cid, _ in chosen))
                    await asyncio.gather(*(command(cid, "resume") for cid, _ in chosen))
                    await asyncio.sleep(2.0)

        started = time.monotonic()
        await asyncio.gather(staff(), *(candidate(i) for i in range(len(people))))
        elapsed = time.monotonic() - started
    await ctx.db.dispose()
    return {"burst": burst, "elapsed_s": round(elapsed, 1), **tally.summary()}


def _database(args: argparse.Namespace) -> str:
    """A fresh database per run: a file for SQLite, a new database on the PostgreSQL server."""
    if not args.database_url:
        path = Path(tempfile.mkdtemp(prefix="pool-bench-db-")) / "plateau.db"
        return f"sqlite+aiosqlite:///{path}"
    name = f"pool_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(args.database_url, f'CREATE DATABASE "{name}"'))
    return _async_url(args.database_url, name)


def _async_url(url: str, database: str | None = None) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _drop(args: argparse.Namespace, url: str) -> None:
    if args.database_url:
        name = make_url(url).database
        asyncio.run(_pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--bursts", default="25,50,100,200,400")
    parser.add_argument("--pool", type=int, default=20)
    parser.add_argument("--overflow", type=int, default=30)
    parser.add_argument("--pool-timeout", type=float, default=30.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--dry-run", action="store_true", help="print, keep nothing")
    args = parser.parse_args()
    runs = []
    for burst in (int(b) for b in args.bursts.split(",")):
        url = _database(args)
        upgrade(url)
        load_before = os.getloadavg()
        try:
            result = asyncio.run(_run(url, args, burst))
        finally:
            _drop(args, url)
        result["load_before"] = [round(x, 2) for x in load_before]
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        runs.append(result)
        print(json.dumps(result, ensure_ascii=False))
    if not args.dry_run:
        _write(args, runs)


def _write(args: argparse.Namespace, runs: list[dict[str, Any]]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    backend = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    label = args.label or f"{backend}_pool{args.pool}+{args.overflow}"
    record = {
        "label": label,
        "backend": backend,
        "candidates": args.candidates,
        "seconds": args.seconds,
        "pool": args.pool,
        "overflow": args.overflow,
        "pool_timeout": args.pool_timeout,
        "machine": f"{platform.machine()} · {os.cpu_count()} cores"
        f" · Python {platform.python_version()}",
        "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "runs": runs,
    }
    path = RESULTS / "pool.json"
    kept = json.loads(path.read_text()) if path.exists() else []
    kept.append(record)
    path.write_text(json.dumps(kept, indent=1, ensure_ascii=False) + "\n")
    lines = [
        "# Database pool under load (benchmarks/pool_bench.py)",
        "",
        "Every run kept, newest last. N candidates autosave every 5 s; bursts of B staff commands"
        " (B pauses at once, then B resumes). Status counts per kind; 409 = a refusal in French"
        " (a save while paused, a pause of a paused candidate), never an error; 500 = error.",
        "",
    ]
    for rec in kept:
        lines += [
            f"## {rec['label']} — {rec['at']}",
            "",
            f"{rec['backend']}, {rec['candidates']} candidates, {rec['seconds']} s per burst size,"
            f" pool {rec['pool']} + {rec['overflow']} (wait ≤ {rec['pool_timeout']} s);"
            f" {rec['machine']}",
            "",
            "| burst | saves | saves status | save p50 / p95 / max ms | staff | staff status |"
            " staff p50 / p95 / max ms | load before → after |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rec["runs"]:
            s, t = r["save"], r["staff"]
            lines.append(
                f"| {r['burst']} | {s['requests']} | {s['status']} | {s['p50_ms']} / {s['p95_ms']}"
                f" / {s['max_ms']} | {t['requests']} | {t['status']} | {t['p50_ms']} /"
                f" {t['p95_ms']} / {t['max_ms']} | {r['load_before'][0]} → {r['load_after'][0]} |"
            )
        lines.append("")
    (RESULTS / "pool.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
