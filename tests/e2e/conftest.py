"""Browser tests: the real app served by uvicorn on a loopback port (its own thread and event
loop, a migrated temp SQLite database, the real clock so the timeline scheduler runs), driven
by Debian's Chromium through Playwright's sync API (never `playwright install`).

Reuse:
    def test_x(live_server, page):            # live_server: a LiveServer, seeded (ExamDay)
        sign_in_with_code(page, live_server.day.codes["proctor"], home="/surveillance")
        live_server.call(some_async_fn, live_server.ctx, ...)   # runs on the server's loop
        screenshot(page, "proctor")            # -> test-artifacts/proctor.png
    make_server(scenarios_dir=..., seed=False) # another server (e.g. shortened formats)
    def test_y(static_server, browser):      # pure ES modules: one unseeded server per module
    launch_browser(fake_audio=Path("tone.wav"))  # a browser with a fake microphone file

One Playwright driver and one Chromium per xdist worker, for the whole session (`browser`):
each test's pages live in browser contexts of their own (`new_page`), all closed when the test
ends, before its servers stop. Each test has its own server(s) and database (a copy of the
migrated template). A browser with other flags comes from `launch_browser`.

The browser is Debian's `chromium-headless-shell` (Chromium's old headless mode, the one
Playwright runs by default for headless tests: the same engine, WebRTC and fake devices, without
the full browser's window machinery): half the CPU of `/usr/bin/chromium --headless`, which cost
half the suite's (benchmarks/results/e2e_cpu.md). `PLATEAU_TEST_CHROMIUM=/usr/bin/chromium` runs
them in the full browser. Without the browser (or Playwright) the tests skip with the reason,
unless CI=true: then they fail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from datetime import time as day_time
from pathlib import Path
from typing import Any, TypeVar

import pytest

from server.app import build_context, create_app
from server.core.config import PROJECT_ROOT, Settings
from server.core.context import AppContext
from server.core.identity import Capacity
from server.exams import outages, setup
from server.exams.models import ExamSession
from server.telephony.media_events import media
from server.telephony.ports import PeerRole
from server.telephony.probe import ProbePeer, tone_signal
from tests.conftest import MigratedTemplates
from tests.harness import ORGANISER_PASSWORD, ExamDay, seed_exam_day
from tests.jump_clock import JumpClock

CHROMIUM = Path(
    os.environ.get("PLATEAU_TEST_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
)  # /usr/bin/chromium-headless-shell is a shell script that starts it and stays beside it
FULL_CHROMIUM = Path("/usr/bin/chromium")  # the jurors' browser: what the benchmarks measure
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
VIEWPORT = {"width": 1366, "height": 768}
# How long a browser action, wait or assertion may take before the test fails: long, as the
# suite must pass beside two busy CPU loops; a test that passes never waits for it.
WAIT_MS = 30_000
# Chromium honours only the last `--disable-features` of its command line, and Playwright puts
# its own first: ours carries Playwright's list (the features it turns off for stable tests,
# as its driver passes them) and then ours. `test_chromium_flags.py` fails when Playwright's
# list changes.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
OUR_DISABLED_FEATURES = ("WebRtcHideLocalIpsWithMdns",)  # real host candidates for aiortc
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-background-networking",
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *OUR_DISABLED_FEATURES)),
]
ORGANISER_USERNAME = "orga"
T = TypeVar("T")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


# ---- the server -------------------------------------------------------------------------


class LiveServer:
    """The app under uvicorn in a background thread; `call` runs coroutines on its loop."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        self.settings = settings
        self.clock = JumpClock()  # real time, moved forward by `jump`
        self.ctx: AppContext = build_context(settings, clock=self.clock)
        self.day: ExamDay | None = None
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.ctx),
            log_level="warning",
            access_log=False,
            loop="asyncio",
            ws="websockets-sansio",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="e2e-uvicorn", daemon=True)
        self._crash: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.server.serve(sockets=[self._sock]))
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self._crash = exc

    def start(self, timeout: float = 120.0) -> None:  # generous: a loaded machine (issue 15)
        self.thread.start()
        limit = time.monotonic() + timeout
        while not self.server.started:
            if self._crash is not None or not self.thread.is_alive():
                raise RuntimeError(f"the server did not start: {self._crash!r}")
            if time.monotonic() > limit:
                raise RuntimeError("the server did not start in time")
            time.sleep(0.05)

    def call(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
        """Runs `await fn(*args, **kwargs)` on the server's event loop and returns its result."""
        return asyncio.run_coroutine_threadsafe(fn(*args, **kwargs), self.loop).result(30)

    def jump(self, seconds: float) -> None:
        """Moves the server's clock `seconds` forward: a deadline comes now, not after a wait
        (the scheduler sleeping for it wakes; the pages re-anchor their countdowns on the next
        time sample of their socket). The jump is exam time that passed with the server up: the
        heart that measures outages is replaced by one beating from after the jump (the old
        one's next beat saw the jump as an outage and gave it back to the candidates)."""

        async def move() -> None:
            heart = self.ctx.services.heartbeat
            if heart is not None:
                await heart.stop()  # no beat half-way across the jump
            self.clock.jump(seconds)
            if heart is not None:
                self.ctx.services.heartbeat = fresh = outages.Heart(self.ctx)
                fresh.start()

        self.call(move)

    def stop(self, timeout: float = 120.0) -> None:  # generous: a loaded machine
        """Stops the server and closes its loop. A loop left open (its thread still busy) would
        be collected in a later test and fail it on its ResourceWarnings (tests/loop_leaks.py):
        uvicorn is told to give up on open connections if a graceful stop does not end."""
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout)
        self._sock.close()
        if self.thread.is_alive():
            raise RuntimeError("the server's thread did not stop: its event loop stays open")
        self.loop.close()


