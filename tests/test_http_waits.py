"""`wait_answering` asks through one client until the answer is the awaited one, checks the
process before each try and says what it waited for when the time runs out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.http_waits import clients_made, wait_answering


class _Handler(BaseHTTPRequestHandler):
    asked = 0

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).asked += 1
        self.send_response(200 if type(self).asked >= 3 else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.asked = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/health"
    httpd.shutdown()
    httpd.server_close()


def test_it_waits_through_one_client_for_the_awaited_answer(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = clients_made(monkeypatch)
    checks: list[int] = []
    response = wait_answering(
        server,
        ready=lambda r: r.status_code == 200,
        alive=lambda: checks.append(1),
        what=lambda: "the health route",
        timeout_s=60,
        every_s=0.01,
    )
    assert response.status_code == 200
    assert _Handler.asked == 3 and len(checks) == 3
    assert len(made) == 1


def test_a_dead_process_fails_the_wait_at_once(server: str) -> None:
    def dead() -> None:
        raise AssertionError("the server exited: its log")

    with pytest.raises(AssertionError, match="its log"):
        wait_answering(server, ready=lambda r: True, alive=dead, what=str, timeout_s=60)
    assert _Handler.asked == 0


def test_the_time_running_out_says_what_was_awaited(server: str) -> None:
    with pytest.raises(AssertionError, match="still waiting after 0 s for: the demo's log"):
        wait_answering(
            server,
            ready=lambda r: False,
            alive=lambda: None,
            what=lambda: "the demo's log",
            timeout_s=0.05,
            every_s=0.01,
        )
