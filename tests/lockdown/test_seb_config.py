"""The session's SEB configuration and its Config Key, per
https://safeexambrowser.org/developer/seb-config-key.html."""

from __future__ import annotations

import hashlib
import plistlib
from pathlib import Path

import pytest

from server.lockdown import seb_config

FIXTURES = Path(__file__).parent / "fixtures"
ORIGIN = "https://plateau.lan:8443"
QUIT_HASH = seb_config.hash_password("sortie-2026")


def test_known_vector_settings_saved_by_seb_for_macos() -> None:
    """Settings saved by SEB for macOS 2.1.4 (re-indented, same values) and the Config Key SEB
    computes for them, as published with Moodle's SEB quiz access rule
    (mod/quiz/accessrule/seb/tests: unencrypted_mac_001.seb, real_ck_hash_provider). It has
    everything the algorithm must get right: `originatorVersion`, case-insensitive order
    (`allowiOSBetaVersionNumber` after `allowFlashFullscreen`), a nested dictionary, empty and
    non-empty <data>, a backslash kept raw."""
    settings = seb_config.read_seb_file((FIXTURES / "macos-2.1.4.seb").read_bytes())
    assert settings["originatorVersion"] == "SEB_OSX_2.1.4_2B66"
    assert (
        seb_config.config_key(settings)
        == "4fa9af8ec8759eb7c680752ef4ee5eaf1a860628608fccae2715d519849f9292"
    )


def test_seb_json_follows_the_documented_rules() -> None:
    settings = {
        "originatorVersion": "SEB_Win_3.9",  # left out
        "whitelistURLFilter": "^https?:\\/\\/plateau\\.lan\\/.*$",  # backslashes kept raw
        "urlFilterRegex": True,
        "URLFilterRules": [
            {"regex": False, "expression": "plateau.lan:8443/*", "active": True, "action": 1}
        ],
        "URLFilterEnable": True,
        "startURL": "https://plateau.lan:8443/candidat",
        "proxies": {"HTTPSPort": 443, "AutoConfigurationEnabled": False},  # sorted inside too
        "removed": {},  # an empty dictionary is left out
        "examKeySalt": b"\x00\x01\x02",  # <data> as Base64
        "allowWLAN": False,
        "allowWlan": True,  # same letters: lower case first
    }
    assert seb_config.seb_json(settings) == (
        '{"allowWlan":true,"allowWLAN":false,"examKeySalt":"AAEC",'
        '"proxies":{"AutoConfigurationEnabled":false,"HTTPSPort":443},'
        '"startURL":"https://plateau.lan:8443/candidat","URLFilterEnable":true,'
        '"urlFilterRegex":true,'
        '"URLFilterRules":[{"action":1,"active":true,"expression":"plateau.lan:8443/*",'
        '"regex":false}],'
        '"whitelistURLFilter":"^https?:\\/\\/plateau\\.lan\\/.*$"}'
    )
    assert (
        seb_config.config_key(settings)
        == hashlib.sha256(seb_config.seb_json(settings).encode()).hexdigest()
    )


def test_the_key_ignores_key_order_and_originator_version_but_not_values() -> None:
    settings = seb_config.exam_settings(ORIGIN, QUIT_HASH)
    key = seb_config.config_key(settings)
    assert seb_config.config_key(dict(reversed(list(settings.items())))) == key
    assert seb_config.config_key({**settings, "originatorVersion": "SEB_Win_3.9.0"}) == key
    assert seb_config.config_key({**settings, "allowQuit": False}) != key
    other = seb_config.exam_settings(ORIGIN, seb_config.hash_password("autre"))
    assert seb_config.config_key(other) != key


def test_the_request_hash_is_the_url_without_fragment_then_the_key() -> None:
    key = "a" * 64
    url = "https://plateau.lan:8443/candidat"
    expected = hashlib.sha256((url + key).encode()).hexdigest()
    assert seb_config.request_hash(url, key) == expected
    assert seb_config.request_hash(url + "#ecrit", key) == expected
    assert seb_config.request_hash(url + "?x=1", key) != expected


def test_the_seb_file_is_what_seb_reads_and_hashes() -> None:
    settings = seb_config.exam_settings(ORIGIN, QUIT_HASH)
    data = seb_config.seb_file(settings)
    assert data.startswith(b"<?xml")  # SEB recognises an unencrypted XML file by this
    read = plistlib.loads(data)
    assert seb_config.config_key(read) == seb_config.config_key(settings)
    assert read["startURL"] == f"{ORIGIN}/candidat"
    assert read["sendBrowserExamKey"] is True
    assert read["URLFilterEnable"] is True
    assert read["URLFilterRules"] == [
        {"action": 1, "active": True, "expression": "plateau.lan:8443/*", "regex": False}
    ]
    assert read["hashedQuitPassword"] == hashlib.sha256(b"sortie-2026").hexdigest()
    assert read["quitURL"] == f"{ORIGIN}/candidat/quitter-seb"
    assert read["enableBrowserWindowToolbar"] is False
    assert read["allowSwitchToApplications"] is False
    assert read["allowAudioCapture"] is True  # the softphone
    assert read["browserViewMode"] == 1  # full screen
    assert "originatorVersion" not in read


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://Plateau.LAN:8443/", "https://plateau.lan:8443"),
        ("http://192.168.1.10", "http://192.168.1.10"),
        (" https://plateau.lan ", "https://plateau.lan"),
    ],
)
def test_origins_are_normalised(text: str, origin: str) -> None:
    assert seb_config.normalise_origin(text) == origin


@pytest.mark.parametrize(
    "text", ["plateau.lan", "ftp://plateau.lan", "https://plateau.lan/candidat", "https://h:x"]
)
def test_bad_origins_are_refused_in_french(text: str) -> None:
    with pytest.raises(ValueError, match="adresse du serveur|Adresse du serveur|Port"):
        seb_config.normalise_origin(text)


def test_the_filter_rule_names_the_default_port() -> None:
    rules = seb_config.exam_settings("https://plateau.lan", QUIT_HASH)["URLFilterRules"]
    assert rules[0]["expression"] == "plateau.lan:443/*"