def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


async def seed_today(
    ctx: AppContext, *, format_id: str = "titre", pack_id: str | None = None
) -> ExamDay:
    """tests.harness's standard exam day (organiser `orga`, two candidates with their jury, a
    proctor), moved to today so its access codes are valid under the real clock."""
    day = await seed_exam_day(ctx, format_id=format_id, pack_id=pack_id)
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


def write_scenarios(target: Path, *, preparation_minutes: int) -> Path:
    """A copy of scenarios/titles/ whose CRCD `titre` format has a shortened preparation (the
    referential takes whole minutes), and an empty packs/ folder."""
    titles = target / "titles"
    titles.mkdir(parents=True)
    (target / "packs").mkdir()
    for src in (PROJECT_ROOT / "scenarios" / "titles").glob("*.yaml"):
        (titles / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    crcd = titles / "crcd.yaml"
    text = crcd.read_text(encoding="utf-8")
    old_phase, old_total = "- {kind: preparation, minutes: 60}", "total_minutes: 240"
    assert text.count(old_phase) == 1 and text.count(old_total) == 1, "crcd.yaml changed shape"
    text = text.replace(old_phase, f"- {{kind: preparation, minutes: {preparation_minutes}}}")
    text = text.replace(old_total, f"total_minutes: {240 - 60 + preparation_minutes}")
    crcd.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def make_server(
    tmp_path: Path, migrated_templates: MigratedTemplates
) -> Iterator[Callable[..., LiveServer]]:
    """Starts servers on fresh migrated databases; all are stopped after the test, once the
    test's pages are closed."""
    started: list[LiveServer] = []

    def make(
        *,
        scenarios_dir: Path | None = None,
        seed: bool = True,
        format_id: str = "titre",
        pack_id: str | None = None,
    ) -> LiveServer:
        data = tmp_path / f"server{len(started)}"
        url = f"sqlite+aiosqlite:///{data / 'plateau.db'}"
        # Alembic runs its own loop (for the template); Playwright's may be running here.
        _in_thread(migrated_templates.sqlite_copy, data / "plateau.db")
        settings = Settings(
            background_tasks=True,  # the timeline scheduler runs on the real clock
            database_url=url,
            secret_key=secrets.token_urlsafe(48),
            data_dir=data,
            recordings_dir=data / "recordings",
            scenarios_dir=scenarios_dir or PROJECT_ROOT / "scenarios",
        )
        server = LiveServer(settings)
        started.append(server)
        server.start()
        if seed:
            server.day = server.call(seed_today, server.ctx, format_id=format_id, pack_id=pack_id)
        return server

    yield make
    _BROWSERS.close_pages()  # before the servers stop: no page reconnects to a server stopping
    for server in reversed(started):
        server.stop()


@pytest.fixture
def live_server(make_server: Callable[..., LiveServer]) -> LiveServer:
    return make_server()


@pytest.fixture(scope="module")
def static_server(
    tmp_path_factory: pytest.TempPathFactory, migrated_templates: MigratedTemplates
) -> Iterator[LiveServer]:
    """One server, unseeded, for a whole module whose tests only load the static ES modules
    (pure functions, elements fed by the test) from the server's origin and write nothing to
    it: no server start, database copy and seeding per test. Each test still has its own
    browser context (`new_page`), closed when it ends; the server stops after the module."""
    data = tmp_path_factory.mktemp("static-server")
    _in_thread(migrated_templates.sqlite_copy, data / "plateau.db")
    server = LiveServer(
        Settings(
            background_tasks=False,  # nothing is scheduled: no exam in this database
            database_url=f"sqlite+aiosqlite:///{data / 'plateau.db'}",
            secret_key=secrets.token_urlsafe(48),
            data_dir=data,
            recordings_dir=data / "recordings",
            scenarios_dir=PROJECT_ROOT / "scenarios",
        )
    )
    server.start()
    yield server
    server.stop()


# ---- the browser ------------------------------------------------------------------------


class _Browsers:
    """This worker's Playwright (its driver) and shared Chromium, started once for the whole
    session (`browser`), plus the browsers the tests launch of their own (`launch_browser`).

    While Playwright's sync API is up, its event loop counts as running in this thread
    (`asyncio._set_running_loop`, after every call): `asyncio.run` and Alembic would fail in
    the other packages' tests that this worker runs between ours. So the loop is marked running
    only during a browser test (`_playwright_loop`, autouse) and parked after it."""

    def __init__(self) -> None:
        self.manager: Any = None
        self.pw: Any = None
        self.shared: Any = None
        self.launched: list[Any] = []

    def resume(self) -> None:
        if self.pw is not None:
            asyncio._set_running_loop(self.pw._loop)

    def park(self) -> None:
        if self.pw is not None:
            asyncio._set_running_loop(None)

    def playwright(self) -> Any:
        if self.pw is None:
            if not CHROMIUM.exists():
                _unavailable(f"{CHROMIUM} absent (apt-get install chromium-headless-shell)")
            try:
                from playwright.sync_api import expect, sync_playwright
            except ImportError:
                _unavailable("Playwright n'est pas installé (pip install -e '.[test]')")
            # CI shares two cores with the server, the bots and Chromium, and the suite must
            # pass beside two busy CPU loops: assertions wait far longer than Playwright's 5 s
            # default before they fail (they pass as soon as the page is right).
            expect.set_options(timeout=WAIT_MS)
            self.manager = sync_playwright()
            self.pw = self.manager.start()
        return self.pw

    def browser(self) -> Any:
        """The shared browser, launched again if an earlier test lost it."""
        if self.shared is None or not self.shared.is_connected():
            self.shared = _launch(self.playwright())
        return self.shared

    def close_pages(self) -> None:
        """Closes every context left open (each test's pages end with it, and a page whose
        server has stopped does not go on reconnecting beside the next tests)."""
        for b in [self.shared, *self.launched]:
            if b is not None and b.is_connected():
                for context in b.contexts:
                    context.close()

    def stop(self) -> None:
        if self.pw is None:
            return
        self.resume()
        try:
            if self.shared is not None and self.shared.is_connected():
                self.shared.close()
        finally:
            self.manager.__exit__(None, None, None)
            self.pw = self.manager = self.shared = None


_BROWSERS = _Browsers()


@pytest.fixture(scope="session")
def _browsers() -> Iterator[_Browsers]:
    # Playwright starts here: its loop belongs to a session fixture (tests/loop_leaks.py).
    _BROWSERS.playwright()
    yield _BROWSERS
    _BROWSERS.stop()


@pytest.fixture(autouse=True)
def _playwright_loop(_browsers: _Browsers) -> Iterator[None]:
    """Set up before, torn down after every other fixture of a browser test: Playwright's loop
    runs during the test; after it, the test's pages are closed and the loop is parked."""
    _browsers.resume()
    yield
    _browsers.resume()
    try:
        _browsers.close_pages()
    finally:
        _browsers.park()


@pytest.fixture
def playwright_instance(_browsers: _Browsers) -> Any:
    return _browsers.playwright()


def _launch(pw: Any, fake_audio: Path | None = None) -> Any:
    args = list(CHROMIUM_FLAGS)
    if fake_audio is not None:
        args.append(f"--use-file-for-fake-audio-capture={fake_audio}")
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)


