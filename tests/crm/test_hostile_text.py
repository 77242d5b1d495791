"""One bad character typed by one candidate never breaks the jury's console or the evidence:
refused at the edge (French message, nothing stored), and the readers stay up."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.referential import PhaseKind
from tests.crm.test_crm import PACK, _advance_to, _start
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: hostile text the database itself may refuse (NUL, sizes)
pytestmark = pytest.mark.postgres

RECORD = "JDL-10051"


def _raw(client: Any, method: str, url: str, text: str) -> Any:
    """Sends `text` as the JSON body byte for byte (a lone surrogate is a legal JSON escape)."""
    return client.request(
        method, url, content=text.encode(), headers={"Content-Type": "application/json"}
    )


def _readers_work(h: Harness, cid: str) -> None:
    """The candidate's list, the jury's log, both archives and the client juror's socket."""
    crm = f"/api/candidates/{cid}/crm"
    c = h.login("cand_a")
    assert c.get(f"{crm}/records").status_code == 200
    assert c.get(f"{crm}/records/{RECORD}").status_code == 200
    h.login("observer_a")
    assert h.client.get(f"{crm}/changes").status_code == 200
    assert h.client.get(f"/api/candidates/{cid}/documents/archive.zip").status_code == 200
    h.login("organiser")
    assert (
        h.client.get(f"/api/sessions/{h.day.session_id}/documents/archive.zip").status_code == 200
    )
    h.login("client_a")
    with h.client.websocket_connect("/ws") as ws:
        snap = ws.receive_json()
        assert snap["type"] == "snapshot" and cid in snap["state"]["crm"]["by_candidate"]


def test_a_lone_surrogate_in_a_crm_field_is_refused_and_nothing_breaks(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        url = f"/api/candidates/{cid}/crm/records/{RECORD}"
        c = h.login("cand_a")
        before = c.get(url).json()
        for body in (
            '{"company": "\\ud800"}',
            '{"notes": "a\\u0000b"}',
            '{"company": "\\u202e gnp.exe"}',
            '{"street": "\\udfff rue"}',
        ):
            r = _raw(c, "PATCH", url, body)
            assert r.status_code == 422, (body, r.status_code, r.text)
            assert "caractère" in r.json()["detail"], r.text
        note = _raw(c, "POST", f"{url}/notes", '{"summary": "x\\ud83d"}')
        assert note.status_code == 422, note.text
        after = c.get(url).json()
        assert after == before
        h.login("observer_a")
        assert h.client.get(f"/api/candidates/{cid}/crm/changes").json() == []
        _readers_work(h, cid)


def test_wrong_types_and_sizes_in_a_crm_edit_are_refused_in_french(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        url = f"/api/candidates/{cid}/crm/records/{RECORD}"
        c = h.login("cand_a")
        before = c.get(url).json()
        for body in (
            {"email": []},
            {"address": [1, 2]},
            {"company": "x" * 100_000},
            {"phones": "0612345678"},
            {"consent": "oui"},
            {"street": {"a": 1}},
        ):
            r = c.patch(url, json=body)
            assert r.status_code == 422, (body, r.status_code, r.text[:300])
            detail = r.json()["detail"]
            assert detail.startswith("Champ « "), detail
            assert "x" * 300 not in r.text  # never the input echoed back
        assert c.get(url).json() == before
        # NFC: a decomposed « é » is stored composed.
        ok = c.patch(url, json={"notes": "cafe\u0301\n2e ligne"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["record"]["notes"] == "caf\u00e9\n2e ligne"
        assert json.loads(json.dumps(ok.json()))  # valid JSON
