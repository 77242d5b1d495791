"""The browser code (softphone_web/js) checked like the server code, in the test run: ESLint,
`tsc --checkJs --noEmit` on its JSDoc types and node's test runner on its pure modules
(tests/js/*.test.js). The tools are npm devDependencies (package.json, package-lock.json): the
first run installs them with `npm ci`. The pages themselves have no build step."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from server.core.config import PROJECT_ROOT

NPM_TIMEOUT_S = 900  # npm ci and tsc on a loaded 2-core machine
# One worker runs the three (tests/conftest.py): two `npm ci` at once would race in node_modules.
pytestmark = pytest.mark.xdist_group("node_tools")


def _npm(*args: str) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    assert npm
    return subprocess.run(
        [npm, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=NPM_TIMEOUT_S,
        env={
            **os.environ,
            "NO_UPDATE_NOTIFIER": "1",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
        },
    )


@pytest.fixture(scope="module")
def node_tools() -> None:
    """node and npm present, and the devDependencies installed (npm ci without node_modules)."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {' and '.join(missing)} not installed (.ci/run installs them)")
        pytest.skip(f"browser code not checked: {' and '.join(missing)} not installed")
    if not (PROJECT_ROOT / "node_modules" / ".package-lock.json").exists():
        result = _npm("ci")
        assert result.returncode == 0, "npm ci failed:\n" + result.stdout + result.stderr


@pytest.mark.parametrize("script", ["lint", "typecheck", "test"])
def test_browser_code(node_tools: None, script: str) -> None:
    result = _npm("run", "--silent", script)
    assert result.returncode == 0, f"npm run {script} failed:\n" + result.stdout + result.stderr
