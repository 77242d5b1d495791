"""Event fan-out across two web replicas (issue 21): from an event's commit to each socket.

    python benchmarks/fanout_bench.py --sockets 500 --messages 40 \
        --database postgresql://postgres@127.0.0.1:5432/postgres --redis redis://127.0.0.1:6379/13

Starts two real `plateau serve` processes on a fresh PostgreSQL database (created, then
dropped) and one Redis (its own key prefix), seeds an exam day, opens `--sockets` organiser
pages on the session (half on each replica: each listens to every candidate's jury audience),
puts candidate A in the calls phase and has them send `--messages` chat messages, one every
`--interval` s, through replica 1. Each message is committed with its instant (`at`, the
server's clock just before the commit) and published through Redis; every socket notes when
it receives it. Latency = reception − `at` (one machine, one clock). Reported: p50 / p95 / p99
/ max over every (message, socket), and the CPU of each replica and of Redis (`INFO cpu`)
during the sending, in % of one core. The bench's own 500 sockets run in this process on the
same cores: their reading is part of every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import redis
from websockets.asyncio.client import connect

from server.core.config import PROJECT_ROOT
from server.core.tokens import CSRF_COOKIE

SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PACK = "plateforme-horizon"
PLATEAU = Path(sys.executable).with_name("plateau")
NO_VERIFY = ssl.create_default_context()
NO_VERIFY.check_hostname = False
NO_VERIFY.verify_mode = ssl.CERT_NONE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def start_replica(port: int, env: dict[str, str], work: Path) -> subprocess.Popen[bytes]:
    log = (work / f"web-{port}.log").open("wb")
    cmd = [str(PLATEAU), "serve", "--port", str(port), "--media-workers", "0"]
    process = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    deadline = time.monotonic() + 180
    with httpx.Client(verify=False) as client:  # one TLS context for the whole wait
        while True:
            try:
                if client.get(f"https://127.0.0.1:{port}/connexion").status_code == 200:
                    return process
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit(f"replica on {port} did not start: see {work}")
            time.sleep(0.3)


async def seed(url: str, data: Path) -> tuple[Any, str]:
    from server.app import build_context
    from server.core.config import Settings
    from tests.harness import seed_exam_day

    ctx = build_context(Settings(database_url=url, secret_key=SECRET, data_dir=data))
    try:
        day = await seed_exam_day(ctx, pack_id=PACK, day=date.today())
    finally:
        await ctx.db.dispose()
    return day, day.session_id


async def sign_in(port: int, path: str, body: dict[str, str]) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}", verify=False) as c:
        r = await c.post(path, json=body)
        r.raise_for_status()
        return dict(c.cookies)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    import asyncpg
    from sqlalchemy.engine import make_url

    from server.core.leader import asyncpg_dsn
    from server.core.migrations import upgrade

    admin = make_url(args.database).set(drivername="postgresql+asyncpg")
    name = f"plateau_fanout_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(asyncpg_dsn(admin.render_as_string(hide_password=False)))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = admin.set(database=name).render_as_string(hide_password=False)
    prefix = f"plateau-fanout-{uuid.uuid4().hex[:8]}"
    work = Path(args.work) / prefix
    data = work / "data"
    data.mkdir(parents=True)
    processes: list[subprocess.Popen[bytes]] = []
    rclient = redis.Redis.from_url(args.redis)
    try:
        await asyncio.to_thread(upgrade, url)
        day, session_id = await seed(url, data)
        env = {
            **os.environ,
            "PLATEAU_DATABASE_URL": url,
            "PLATEAU_SECRET_KEY": SECRET,
            "PLATEAU_DATA_DIR": str(data),
            "PLATEAU_REDIS_URL": args.redis,
            "PLATEAU_REDIS_PREFIX": prefix,
            "PLATEAU_MEDIA_MODE": "inprocess",
        }
        ports = [free_port(), free_port()]
        for port in ports:  # one after the other: the first leads the clock
            processes.append(await asyncio.to_thread(start_replica, port, env, work))
        orga = await sign_in(
            ports[0],
            "/api/auth/password",
            {"username": "orga", "password": "mot-de-passe-solide-1"},
        )
        cand = day.ids["cand_a"]
        async with httpx.AsyncClient(
            base_url=f"https://127.0.0.1:{ports[0]}", verify=False, cookies=orga, timeout=60
        ) as c:
            headers = {"X-CSRF-Token": orga[CSRF_COOKIE]}
            (
                await c.post(f"/api/candidates/{cand}/timeline/start", headers=headers)
            ).raise_for_status()
            stop = {"reason": "travail_termine", "comment": "banc d'essai"}
            (
                await c.post(
                    f"/api/candidates/{cand}/timeline/end-phase", json=stop, headers=headers
                )
            ).raise_for_status()

        received: list[tuple[str, float, float]] = []  # (message id, at, received)
        cookie = "; ".join(f"{k}={v}" for k, v in orga.items())
        sockets: list[Any] = []
        readers: list[asyncio.Task[None]] = []

        async def reader(ws: Any) -> None:
            async for raw in ws:
                now = time.time()
                msg = json.loads(raw)
                if msg.get("type") == "chat.message":
                    at = datetime.fromisoformat(msg["message"]["at"]).timestamp()
                    received.append((msg["message"]["id"], at, now))

        sem = asyncio.Semaphore(20)

        async def open_one(i: int) -> None:
            async with sem:
                port = ports[i % 2]
                ws = await connect(
                    f"wss://127.0.0.1:{port}/ws?session={session_id}",
                    ssl=NO_VERIFY,
                    additional_headers={"Cookie": cookie},
                    open_timeout=120,
                    max_size=None,
                )
                await ws.recv()  # the snapshot
                sockets.append(ws)
                readers.append(asyncio.create_task(reader(ws)))

        await asyncio.gather(*(open_one(i) for i in range(args.sockets)))
        await asyncio.sleep(2)
        as_cand = await sign_in(ports[0], "/api/auth/code", {"code": day.codes["cand_a"]})
        cand_cookie = "; ".join(f"{k}={v}" for k, v in as_cand.items())
        async with connect(
            f"wss://127.0.0.1:{ports[0]}/ws",
            ssl=NO_VERIFY,
            additional_headers={"Cookie": cand_cookie},
            max_size=None,
        ) as sender:
            await sender.recv()
            cpu0 = [cpu_seconds(p.pid) for p in processes]
            r0, t0 = redis_cpu(rclient), time.monotonic()
            me0 = time.process_time()
            for n in range(args.messages):
                await sender.send(json.dumps({"type": "chat.send", "text": f"message {n}"}))
                await asyncio.sleep(args.interval)
            expected = args.messages * args.sockets
            for _ in range(600):
                if len(received) >= expected:
                    break
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - t0
            cpu = [
                (cpu_seconds(p.pid) - c) / elapsed * 100
                for p, c in zip(processes, cpu0, strict=True)
            ]
            redis_pct = (redis_cpu(rclient) - r0) / elapsed * 100
            bench_pct = (time.process_time() - me0) / elapsed * 100
        for task in readers:
            task.cancel()
        for ws in sockets:
            await ws.close()
        latencies = [(now - at) * 1000 for _, at, now in received]
        return {
            "sockets": args.sockets,
            "messages": args.messages,
            "interval_s": args.interval,
            "samples": len(latencies),
            "expected": args.messages * args.sockets,
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies), 1),
            "cpu_replica1_pct": round(cpu[0], 1),
            "cpu_replica2_pct": round(cpu[1], 1),
            "cpu_redis_pct": round(redis_pct, 1),
            "cpu_bench_clients_pct": round(bench_pct, 1),
            "loadavg_before": os.getloadavg(),
            "cores": os.cpu_count(),
            "machine": platform.platform(),
            "when": datetime.now().isoformat(timespec="seconds"),
        }
    finally:
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        for key in rclient.scan_iter(match=f"{prefix}:*"):
            rclient.delete(key)
        rclient.close()
        conn = await asyncpg.connect(asyncpg_dsn(admin.render_as_string(hide_password=False)))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--work", default="/tmp")
    parser.add_argument("--json", type=Path, help="append the result to this JSON-lines file")
    args = parser.parse_args()
    load = os.getloadavg()
    result = asyncio.run(run(args))
    result["loadavg_before"] = load
    print(json.dumps(result, indent=2))
    if args.json:
        with args.json.open("a", encoding="utf-8") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
