"""Reading never breaks on a bad row: text stored before the input policy (or by a bug) is
inserted here straight into the database; every reader replaces it with U+FFFD and logs it,
and the list, the snapshot, the PDF and the archives are served whole."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from sqlalchemy import select

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.referential import PhaseKind
from server.core.text import dumps, readable
from server.crm.models import CrmChange, CrmRecordRow
from tests.crm.test_crm import PACK, _advance_to, _start
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres

BAD = "A\ud800B\x00C\u202eD\x85E"  # lone surrogate, NUL, bidi override, C1 control
SHOWN = "A\ufffdB\ufffdC\ufffdD\ufffdE"


def test_readable_replaces_and_dumps_always_encode() -> None:
    assert readable({"k": [BAD, 1, None]}) == {"k": [SHOWN, 1, None]}
    assert json.loads(dumps({"x": BAD}).encode("utf-8")) == {"x": SHOWN}
    assert dumps({"x": "tab\there\nok"}) == json.dumps({"x": "tab\there\nok"}, ensure_ascii=False)


def test_a_pdf_template_prints_a_bad_value_readably() -> None:
    from server.documents.pdf import _env

    assert _env.from_string("<p>{{ x }}</p>").render(x=BAD) == f"<p>{SHOWN}</p>"


async def _spoil(h: Harness, cid: str) -> None:
    """An old row: the company and a change log entry holding what the policy refuses."""
    async with h.ctx.db.session() as s:
        row = await s.scalar(
            select(CrmRecordRow).where(
                CrmRecordRow.candidate_id == cid, CrmRecordRow.record_id == "JDL-10051"
            )
        )
        assert row is not None
        # and values of the wrong shape (the CRM stored `address: [1, 2]` before its model)
        row.data = {**row.data, "company": BAD, "notes": BAD, "address": [1, 2], "phones": "x"}
        s.add(
            CrmChange(
                candidate_id=cid,
                record_id="JDL-10051",
                kind="edit",
                field="company",
                old=None,
                new=BAD,
                client_id=None,
                actor=f"candidate:{cid}",
                at=h.clock.now(),
            )
        )
        await s.commit()


def test_stored_bad_text_is_replaced_and_logged_everywhere(
    settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        crm = f"/api/candidates/{cid}/crm"
        c = h.login("cand_a")
        assert c.get(f"{crm}/records").status_code == 200  # the copy is made
        h.call(_spoil, h, cid)
        caplog.set_level(logging.WARNING, logger="server.core.text")
        listed = c.get(f"{crm}/records")
        assert listed.status_code == 200
        one = next(r for r in listed.json() if r["id"] == "JDL-10051")
        assert one["company"] == SHOWN
        for q in ("A", "Savennières", "0241"):  # a search reads every row
            assert c.get(f"{crm}/records", params={"q": q}).status_code == 200
        assert c.get(f"{crm}/records/JDL-10051").json()["notes"] == SHOWN
        h.login("observer_a")
        log = h.client.get(f"{crm}/changes")
        assert log.status_code == 200 and log.json()[-1]["new"] == SHOWN
        archive = h.client.get(f"/api/candidates/{cid}/documents/archive.zip")
        assert archive.status_code == 200
        with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
            journal = json.loads(zf.read("crm_journal.json"))
        assert journal[-1]["new"] == SHOWN
        assert h.client.get(f"/api/candidates/{cid}/documents/grille.pdf").status_code == 200
        h.login("organiser")
        whole = h.client.get(f"/api/sessions/{h.day.session_id}/documents/archive.zip")
        assert whole.status_code == 200
        for who in ("client_a", "observer_a"):
            h.login(who)
            with h.client.websocket_connect("/ws") as ws:
                snap = ws.receive_json()
                changes = snap["state"]["crm"]["by_candidate"][cid]["changes"]
                assert changes[-1]["new"] == SHOWN
                ws.send_json({"type": "time_sync", "client_time": 1.0})
                assert ws.receive_json()["type"] == "time"  # the socket lives on
        assert any("illisible" in r.getMessage() for r in caplog.records)
        assert not any(BAD in r.getMessage() for r in caplog.records)


def test_a_snapshot_part_that_cannot_be_read_is_null_and_the_page_gets_the_rest(
    settings: Settings, clock: FakeClock
) -> None:
    from server.app import CONTRIBUTIONS
    from server.web.composition import Contribution

    async def broken(*_: object) -> object:
        return {"oops": {}}["a bad row"]  # KeyError, as a malformed stored value would give

    extra = Contribution(name="broken", snapshot_parts=(("broken", broken),))
    with (
        running_app(settings, clock, contributions=(*CONTRIBUTIONS, extra)) as h,
        h.sockets("observer_a") as (ws,),
    ):
        ws.send_json({"type": "resync"})
        snap = ws.receive_json()
        assert snap["type"] == "snapshot" and snap["state"]["broken"] is None
        assert snap["state"]["exam"] is not None  # the other parts are there
