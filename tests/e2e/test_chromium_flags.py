"""The tests' Chromium runs with the features Playwright turns off for stable tests still off:
Chromium honours only the *last* `--disable-features` of its command line (values are not
merged: browserless/browserless#5450, puppeteer/puppeteer#10887), and Playwright puts its own
list first, so a flag of ours alone would turn Playwright's features back on. Read from real
browsers (their browser process's /proc/<pid>/cmdline, the pid from the DevTools protocol: the
headless shell has no `chrome://version`): one as Playwright launches it, one as the tests do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import CHROMIUM, _launch


def _disabled_features(browser: Any) -> list[set[str]]:
    cdp = browser.new_browser_cdp_session()
    try:
        processes = cdp.send("SystemInfo.getProcessInfo")["processInfo"]
    finally:
        cdp.detach()
    (pid,) = [p["id"] for p in processes if p["type"] == "browser"]
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    prefix = "--disable-features="
    return [set(arg.removeprefix(prefix).split(",")) for arg in arguments if arg.startswith(prefix)]


def test_the_tests_chromium_keeps_playwrights_disabled_features_and_adds_ours(
    playwright_instance: Any,
) -> None:
    plain = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
    )
    try:
        playwrights = _disabled_features(plain)[-1]
    finally:
        plain.close()
    ours = _launch(playwright_instance)
    try:
        honoured = _disabled_features(ours)[-1]  # the last one: the one Chromium uses
    finally:
        ours.close()
    assert "OptimizationHints" in playwrights  # what Playwright turns off was read
    assert playwrights <= honoured, f"turned back on: {sorted(playwrights - honoured)}"
    assert "WebRtcHideLocalIpsWithMdns" in honoured  # ours: real host candidates for aiortc
