"""The French writing aid (server/writing/spelling.py): Hunspell's French dictionary and
Grammalecte, from Debian's packages, offline. Its results on the model replies of both packs
(nothing to say: every mark would be a false alarm) and on seeded mistakes; the exam's names,
addresses and e-mails never flagged; a clear fallback where Debian's packages are absent.

Without the packages (apt-get install python3-grammalecte python3-hunspell hunspell-fr) the
tests that need them skip, unless CI=true: then they fail (.ci/run installs them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.core.config import PROJECT_ROOT
from server.scenarios.catalogue import load_catalogue
from server.writing import debian_libs, grammalecte_fr, hunspell_fr, spelling

HERE = Path(__file__).parent / "aid"
MODELS = yaml.safe_load((HERE / "model_replies.yaml").read_text(encoding="utf-8"))
SEEDED = yaml.safe_load((HERE / "seeded_mistakes.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", autouse=True)
def debian_engines() -> None:
    missing = [why for ok, why in (grammalecte_fr.available(), hunspell_fr.available()) if not ok]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"aide française incomplète en CI : {missing}")
        pytest.skip(f"aide française incomplète ici : {missing}")


def marked(text: str, issues: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(text[i["start"] : i["end"]], i["kind"]) for i in issues]


@pytest.mark.parametrize(
    ("pack_id", "task_id"),
    [(p, t) for p, tasks in MODELS.items() for t in tasks],
)
def test_a_model_reply_raises_no_false_alarm(pack_id: str, task_id: str) -> None:
    pack = load_catalogue(PROJECT_ROOT / "scenarios").packs[pack_id]
    assert task_id in {t.id for t in pack.writing_tasks}
    words = spelling.pack_vocabulary(pack)
    for field, text in MODELS[pack_id][task_id].items():
        assert marked(text, spelling.check(text, words)) == [], field


@pytest.mark.parametrize("case", SEEDED, ids=[c["text"][:40] for c in SEEDED])
def test_a_seeded_mistake_is_marked(case: dict[str, Any]) -> None:
    text = case["text"]
    found = marked(text, spelling.check(text))
    hit = [kind for stretch, kind in found if case["wrong"] in stretch]
    if case.get("missed"):
        assert not hit, "Grammalecte voit maintenant cette faute : mettez à jour le README"
        return
    assert case["kind"] in hit, found


def test_the_seeded_mistakes_score_as_the_readme_says() -> None:
    caught = sum(
        1
        for c in SEEDED
        if any(c["wrong"] in s for s, _ in marked(c["text"], spelling.check(c["text"])))
    )
    assert (caught, len(SEEDED)) == (18, 20)


@pytest.mark.parametrize("pack_id", sorted(MODELS))
def test_suite_a_and_entretient_are_errors_with_their_correction(pack_id: str) -> None:
    # With each pack's vocabulary: its names and dossier excuse neither (« a » is in them).
    words = spelling.pack_vocabulary(load_catalogue(PROJECT_ROOT / "scenarios").packs[pack_id])
    text = "Madame, suite a votre appel, je vous confirme l'entretient de votre chaudière."
    issues = {text[i["start"] : i["end"]]: i for i in spelling.check(text, words)}
    assert issues["a"]["kind"] == "grammaire" and issues["a"]["suggestions"][0] == "à"
    assert issues["entretient"]["suggestions"][0] == "entretien"


def test_the_exams_names_addresses_and_emails_are_never_flagged() -> None:
    pack = load_catalogue(PROJECT_ROOT / "scenarios").packs["plateforme-horizon"]
    # A contact the candidate added in their CRM, with an address and an e-mail of their own.
    crm = [
        {
            "last_name": "Kerbrat",
            "first_name": "Maëlwenn",
            "email": "m.kerbrat@ty-mael.bzh",
            "address": {"street": "3 impasse Ker Huel", "postcode": "29200", "city": "Brest"},
            "notes": "rapeler demain",  # free notes teach the aid nothing
        }
    ]
    words = spelling.pack_vocabulary(pack) | spelling.crm_words(crm)
    text = (
        "Madame Kerbrat, Camille Morvan vous rappellera au 3 impasse Ker Huel ; écrivez-nous à "
        "m.kerbrat@ty-mael.bzh ou sur www.fibrelia-assistance.fr. Votre Fibrébox 4 (CPAM, CGV) "
        "sera remplacée. Merci de rapeler le service clients."
    )
    found = marked(text, spelling.check(text, words))
    assert found == [("rapeler", "orthographe")], found
    # Without the CRM, its contact's name is unknown to the dictionary: the CRM is what allows it.
    bare = spelling.check(text, spelling.pack_vocabulary(pack))
    assert ("Kerbrat", "orthographe") in marked(text, bare)


@pytest.fixture
def without_debian(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """As on a workstation without Debian's packages."""
    monkeypatch.setenv("PLATEAU_DEBIAN_PYTHON_DIRS", str(tmp_path))
    debian = {"grammalecte", "hunspell"}
    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if k.split(".")[0] in debian}
    g, h = grammalecte_fr, hunspell_fr
    caches = (g._engine, g.errors, h._speller, h.known)
    for cached in caches:
        cached.cache_clear()
    yield
    sys.modules.update(saved)
    for cached in caches:
        cached.cache_clear()


def test_without_debians_packages_the_aid_says_what_it_cannot_do(without_debian: None) -> None:
    assert debian_libs.load("grammalecte", package="python3-grammalecte").module is None
    engines = spelling.engines()
    assert engines["grammar"] is None
    assert engines["grammar_absent"] == (
        "python3-grammalecte n'est pas installé (apt-get install python3-grammalecte)"
    )
    assert engines["spelling"] == "pyspellchecker (liste de mots française)"
    assert "python3-hunspell" in engines["spelling_fallback"]
    text = "Suite a votre apel."
    found = marked(text, spelling.check(text))
    assert ("apel", "orthographe") in found and not any(k == "grammaire" for _, k in found)
