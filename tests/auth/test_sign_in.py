from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import access_code, code_digest, normalise_code
from tests.harness import running_app


def test_access_codes_are_long_derived_and_typo_tolerant() -> None:
    code = access_code("s" * 40, "abc", 1)
    assert len(normalise_code(code)) == 16  # 80 bits
    assert code != access_code("s" * 40, "abc", 2) != access_code("t" * 40, "abc", 1)
    assert code_digest(code.lower().replace("-", " ")) == code_digest(code)


def test_code_sign_in_sets_httponly_cookie_and_me(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        r = h.client.post("/api/auth/code", json={"code": h.day.codes["cand_a"]})
        assert r.status_code == 200
        body = r.json()
        assert body["role"] == "candidate" and body["home"] == "/candidat"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert h.client.get("/api/auth/me").json()["subject_id"] == h.day.ids["cand_a"]


def test_wrong_code_and_password_are_refused(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        assert (
            h.client.post("/api/auth/code", json={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 401
        )
        r = h.client.post("/api/auth/password", json={"username": "orga", "password": "faux"})
        assert r.status_code == 401
        assert h.client.get("/api/auth/me").status_code == 401


def test_sign_in_attempts_are_rate_limited_per_address(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        statuses = [
            h.client.post("/api/auth/code", json={"code": f"AAAA-BBBB-CCCC-{i:04d}"}).status_code
            for i in range(12)
        ]
        assert statuses[:10] == [401] * 10
        assert statuses[10:] == [429, 429]
        # Even the right code is refused while the address is over its limit...
        assert (
            h.client.post("/api/auth/code", json={"code": h.day.codes["cand_a"]}).status_code == 429
        )
        clock.advance(timedelta(minutes=2))  # ...and accepted once the window has passed.
        assert (
            h.client.post("/api/auth/code", json={"code": h.day.codes["cand_a"]}).status_code == 200
        )


def test_one_code_or_one_account_tried_from_many_addresses_is_rate_limited(
    settings: Settings, clock: FakeClock
) -> None:
    """Spreading the guesses of one code (or one organiser's password) over many machines does
    not get round the limit: each code and each account has its own window."""
    with running_app(settings, clock) as h:

        def from_address(i: int) -> TestClient:  # (HTTPS: a password never goes in clear)
            return TestClient(
                h.client.app, base_url="https://testserver", client=(f"10.0.0.{i}", 50000)
            )

        code = h.day.codes["cand_a"]
        # (a last character that normalises differently: "0" would read as "O")
        wrong = code[:-1] + ("A" if normalise_code(code)[-1] != "A" else "B")
        statuses = [
            from_address(i).post("/api/auth/code", json={"code": wrong}).status_code
            for i in range(11)
        ]
        assert statuses == [401] * 10 + [429]
        # Another code from a fresh address is not affected; the guessed one is, for a minute.
        assert from_address(50).post("/api/auth/code", json={"code": code}).status_code == 200
        assert from_address(51).post("/api/auth/code", json={"code": wrong}).status_code == 429

        guesses = [
            from_address(100 + i)
            .post("/api/auth/password", json={"username": "Orga ", "password": f"faux{i}"})
            .status_code
            for i in range(11)
        ]
        assert guesses == [401] * 10 + [429]  # the name is normalised: one account, one window
        clock.advance(timedelta(minutes=2))
        assert from_address(200).post("/api/auth/code", json={"code": wrong}).status_code == 401


def test_codes_expire_with_their_session(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("cand_a")
        clock.advance(timedelta(days=3))  # the session was on 2026-06-01
        assert h.client.get("/api/auth/me").status_code == 401
        h.client.cookies.clear()
        r = h.client.post("/api/auth/code", json={"code": h.day.codes["cand_b"]})
        assert r.status_code == 401 and "expiré" in r.json()["detail"]


def test_changes_need_the_csrf_token(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("cand_a")
        del h.client.headers["X-CSRF-Token"]
        assert h.client.post("/api/auth/logout").status_code == 403
        h.client.headers["X-CSRF-Token"] = "forged"
        assert h.client.post("/api/auth/logout").status_code == 403


def test_tampered_token_is_refused(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        h.login("cand_a")
        token = h.client.cookies["plateau_session"]
        payload, timestamp, signature = token.rsplit(".", 2)
        forged = f"{payload}.{timestamp}.{signature[::-1]}"
        h.client.cookies.clear()
        h.client.cookies.set("plateau_session", forged)
        assert h.client.get("/api/auth/me").status_code == 401