@pytest.fixture
def browser(_browsers: _Browsers) -> Any:
    """This worker's Chromium, shared by its browser tests: each test's pages live in contexts
    of their own (`new_page`: own cookies and storage), all closed when the test ends."""
    return _browsers.browser()


@pytest.fixture
def launch_browser(_browsers: _Browsers) -> Iterator[Callable[..., Any]]:
    """A browser of its own, e.g. with a fake microphone: launch_browser(fake_audio=wav)."""
    launched: list[Any] = []

    def launch(*, fake_audio: Path | None = None) -> Any:
        b = _launch(_browsers.playwright(), fake_audio)
        launched.append(b)
        _browsers.launched.append(b)
        return b

    yield launch
    for b in launched:
        _browsers.launched.remove(b)
        b.close()


def new_page(browser: Any, server: LiveServer, *, enforce_csp: bool = False) -> Any:
    """A fresh context (own cookies) at 1366×768, French, with the server as base URL.
    The server's Content-Security-Policy forbids evaluated and inline scripts, which
    Playwright's `wait_for_function` and test documents use: it is bypassed unless
    `enforce_csp` (tests/e2e/test_content_security_policy.py runs every page under it)."""
    context = browser.new_context(
        base_url=server.url,
        viewport=VIEWPORT,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        bypass_csp=not enforce_csp,
    )
    # Actions, waits and page loads (the sign-in's redirect took more than 10 s beside busy
    # CPUs, load ~13 on two cores) fail only after WAIT_MS; they go on as soon as they can.
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    return page


