"""What no route model sees: the path, the query string, the body's size."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.web.input_edge import MAX_BODY_BYTES
from tests.harness import running_app

# PostgreSQL as well as SQLite: hostile text the database itself may refuse (NUL, sizes)
pytestmark = pytest.mark.postgres


def test_controls_in_the_address_and_oversized_bodies_are_refused_in_french(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        c = h.login("organiser")
        persons = "/api/persons"
        assert c.get(persons, params={"q": "Durand"}).status_code == 200
        for q in ("a\x00b", "\u202egnp", "a\x85", "x" * 5000):
            r = c.get(persons, params={"q": q})
            assert r.status_code == 400, (q[:10], r.status_code)
            assert r.json()["detail"].startswith("Adresse refusée"), r.text
        assert c.get("/api/sessions/%00").status_code == 400
        long_q = c.get(persons, params={"q": "x" * 300})  # the model's bound
        assert long_q.status_code == 422 and "au plus 200" in long_q.json()["detail"]
        big = c.post(
            "/api/sessions",
            content=b'{"centre": "' + b"x" * MAX_BODY_BYTES + b'"}',
            headers={"Content-Type": "application/json"},
        )
        assert big.status_code == 413 and "volumineuse" in big.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
            yield b'{"centre": "'
            for _ in range(20):
                yield b"x" * (MAX_BODY_BYTES // 10)
            yield b'"}'

        streamed = c.post(
            "/api/sessions", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413, streamed.text[:200]
        assert "volumineuse" in streamed.json()["detail"]
        for body in (
            b'{"centre": "\xff\xfe"}',
            b'{"centre": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        ):
            unreadable = c.post(
                "/api/sessions", content=body, headers={"Content-Type": "application/json"}
            )
            assert unreadable.status_code in (400, 422), unreadable.text[:200]
            assert unreadable.json()["detail"].startswith(("Corps", "Requête", "Champ")), (
                unreadable.text[:200]
            )
