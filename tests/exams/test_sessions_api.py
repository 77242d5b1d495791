"""The organiser sets up an exam day through the API: session with a frozen pack, candidates,
jury, proctor, printable codes, a renewed code; the CLI does the same from a script."""

from __future__ import annotations

from server.core.clock import FakeClock
from server.core.config import Settings
from tests.harness import running_app


def test_organiser_sets_up_a_day(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        pack_id = sorted(h.ctx.packs)[0]
        c = h.login("organiser")
        catalogue = c.get("/api/catalogue").json()
        assert {f["id"] for f in catalogue["titles"][0]["formats"]} == {"titre", "ccp1", "ccp2"}
        assert {p["id"] for p in catalogue["packs"]} == set(h.ctx.packs)
        r = c.post(
            "/api/sessions",
            json={
                "centre": "AFPA Angers",
                "day": "2026-06-02",
                "format_id": "ccp2",
                "pack_id": pack_id,
            },
        )
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["pack_label"].startswith(f"{pack_id} v")
        sid = created["id"]
        listed = {s["id"]: s for s in c.get("/api/sessions").json()}
        assert listed[sid]["pack_label"] == created["pack_label"]
        assert listed[sid]["format_name"].startswith("CCP 2")

        cand = c.post(
            f"/api/sessions/{sid}/candidates",
            json={"last_name": "Leroy", "first_name": "Inès", "pathway": "vae"},
        ).json()
        assert cand["display_name"] == "Inès LEROY" and cand["pathway_label"] == "VAE"
        client = c.post(
            f"/api/sessions/{sid}/staff", json={"role": "juror", "display_name": "Mme Client"}
        ).json()
        observer = c.post(
            f"/api/sessions/{sid}/staff", json={"role": "juror", "display_name": "M. Observateur"}
        ).json()
        c.post(f"/api/sessions/{sid}/staff", json={"role": "proctor", "display_name": "Surv."})
        for juror, capacity in ((client, "client"), (observer, "observer")):
            r = c.put(
                f"/api/sessions/{sid}/candidates/{cand['id']}/jury",
                json={"juror_id": juror["id"], "capacity": capacity},
            )
            assert r.status_code == 204, r.text
        # One juror cannot both play the client and observe the same candidate.
        r = c.put(
            f"/api/sessions/{sid}/candidates/{cand['id']}/jury",
            json={"juror_id": client["id"], "capacity": "observer"},
        )
        assert r.status_code == 422 and "même juré" in r.json()["detail"]

        detail = c.get(f"/api/sessions/{sid}").json()
        assert detail["candidates"][0]["client_juror_id"] == client["id"]
        codes = {
            line["display_name"]: line["code"]
            for line in c.get(f"/api/sessions/{sid}/codes").json()
        }
        assert set(codes) == {"Inès LEROY", "Mme Client", "M. Observateur", "Surv."}

        renewed = c.post(f"/api/sessions/{sid}/participants/{cand['id']}/code").json()
        assert renewed["code"] != codes["Inès LEROY"]
        c.cookies.clear()
        assert c.post("/api/auth/code", json={"code": codes["Inès LEROY"]}).status_code == 401
        assert c.post("/api/auth/code", json={"code": renewed["code"]}).status_code == 200


def test_a_pack_that_does_not_serve_the_format_is_refused(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        c = h.login("organiser")
        r = c.post(
            "/api/sessions",
            json={"centre": "X", "day": "2026-06-02", "format_id": "titre", "pack_id": "inconnu"},
        )
        assert r.status_code == 404 and "inconnu" in r.json()["detail"]
        r = c.post("/api/sessions", json={"centre": "X", "day": "2026-06-02", "format_id": "ccp9"})
        assert r.status_code == 422 and "Format inconnu" in r.json()["detail"]