@pytest.fixture
def page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    p = new_page(browser, live_server)
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        screenshot(p, f"{request.node.name}-failure")
    p.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# ---- helpers ----------------------------------------------------------------------------


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def http(page: Any, method: str, url: str, body: Any = None) -> Any:
    """A JSON request from the signed-in page (its cookie and CSRF token): {status, body}."""
    return page.evaluate(
        """async ([method, url, body]) => {
            const csrf = decodeURIComponent((document.cookie.match(/plateau_csrf=([^;]+)/) || [])[1] || "");
            const res = await fetch(url, {
                method, credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                body: body === null ? undefined : JSON.stringify(body),
            });
            return { status: res.status, body: await res.json().catch(() => null) };
        }""",
        [method, url, body],
    )


async def attach_client_probe(ctx: AppContext, candidate_id: str) -> ProbePeer:
    """A server-side probe playing the client juror (440 Hz bursts) in the candidate's room."""
    probe = ProbePeer(signal=tone_signal(440.0, 0.3))
    answer = await media(ctx).attach_peer(candidate_id, PeerRole.CLIENT, await probe.offer())
    await probe.accept(answer)
    return probe


async def _close(probe: ProbePeer) -> None:
    await probe.close()


@pytest.fixture
def client_voice(server: LiveServer) -> Iterator[ProbePeer]:
    """The client juror's audio: a test peer playing 440 Hz into candidate A's room (the test
    module defines `server`)."""
    assert server.day is not None
    probe = server.call(attach_client_probe, server.ctx, server.day.ids["cand_a"])
    yield probe
    server.call(_close, probe)


def open_test_document(page: Any, html: str, script: str) -> None:
    """Our test document (`html`, then the module `script`, which sets body[data-ready]) on
    the server's own origin: a page fulfilled by Playwright would count as a public address
    and Chromium would block its socket to 127.0.0.1."""
    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    page.goto("/api/health")
    page.evaluate("(html) => { document.documentElement.innerHTML = html; }", html)
    page.add_script_tag(type="module", content=script)
    try:
        page.wait_for_selector("body[data-ready='true']", state="attached")
    except Exception:
        raise AssertionError(f"the test page did not start: {logs} {page.console_errors}") from None


async def observe_also(ctx: AppContext, juror_id: str, candidate_id: str) -> None:
    """The juror observes another candidate too (beside that candidate's own observer)."""
    async with ctx.db.session() as s:
        cand = await s.get(setup.Candidate, candidate_id)
        assert cand is not None
        await setup.assign_juror(
            s,
            candidate=cand,
            juror_id=juror_id,
            capacity=Capacity.OBSERVER,
            actor="test",
            clock=ctx.clock,
        )
        await s.commit()


def sign_in_with_code(page: Any, code: str, *, home: str) -> None:
    """Signs in with the access code through the sign-in API, as the sign-in page does (the
    page's context keeps the cookies), and opens the role's home page. The sign-in page itself
    is tested by tests/e2e/test_login_page.py; loading it before each test's pages cost ~10 %
    of their CPU (benchmarks/results/suite_durations.md)."""
    _sign_in_through_the_api(page, "/api/auth/code", {"code": code})
    page.wait_for_url(f"**{home}*")


def sign_in_with_password(
    page: Any, username: str = ORGANISER_USERNAME, password: str = ORGANISER_PASSWORD
) -> None:
    """Signs the organiser in (the seeded account by default) through the sign-in API, as the
    sign-in page does, and opens /organisation (the page itself: tests/e2e/test_login_page.py)."""
    _sign_in_through_the_api(
        page, "/api/auth/password", {"username": username, "password": password}
    )
    page.wait_for_url("**/organisation*")


def _sign_in_through_the_api(page: Any, path: str, body: dict[str, str]) -> None:
    """What the sign-in page's script does: the sign-in request from the page's own context
    (which keeps the cookies), then the home page the answer names."""
    answer = page.request.post(path, data=body)
    assert answer.ok, f"sign-in refused: {answer.status} {answer.text()}"
    page.goto(answer.json()["home"])
