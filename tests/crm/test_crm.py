"""The candidate's CRM over HTTP: a private copy, edits logged and seen live by the observer,
orders with VAT computed in Decimal, payment agreements within the procedure, survey answers
verbatim, appointments in free slots only, refusals by phase and role, idempotent retries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.referential import PhaseKind
from server.exams import timeline_service
from tests.harness import Harness, running_app
from tests.telephony.test_calls import _until

PACK = "plateforme-horizon"
SURVEY = "s02-enquete-satisfaction"


def _start(h: Harness) -> str:
    cid = h.day.ids["cand_a"]
    h.login("organiser")
    assert h.client.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
    return cid


def _phase(h: Harness, cid: str) -> PhaseKind | None:
    async def state() -> Any:
        async with h.ctx.db.session() as s:
            return (await timeline_service.load(h.ctx, s, cid)).state()

    return h.call(state).phase


def _advance_to(h: Harness, cid: str, phase: PhaseKind) -> None:
    for _ in range(100):
        if _phase(h, cid) is phase:
            return
        h.clock.advance(timedelta(minutes=5))
        h.call(timeline_service.advance_all, h.ctx)
    raise AssertionError(f"never reached {phase}")


def test_the_copy_is_private_edits_are_logged_and_seen_live(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        base = f"/api/candidates/{cid}/crm"
        c = h.login("cand_a")
        early = c.get(f"{base}/records")
        assert early.status_code == 409 and "début" in early.json()["detail"]
        _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        h.login("observer_a")
        with h.client.websocket_connect("/ws") as observer:
            snap = observer.receive_json()
            assert snap["state"]["crm"]["by_candidate"][cid]["changes"] == []
            c = h.login("cand_a")
            records = c.get(f"{base}/records").json()
            assert len(records) == len(h.ctx.packs[PACK].crm)
            found = c.get(f"{base}/records", params={"q": "chauvin savennières"}).json()
            assert [r["id"] for r in found] == ["JDL-10051"]
            by_phone = c.get(f"{base}/records", params={"q": "02.41.54.30.86"}).json()
            assert [r["id"] for r in by_phone] == ["JDL-10051"]
            r = c.patch(
                f"{base}/records/JDL-10051",
                json={
                    "email": "b.chauvin@exemple.fr",
                    "street": "9 rue du Prieuré",
                    "phones": ["02 41 54 30 86", "06.12.34.56.78"],
                },
            )
            assert r.status_code == 200, r.text
            rec = r.json()["record"]
            assert rec["email"] == "b.chauvin@exemple.fr"
            assert rec["address"] == {
                "street": "9 rue du Prieuré",
                "postcode": "49170",
                "city": "Savennières",
            }
            assert rec["phones"][1] == {"display": "06 12 34 56 78", "digits": "0612345678"}
            same = c.patch(
                f"{base}/records/JDL-10051", json={"phones": ["02.41.54.30.86", "06 12 34 56 78"]}
            )
            assert same.json()["changes"] == []  # typed differently, stored the same
            fields = [_until(observer, "crm.change")["change"]["field"] for _ in range(3)]
            assert sorted(fields) == ["address", "email", "phones"]
            bad = c.patch(f"{base}/records/JDL-10051", json={"email": "pas une adresse"})
            assert bad.status_code == 422
            assert bad.json()["detail"] == "Champ « email » : format invalide."
            locked = c.patch(f"{base}/records/JDL-10051", json={"kind": "prospect"})
            assert locked.status_code == 422 and "kind" in locked.json()["detail"]
            assert c.get(f"{base}/records/JDL-10051").json()["email"] == "b.chauvin@exemple.fr"
            note = {"channel": "telephone", "summary": "Client rappelé.", "client_id": "n1"}
            first = c.post(f"{base}/records/JDL-10051/notes", json=note).json()
            again = c.post(f"{base}/records/JDL-10051/notes", json=note).json()
            assert again["replayed"] and again["record"]["history"] == first["record"]["history"]
            assert first["record"]["history"][-1]["summary"] == "Client rappelé."
            assert _until(observer, "crm.change")["change"]["kind"] == "note"
        # B cannot read A's copy; B's own copy (read by the organiser) is untouched.
        h.login("cand_b")
        assert h.client.get(f"{base}/records").status_code == 403
        h.login("organiser")
        other = h.client.get(f"/api/candidates/{h.day.ids['cand_b']}/crm/records/JDL-10051")
        assert other.json()["email"] is None
        h.login("client_b")
        assert h.client.get(f"{base}/changes").status_code == 403
        h.login("observer_a")
        log = h.client.get(f"{base}/changes").json()
        assert [(x["kind"], x["field"]) for x in log] == [
            ("edit", "email"),
            ("edit", "phones"),
            ("edit", "address"),
            ("note", "history"),
        ]
        assert log[0]["old"] is None and log[0]["new"] == "b.chauvin@exemple.fr"
        assert log[0]["actor"] == f"candidate:{cid}"
        h.login("observer_a")
        assert h.client.patch(f"{base}/records/JDL-10051", json={"notes": "x"}).status_code == 403


def test_orders_and_payment_agreements_are_computed_and_checked(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance_to(h, cid, PhaseKind.APPELS)
        base = f"/api/candidates/{cid}/crm/records"
        c = h.login("cand_a")
        card = "Carte bancaire (module de paiement sécurisé)"
        body = {
            "lines": [
                {"ref": "JDL-P110", "quantity": 2, "unit_price": "0.01"},  # the price is ours
                {"ref": "JDL-A520", "quantity": 1},
            ],
            "payment_method": card,
            "shipping": "0.00",  # ignored: the order desk says 6,90 below 60 €
            "client_id": "o1",
        }
        r = c.post(f"{base}/JDL-10051/orders", json=body)
        assert r.status_code == 200, r.text
        totals = r.json()["changes"][0]["new"]["totals"]
        # 2 × 12,90 at 10 % = 25,80; 14,50 at 20 %; shipping 6,90 on the 10 % share (larger).
        assert totals["vat"] == [
            {"rate": "10", "ht": "29.73", "tva": "2.97", "ttc": "32.70"},
            {"rate": "20", "ht": "12.08", "tva": "2.42", "ttc": "14.50"},
        ]
        assert (totals["shipping"], totals["total_ttc"]) == ("6.90", "47.20")
        orders = r.json()["record"]["orders"]
        assert orders[-1]["total"] == "47.20" and orders[-1]["lines"][0]["unit_price"] == "12.90"
        replay = c.post(f"{base}/JDL-10051/orders", json=body).json()
        assert replay["replayed"] and len(replay["record"]["orders"]) == len(orders)
        for lines, method, expected in (
            ([{"ref": "JDL-P145", "quantity": 1}], card, "lines[0].ref » : article indisponible"),
            ([{"ref": "FIB-EQ-REP", "quantity": 1}], card, "autre donneur d'ordre"),
            ([{"ref": "JDL-P110", "quantity": 0}], card, "lines[0].quantity"),
            ([{"ref": "NOPE", "quantity": 1}], card, "référence inconnue"),
            ([{"ref": "JDL-P110", "quantity": 1}], "Espèces", "payment_method"),
        ):
            bad = c.post(
                f"{base}/JDL-10051/orders", json={"lines": lines, "payment_method": method}
            )
            assert bad.status_code == 422 and expected in bad.json()["detail"], bad.text

        three = "Échéancier sans frais en 3 mensualités"
        methods = "Prélèvement à la date choisie"
        deal = {
            "plan": three,
            "amount": "250,40",
            "first_date": "2026-03-20",
            "payment_method": methods,
            "client_id": "a1",
        }
        ok = c.post(f"{base}/ELAN-412096/agreements", json=deal)
        assert ok.status_code == 200, ok.text
        agreed = ok.json()["record"]["agreements"][-1]
        assert [(i["date"], i["amount"]) for i in agreed["installments"]] == [
            ("2026-03-20", "83.46"),
            ("2026-04-19", "83.46"),
            ("2026-05-19", "83.48"),
        ]
        assert agreed["invoices"] == ["ELAN-F-202601R-412096", "ELAN-F-202602-412096"]
        assert c.post(f"{base}/ELAN-412096/agreements", json=deal).json()["replayed"]
        for change, expected in (
            ({"plan": "En 12 fois"}, "« plan » : cet échéancier n'est pas prévu"),
            ({"amount": "300.00"}, "entre 0,01 € et la dette (250.40 €)"),
            ({"amount": "120.00"}, "échéance de 40,00 € sous le minimum de 50,00 €"),
            ({"first_date": "2026-03-27"}, "première échéance au plus tard le 24/03/2026"),
            ({"payment_method": "Espèces"}, "payment_method"),
            ({"invoices": ["ELAN-F-202512-412096"]}, "pas une facture impayée"),
            ({"amount": "abc"}, "« amount » : un montant"),
        ):
            bad = c.post(
                f"{base}/ELAN-412096/agreements", json={**deal, "client_id": None, **change}
            )
            assert bad.status_code == 422 and expected in bad.json()["detail"], bad.text
        # The schedule the collection call rewards (its juror card): 90,40 € today, 80 € at
        # the end of April and of May — any schedule inside the procedure's limits is recorded.
        negotiated = {
            **deal,
            "client_id": "a2",
            "payment_method": "Carte bancaire (module de paiement sécurisé)",
            "installments": [
                {"date": "2026-03-17", "amount": "90,40"},
                {"date": "2026-04-30", "amount": "80.00"},
                {"date": "2026-05-31", "amount": "80"},
            ],
        }
        ok = c.post(f"{base}/ELAN-412096/agreements", json=negotiated)
        assert ok.status_code == 200, ok.text
        agreed = ok.json()["record"]["agreements"][-1]
        assert [(i["date"], i["amount"]) for i in agreed["installments"]] == [
            ("2026-03-17", "90.40"),
            ("2026-04-30", "80.00"),
            ("2026-05-31", "80.00"),
        ]
        assert agreed["total"] == "250.40"
        for rows, expected in (
            ([("2026-03-17", "170.40"), ("2026-04-30", "80.00")], "3 échéance(s) prévue(s)"),
            (
                [("2026-03-17", "90.40"), ("2026-04-30", "80.00"), ("2026-04-30", "80.00")],
                "doivent se suivre",
            ),
            (
                [("2026-03-16", "90.40"), ("2026-04-30", "80.00"), ("2026-05-31", "80.00")],
                "avant la date de l'accord (17/03/2026)",
            ),
            (
                [("2026-03-25", "90.40"), ("2026-04-30", "80.00"), ("2026-05-31", "80.00")],
                "première échéance au plus tard le 24/03/2026",
            ),
            (
                [("2026-03-17", "150.40"), ("2026-04-30", "70.00"), ("2026-05-31", "30.00")],
                "échéance de 30,00 € sous le minimum de 50,00 €",
            ),
            (
                [("2026-03-17", "90.40"), ("2026-04-30", "80.00"), ("2026-05-31", "70.00")],
                "les échéances font 240,40 €, le total dû est 250,40 €",
            ),
            (
                [("2026-03-17", "90.405"), ("2026-04-30", "80.00"), ("2026-05-31", "79.995")],
                "un montant",
            ),
        ):
            bad = c.post(
                f"{base}/ELAN-412096/agreements",
                json={
                    **negotiated,
                    "client_id": None,
                    "installments": [{"date": d, "amount": a} for d, a in rows],
                },
            )
            assert bad.status_code == 422 and expected in bad.json()["detail"], bad.text
        h.login("observer_a")
        kinds = [x["kind"] for x in h.client.get(f"/api/candidates/{cid}/crm/changes").json()]
        assert kinds == ["order", "payment_agreement", "payment_agreement"]


def test_survey_answers_verbatim_agenda_and_phase_refusals(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        crm = f"/api/candidates/{cid}/crm"
        answers = f"{crm}/surveys/{SURVEY}/answers"
        c = h.login("cand_a")
        assert _phase(h, cid) is PhaseKind.PREPARATION
        refused = c.patch(f"{crm}/records/JDL-10051", json={"notes": "x"})
        assert refused.status_code == 409 and "Appels" in refused.json()["detail"]
        assert c.put(f"{answers}/q1", json={"value": "oui"}).status_code == 409
        assert c.get(f"{crm}/records").status_code == 200  # read in every phase after start
        _advance_to(h, cid, PhaseKind.APPELS)
        h.login("observer_a")
        with h.client.websocket_connect("/ws") as observer:
            observer.receive_json()
            c = h.login("cand_a")
            said = "  Euh… les plants sont arrivés « un peu secs », voilà.  "
            for qid, value in (("q1", "non"), ("q2", 4), ("q3", "Légèrement abîmés")):
                assert c.put(f"{answers}/{qid}", json={"value": value}).status_code == 200
            assert c.put(f"{answers}/q6", json={"value": said}).status_code == 200
            assert c.put(f"{answers}/q6", json={"value": said}).status_code == 200  # same again
            for _ in range(4):
                event = _until(observer, "crm.change")
            assert event["survey"]["answers"]["q6"] == said
            bad = c.put(f"{answers}/q3", json={"value": "réponse inventée"})
            assert bad.status_code == 422 and "q3" in bad.json()["detail"]
            assert c.put(f"{answers}/q2", json={"value": 12}).status_code == 422
            assert c.put(f"{answers}/zz", json={"value": "x"}).status_code == 404
            survey = c.get(f"{crm}/surveys/{SURVEY}").json()
            assert survey["answers"] == {
                "q1": "non",
                "q2": 4,
                "q3": "Légèrement abîmés",
                "q6": said,
            }
        h.login("observer_a")
        assert h.client.get(f"{crm}/surveys").json() == {SURVEY: survey["answers"]}
        survey_log = [x for x in h.client.get(f"{crm}/changes").json()]
        assert [x["field"] for x in survey_log] == [f"{SURVEY}.q{n}" for n in (1, 2, 3, 6)]

        c = h.login("cand_a")
        agenda = c.get(f"{crm}/agenda").json()
        at = "2026-03-19T10:00"  # Julien Texier only
        assert [s["representative"] for s in agenda["slots"] if s["at"] == at] == ["Julien Texier"]
        book = {"kind": "rendez_vous", "at": at, "contact": "M. Gaudin", "subject": "Audit"}
        made = c.post(f"{crm}/records/BOS-P-0342/appointments", json=book)
        assert made.status_code == 200, made.text
        twice = c.post(f"{crm}/records/BOS-P-0342/appointments", json=book)
        assert twice.status_code == 422 and "déjà réservé" in twice.json()["detail"]
        off = c.post(
            f"{crm}/records/BOS-P-0342/appointments", json={**book, "at": "2026-03-19T11:00"}
        )
        assert off.status_code == 422 and "pas libre" in off.json()["detail"]
        callback = {**book, "kind": "rappel", "at": "2026-03-18T17:15", "client_id": "cb1"}
        assert c.post(f"{crm}/records/JDL-10051/appointments", json=callback).status_code == 200
        agenda = c.get(f"{crm}/agenda").json()
        assert [s["taken"] for s in agenda["slots"] if s["at"] == at] == [True]
        assert sum(s["taken"] for s in agenda["slots"]) == 1
        mine = [(i["kind"], i["record_id"], i["at"]) for i in agenda["items"]]
        assert ("rendez_vous", "BOS-P-0342", at) in mine
        assert ("rappel", "JDL-10051", "2026-03-18T17:15") in mine

        # The writing phase: the CRM is read-only, still readable.
        _advance_to(h, cid, PhaseKind.REDACTION)
        c = h.login("cand_a")
        late = c.post(f"{crm}/records/JDL-10051/notes", json={"summary": "trop tard"})
        assert late.status_code == 409
        assert c.put(f"{answers}/q1", json={"value": "oui"}).status_code == 409
        assert c.get(f"{crm}/records/JDL-10051").status_code == 200
