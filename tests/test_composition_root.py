"""One composition root (issue 19): each package declares what it contributes as one object,
`server/app.py` assembles them; nothing is registered by the side effect of importing a module,
and no production code asks whether it runs under the tests."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path

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


def test_production_code_never_asks_whether_it_runs_under_the_tests() -> None:
    asks = re.compile(r"""mode\s*[!=]=\s*["']test["']|noqa: F401""")
    found = [
        f"{path.relative_to(SERVER)}:{n}: {line.strip()}"
        for path in sorted(SERVER.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if asks.search(line)
    ]
    assert found == []


def test_the_app_holds_exactly_what_the_declared_contributions_give(
    settings: Settings, clock: FakeClock
) -> None:
    from server.app import CONTRIBUTIONS, build_context, create_app
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
    assert list(ctx.wiring.timeline_listeners) == listeners
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
    assert ctx3.wiring.lock_checks == () and ctx.wiring.lock_checks != ()

    # a script's context (no app) is wired as the app is: a deliberation it locks is checked
    # and sealed with the same parts
    script = build_context(settings, clock=clock, pooled=False)
    assert script.wiring == ctx.wiring and script.wiring.seal_parts != ()


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
