"""The organiser's SEB setting of a session and the `.seb` file the workstations open."""

from __future__ import annotations

import plistlib

from server.core.clock import FakeClock
from server.core.config import Settings
from server.lockdown import seb_config
from tests.harness import running_app


def test_the_organiser_sets_seb_up_and_downloads_the_file(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        base = f"/api/sessions/{h.day.session_id}/seb"
        c = h.login("organiser")
        off = c.get(f"{base}/settings").json()
        assert off == {
            "required": False,
            "origin": None,
            "quit_password_set": False,
            "start_url": None,
            "config_key": None,
            "locked_phases": ["Appels", "Rédaction"],
        }
        refused = c.get(base)
        assert refused.status_code == 422
        assert "mot de passe de sortie" in refused.json()["detail"]
        no_password = c.put(base, json={"required": True})
        assert no_password.status_code == 422
        assert "mot de passe de sortie" in no_password.json()["detail"]
        short = c.put(base, json={"required": True, "quit_password": "abc"})
        assert short.status_code == 422
        bad = c.put(base, json={"required": True, "quit_password": "sortie-2026", "origin": "x"})
        assert bad.status_code == 422
        assert "Adresse du serveur invalide" in bad.json()["detail"]

        on = c.put(
            base,
            json={
                "required": True,
                "quit_password": "sortie-2026",
                "origin": "https://Plateau.lan:8443/",
            },
        ).json()
        assert on["required"] is True
        assert on["origin"] == "https://plateau.lan:8443"
        assert on["start_url"] == "https://plateau.lan:8443/candidat"
        assert on["quit_password_set"] is True

        file = c.get(base)
        assert file.status_code == 200
        assert file.headers["content-type"] == "application/seb"
        assert file.headers["content-disposition"] == (
            'attachment; filename="examen-centre-test-2026-06-01.seb"'
        )
        read = plistlib.loads(file.content)
        assert read["startURL"] == "https://plateau.lan:8443/candidat"
        assert seb_config.config_key(read) == on["config_key"]

        # Off again: the address and the password stay for next time; the file still downloads.
        again = c.put(base, json={"required": False}).json()
        assert again["required"] is False
        assert again["config_key"] == on["config_key"]
        assert c.get(base).status_code == 200


def test_the_address_defaults_to_the_one_the_organiser_uses(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        c = h.login("organiser")
        r = c.put(
            f"/api/sessions/{h.day.session_id}/seb",
            json={"required": True, "quit_password": "sortie-2026"},
        )
        assert r.json()["origin"] == "http://testserver"
        h.login("proctor")
        assert h.client.get(f"/api/sessions/{h.day.session_id}/seb").status_code == 403
