"""The sign-in limit counts failures, not successes; forwarded headers are believed only from
the proxies the centre listed; the organiser's password never travels in clear on a network."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from server.core.addresses import parse_networks, resolve_peer
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import setup
from server.exams.models import ExamSession
from tests.harness import ORGANISER_PASSWORD, Harness, running_app

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres

CLASSROOM = ("192.168.10.20", 50000)  # one NAT address for a whole room of workstations


def _client(h: Harness, address: tuple[str, int] = CLASSROOM, https: bool = False) -> TestClient:
    base = "https://testserver" if https else "http://testserver"
    return TestClient(h.client.app, base_url=base, client=address)


def _add_candidates(h: Harness, n: int) -> list[str]:
    async def add() -> list[str]:
        codes = []
        async with h.ctx.db.session() as s:
            exam = await s.get(ExamSession, h.day.session_id)
            assert exam is not None
            for i in range(n):
                _, code = await setup.add_candidate(
                    s,
                    exam=exam,
                    last_name=f"Élève{i}",
                    first_name="Classe",
                    pathway=setup.Pathway.FORMATION_CONTINUE,
                    secret=h.ctx.settings.secret_key,
                    actor="test",
                    clock=h.ctx.clock,
                )
                codes.append(code)
            await s.commit()
        return codes

    return h.call(add)


def test_a_classroom_behind_one_address_signs_in_without_refusals(
    settings: Settings, clock: FakeClock
) -> None:
    """13 candidates from one address (more than the 10 attempts a minute), a few typos."""
    with running_app(settings, clock) as h:
        codes = _add_candidates(h, 13)
        statuses = []
        for i, code in enumerate(codes):
            if i % 4 == 0:  # a typo first, then the right code
                typo = _client(h).post("/api/auth/code", json={"code": "AAAA-BBBB-CCCC-DDDD"})
                statuses.append(typo.status_code)
            statuses.append(_client(h).post("/api/auth/code", json={"code": code}).status_code)
        assert statuses.count(200) == 13 and 429 not in statuses
        # …while ten failures from the address still close it for a minute.
        for _ in range(10 - statuses.count(401)):
            _client(h).post("/api/auth/code", json={"code": "AAAA-BBBB-CCCC-DDDD"})
        assert _client(h).post("/api/auth/code", json={"code": codes[0]}).status_code == 429


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(
    settings: Settings, clock: FakeClock
) -> None:
    """A guesser cannot escape the per-address limit by inventing X-Forwarded-For."""
    with running_app(settings, clock) as h:
        statuses = [
            _client(h, ("203.0.113.9", 4000))
            .post(
                "/api/auth/code",
                json={"code": f"AAAA-BBBB-CCCC-{i:04d}"},
                headers={"X-Forwarded-For": f"10.1.2.{i}"},
            )
            .status_code
            for i in range(11)
        ]
        assert statuses == [401] * 10 + [429]


def test_a_trusted_proxy_forwards_each_client_address(settings: Settings, clock: FakeClock) -> None:
    """Behind the centre's reverse proxy (PLATEAU_TRUSTED_PROXIES) each workstation has its
    own window, and what the audit log records is the workstation's address."""
    trusted = settings.model_copy(update={"trusted_proxies": "10.9.0.0/24, ::1"})
    with running_app(trusted, clock) as h:
        proxy = ("10.9.0.2", 4000)
        for i in range(11):
            r = _client(h, proxy).post(
                "/api/auth/code",
                json={"code": f"AAAA-BBBB-CCCC-{i:04d}"},
                headers={"X-Forwarded-For": f"172.16.5.{i}"},
            )
            assert r.status_code == 401, (i, r.status_code)
        # One workstation failing ten times is limited, the others are not.
        one = {"X-Forwarded-For": "172.16.5.200"}
        for i in range(10):
            _client(h, proxy).post(
                "/api/auth/code", json={"code": f"BBBB-BBBB-CCCC-{i:04d}"}, headers=one
            )
        code = h.day.codes["cand_a"]
        assert (
            _client(h, proxy).post("/api/auth/code", json={"code": code}, headers=one).status_code
            == 429
        )
        ok = _client(h, proxy).post(
            "/api/auth/code", json={"code": code}, headers={"X-Forwarded-For": "172.16.5.201"}
        )
        assert ok.status_code == 200


def test_forwarded_headers_walk_back_through_trusted_hops_only() -> None:
    proxies = parse_networks(["10.9.0.0/24"])
    headers = {"x-forwarded-for": "1.2.3.4, 172.16.0.7, 10.9.0.5", "x-forwarded-proto": "https"}
    peer = resolve_peer("10.9.0.2", "http", headers, proxies)
    assert (peer.address, peer.scheme) == ("172.16.0.7", "https")  # 1.2.3.4: client's own claim
    untrusted = resolve_peer("172.16.0.9", "http", headers, proxies)
    assert (untrusted.address, untrusted.scheme) == ("172.16.0.9", "http")


def test_the_password_is_refused_over_plain_http_from_the_network(
    settings: Settings, clock: FakeClock
) -> None:
    login = {"username": "orga", "password": ORGANISER_PASSWORD}
    with running_app(settings, clock) as h:
        refused = _client(h, ("192.168.1.30", 5000)).post("/api/auth/password", json=login)
        assert refused.status_code == 403
        assert "en clair" in refused.json()["detail"] and "HTTPS" in refused.json()["detail"]
        assert "set-cookie" not in refused.headers
        over_tls = _client(h, ("192.168.1.30", 5000), https=True)
        assert over_tls.post("/api/auth/password", json=login).status_code == 200
        local = _client(h, ("127.0.0.1", 5000)).post("/api/auth/password", json=login)
        assert local.status_code == 200
        # An untrusted peer claiming HTTPS through a header is still plain HTTP.
        claimed = _client(h, ("192.168.1.30", 5000)).post(
            "/api/auth/password", json=login, headers={"X-Forwarded-Proto": "https"}
        )
        assert claimed.status_code == 403


def test_the_password_passes_through_a_trusted_tls_proxy(
    settings: Settings, clock: FakeClock
) -> None:
    trusted = settings.model_copy(update={"trusted_proxies": "10.9.0.2"})
    login = {"username": "orga", "password": ORGANISER_PASSWORD}
    with running_app(trusted, clock) as h:
        r = _client(h, ("10.9.0.2", 4000)).post(
            "/api/auth/password",
            json=login,
            headers={"X-Forwarded-For": "192.168.1.30", "X-Forwarded-Proto": "https"},
        )
        assert r.status_code == 200
        assert "Secure" in r.headers["set-cookie"]
