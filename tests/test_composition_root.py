"""One composition root (issue 19): each package declares what it contributes as one object,
`server/app.py` assembles them; nothing is registered by the side effect of importing a module,
and no production code asks whether it runs under the tests."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import server
from server.core.config import Settings
from tests.harness import FakeClock

SERVER = Path(server.__file__).parent
# The module-level registries that importing a module used to fill.
OLD_REGISTRIES = [
    ("server.web.ws_registry", "COMMANDS"),
    ("server.web.snapshots", "SNAPSHOT_PARTS"),
    ("server.exams.timeline_service", "LISTENERS"),
    ("server.exams.timeline_service", "ON_ELECTED"),
    ("server.evaluation.deliberation", "LOCK_CHECKS"),
    ("server.evaluation.signing", "SEAL_PARTS"),
]


def _all_server_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages([str(SERVER)], prefix="server.")
        if not m.name.endswith("__main__")
    ]


def test_no_module_level_registry_is_left() -> None:
    for module, name in OLD_REGISTRIES:
        assert not hasattr(importlib.import_module(module), name), f"{module}.{name}"


def test_no_module_registers_anything_when_imported() -> None:
    """A bare call or a registering decorator at a module's top level is a side effect of
    importing it (typer's sub-commands and a frozen constant excepted)."""
    allowed = re.compile(r"^(app\.add_typer|_register_sessions|SILENCE\.setflags|_env\.filters)")
    found = []
    for path in sorted(SERVER.rglob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                code = ast.unparse(node)
                if not allowed.match(code):
                    found.append(f"{path.relative_to(SERVER)}:{node.lineno} {code}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for deco in node.decorator_list:
                    if "snapshot_part" in ast.unparse(deco) or "register" in ast.unparse(deco):
                        found.append(f"{path.relative_to(SERVER)}:{node.lineno} @{deco}")
    assert found == []


# `settings.mode`, `app_mode == "production"`, `mode != "test"`, `mode_for("demo")`, …
_ASKS_THE_MODE = re.compile(
    r"""\bsettings\.mode\b|\bapp_mode\b|\bmode\s*[!=]=\s*["'](?:test|demo|production)["']"""
    r"""|["'](?:test|demo|production)["']\s*[!=]=\s*\w*mode\b|\bmode_for\(|noqa: F401"""
)


def test_production_code_never_asks_which_mode_it_runs_in() -> None:
    """What differs between the tests, the demo and production is an explicit setting the
    composition passes (`background_tasks`, `leader_election`, `default_media_mode`), never a
    branch on a run mode."""
    found = [
        f"{path.relative_to(SERVER)}:{n}: {line.strip()}"
        for path in sorted(SERVER.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _ASKS_THE_MODE.search(line)
    ]
    assert found == []
    assert "mode" not in Settings.model_fields  # nothing left to ask


def test_the_app_holds_exactly_what_the_declared_contributions_give(
    settings: Settings, clock: FakeClock
) -> None:
    from server.app import CONTRIBUTIONS, build_context, create_app
    from server.evaluation.deliberation import LOCK_CHECK
    from server.evaluation.signing import SEAL_PART
    from server.exams.timeline_service import TIMELINE_LISTENER
    from server.web.ws_registry import WsCommand

    for name in _all_server_modules():  # importing everything registers nothing
        importlib.import_module(name)

    declared = {t for c in CONTRIBUTIONS for cmd in c.commands for t in cmd.type_names}
    parts = {name for c in CONTRIBUTIONS for name, _ in c.snapshot_parts}
    listeners = [fn for c in CONTRIBUTIONS for fn in c.listeners]
    assert {"chat.send", "call.dial", "evaluation.set_mark"} <= declared and "calls" in parts

    ctx = build_context(settings, clock=clock, pooled=False)
    app = create_app(ctx)
    assert set(app.state.edges.commands) == declared
    assert set(app.state.edges.snapshot_parts) == parts
    events = {e.type_name() for c in CONTRIBUTIONS for e in c.events}
    assert {"call", "chat.message", "snapshot"} <= events
    assert set(app.state.edges.events) == events
    assert list(ctx.wiring.hooks(TIMELINE_LISTENER)) == listeners
    assert all(isinstance(c, WsCommand) for c in app.state.edges.commands.values())

    without_chat = tuple(c for c in CONTRIBUTIONS if c.name != "chat")
    assert len(without_chat) == len(CONTRIBUTIONS) - 1
    ctx2 = build_context(settings, clock=clock, pooled=False)
    app2 = create_app(ctx2, contributions=without_chat)
    assert "chat.send" not in app2.state.edges.commands
    assert "chat" not in app2.state.edges.snapshot_parts
    assert "chat.message" not in app2.state.edges.events
    assert not any(getattr(r, "path", "").startswith("/api/chat") for r in app2.routes)
    assert "chat.send" in app.state.edges.commands  # the first app is untouched

    only_certification_missing = tuple(c for c in CONTRIBUTIONS if c.name != "certification")
    ctx3 = build_context(settings, clock=clock, pooled=False)
    create_app(ctx3, contributions=only_certification_missing)
    assert ctx3.wiring.hooks(LOCK_CHECK) == () and ctx.wiring.hooks(LOCK_CHECK) != ()

    # a script's context (no app) is wired as the app is: a deliberation it locks is checked
    # and sealed with the same parts
    script = build_context(settings, clock=clock, pooled=False)
    assert script.wiring == ctx.wiring and script.wiring.hooks(SEAL_PART) != ()


def test_a_contribution_is_one_frozen_declaration() -> None:
    from server.app import CONTRIBUTIONS

    names = [c.name for c in CONTRIBUTIONS]
    assert len(names) == len(set(names))
    for c in CONTRIBUTIONS:
        assert dataclasses.is_dataclass(c)
        params = type(c).__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen


def test_the_context_services_are_typed() -> None:
    from server.core.context import AppContext

    services = {f.name: f.type for f in dataclasses.fields(AppContext)}["services"]
    assert "dict" not in str(services) and "Any" not in str(services)


def test_no_field_of_the_context_is_typed_any() -> None:
    """A field of an object above the core is opaque there (`object`) and read through its
    package's typed accessor (the packs: `scenarios.catalogue.loaded_packs`), never `Any`."""
    from server.core.context import AppContext

    untyped = [f.name for f in dataclasses.fields(AppContext) if re.search(r"\bAny\b", str(f.type))]
    assert untyped == []


# Hooks that do not fit their point, and hooks that do (the packages' own).
_CONTRIBUTIONS_TO_CHECK = """
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification import service as certification
from server.core.context import AppContext
from server.core.wiring import Binding
from server.evaluation.deliberation import LOCK_CHECK
from server.telephony import call_phase
from server.web.composition import Contribution


async def deaf(ctx: AppContext, candidate_id: str, state: int, facts: list[str]) -> None: ...


async def careless(ctx: AppContext, s: AsyncSession, c: str, v: int, actor: str) -> None: ...


Contribution(name="bad", listeners=(deaf,))  # line 17
Contribution(name="bad", lock_checks=(careless,))  # line 18
Contribution(name="bad", on_elected=(deaf,))  # line 19
Binding(LOCK_CHECK, (certification.seal_part,))  # line 20
Contribution(
    name="good",
    listeners=(call_phase.on_timeline,),
    lock_checks=(certification.on_lock,),
    seal_parts=(certification.seal_part,),
)
Binding(LOCK_CHECK, (certification.on_lock,))
"""


@pytest.mark.xdist_group("mypy")  # after `mypy server` (tests/test_architecture.py): cache warm
def test_mypy_checks_each_contribution_against_the_hook_signatures(tmp_path: Path) -> None:
    """The hook types are the calling packages' own signatures (not `Any`): a contributed hook
    that does not fit its point is a type error, one that fits is not."""
    from server.core.config import PROJECT_ROOT

    program = tmp_path / "contributions_to_check.py"
    program.write_text(_CONTRIBUTIONS_TO_CHECK.lstrip("\n"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", str(program)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = sorted(
        {
            int(m.group(1))
            for m in re.finditer(r"contributions_to_check\.py:(\d+): error", result.stdout, re.M)
        }
    )
    assert lines == [17, 18, 19, 20], result.stdout + result.stderr


# `asyncio.sleep(SOME_CONSTANT)`, or a real sleep converted from the exam clock's time.
_FIXED_OR_EXAM_TIME_SLEEP = re.compile(
    r"asyncio\.sleep\(\s*[A-Z][A-Z0-9_]*\s*\)|asyncio\.sleep\(.*real_seconds|wait_for\(.*real_seconds"
)
# The media plane's own pacing and grace (audio frames, a hang-up's last packets), no loop of
# the app's: the one module allowed a fixed real-time sleep.
_MEDIA_PACING = {"telephony/aiortc_media.py"}


def test_timers_sleep_on_the_clock_or_on_a_setting() -> None:
    """A timer for exam time sleeps on the injected clock (`ctx.clock.sleep`, which a FakeClock
    drives); a transport loop (retry, heartbeat, poll) sleeps in real time for an interval the
    settings give (`PLATEAU_HEARTBEAT_S`, `PLATEAU_REVOCATION_WATCH_S`, …)."""
    found = [
        f"{path.relative_to(SERVER)}:{n}: {line.strip()}"
        for path in sorted(SERVER.rglob("*.py"))
        if str(path.relative_to(SERVER)) not in _MEDIA_PACING
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _FIXED_OR_EXAM_TIME_SLEEP.search(line)
    ]
    assert found == []
    fields = Settings.model_fields
    for name in ("heartbeat_s", "revocation_watch_s", "db_retry_s", "redis_retry_s"):
        assert fields[name].annotation is float, name
    assert {"presence_heartbeat_s", "leader_retry_s", "ws_heartbeat_s"} <= set(fields)


def test_a_transport_interval_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATEAU_REVOCATION_WATCH_S", "0.25")
    assert Settings().revocation_watch_s == 0.25
    monkeypatch.setenv("PLATEAU_HEARTBEAT_S", "9")  # past the outage's grace: refused
    with pytest.raises(ValueError, match="heartbeat_s"):
        Settings()
