"""The French writing aid the jury sees on the written replies: spelling (Hunspell with Debian's
French dictionary), grammar (Grammalecte) and a few typography rules that can be checked
reliably. It flags, the juror decides. Everything runs offline.

It never flags what belongs to the exam's world: the names, addresses, e-mails and products of
the pack and of the candidate's own CRM, the words of the dossier and a phrase the dossier
writes the same way (`pack_vocabulary`, `crm_words`), nor an e-mail address, a web address, a
reference with digits or an acronym in capitals in the text. Where Debian's packages are absent (a
workstation without them), spelling falls back to pyspellchecker's French list and grammar is
not checked; `engines()` says so and the page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from spellchecker import SpellChecker

from server.writing import grammalecte_fr, hunspell_fr

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+)*")
TOKEN = re.compile(r"[\wÀ-ÖØ-öø-ÿœŒæÆ]+(?:[-'’][\wÀ-ÖØ-öø-ÿœŒæÆ]+)*")
# Never checked: e-mail and web addresses.
PROTECTED = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|\b[\w-]+\.(?:fr|com|net|org|eu)\b"
)
DOUBLE_SPACE = re.compile(r"(?<=\S)  +(?=\S)")
NO_SPACE_BEFORE_DOUBLE = re.compile(r"(?<=[\wÀ-ÿ»])([:;!?])")
REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
LOWER_AFTER_STOP = re.compile(r"[.!?]\s+([a-zà-ÿ])")
NOT_WORD = re.compile(r"[^\w'’-]+")
ELIDED = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}


def plain(text: str) -> str:
    """Lowercase words separated by single spaces, with a space at each end (whole-word search)."""
    words = NOT_WORD.sub(" ", text.lower()).split()
    return " " + " ".join(words) + " "


@dataclass(frozen=True)
class Vocabulary:
    """What the exam's own texts say: `names` (names, addresses, e-mails, products: never
    flagged, not even by the grammar), `words` (every word of the dossier: not a spelling
    mistake), `text` the dossier itself (lowercase, single spaces), where a grammar « error »
    the subject writes the same way (« le service clients ») is not one."""

    names: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    text: str = ""

    def __or__(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(
            self.names | other.names,
            self.words | other.words,
            f"{self.text}{other.text}",
        )

    @property
    def spelled(self) -> frozenset[str]:
        return self.names | self.words

    def says(self, phrase: str) -> bool:
        """Whether the dossier writes `phrase`, word for word (whole words)."""
        p = plain(phrase)
        return bool(p.strip()) and p in self.text


@dataclass(frozen=True)
class Issue:
    start: int
    end: int
    kind: str  # orthographe | grammaire | typographie | répétition
    message: str
    suggestions: tuple[str, ...] = ()


def engines() -> dict[str, Any]:
    """What the aid runs on here, for the page: each engine, or why it is absent."""
    spell_ok, spell = hunspell_fr.available()
    grammar_ok, grammar = grammalecte_fr.available()
    return {
        "spelling": spell if spell_ok else "pyspellchecker (liste de mots française)",
        "spelling_fallback": None if spell_ok else spell,
        "grammar": grammar if grammar_ok else None,
        "grammar_absent": None if grammar_ok else grammar,
    }


@lru_cache(maxsize=1)
def _fallback() -> SpellChecker:
    return SpellChecker(language="fr")


def _known(word: str) -> bool:
    if hunspell_fr.available()[0]:
        return hunspell_fr.known(word) or hunspell_fr.known(word.lower())
    return word.lower() in _fallback()


def _suggest(word: str) -> tuple[str, ...]:
    if hunspell_fr.available()[0]:
        return hunspell_fr.suggestions(word)
    best = _fallback().correction(word.lower())
    return (best,) if best and best != word.lower() else ()


def _spelling(text: str, known: frozenset[str], protected: list[tuple[int, int]]) -> list[Issue]:
    out = []
    for m in TOKEN.finditer(text):
        word = m.group(0)
        if _inside(m.start(), m.end(), protected) or any(ch.isdigit() for ch in word):
            continue
        if len(word) > 1 and word.isupper():
            continue  # an acronym (CPAM, CGV, TVA): the dictionary cannot know them all
        parts = [p for p in re.split(r"[-'’]", word) if p]
        if word.lower() in known or all(p.lower() in known for p in parts):
            continue
        if _known(word):
            continue
        wrong = [
            p
            for i, p in enumerate(parts)
            if not (i < len(parts) - 1 and p.lower() in ELIDED)
            and len(p) > 1
            and p.lower() not in known
            and not _known(p)
        ]
        if not wrong:
            continue
        out.append(
            Issue(
                m.start(),
                m.end(),
                "orthographe",
                f"« {wrong[0]} » est inconnu du dictionnaire.",
                _suggest(word if len(parts) == 1 else wrong[0]),
            )
        )
    return out


def _is_name(word: str, vocabulary: Vocabulary) -> bool:
    """A name of the exam (« Camille », « Kerbrat »), not a common word that a name contains
    (the « a » of « Pass à la carte »): written with a capital, or unknown to the dictionary."""
    return word.lower() in vocabulary.names and (word[0].isupper() or not _known(word))


def _grammar(text: str, vocabulary: Vocabulary, protected: list[tuple[int, int]]) -> list[Issue]:
    out = []
    for e in grammalecte_fr.errors(text):
        if _inside(e.start, e.end, protected):
            continue
        words = WORD.findall(text[e.start : e.end])
        if words and all(_is_name(w, vocabulary) for w in words):
            continue  # a name of the pack or of the CRM
        before = re.search(r"(\S+)[ \t]+$", text[: e.start])
        after = re.match(r"[ \t]+(\S+)", text[e.end :])
        flagged = text[e.start : e.end]
        context = " ".join(
            x
            for x in (before.group(1) if before else "", flagged, after.group(1) if after else "")
            if x
        )
        if (before or after) and vocabulary.says(context):
            continue  # the subject writes it so, words around included (« le service clients de »)
        out.append(Issue(e.start, e.end, "grammaire", e.message, e.suggestions))
    return out


def _typography(text: str) -> list[Issue]:
    issues = []
    for m in DOUBLE_SPACE.finditer(text):
        issues.append(Issue(m.start(), m.end(), "typographie", "Espaces multiples."))
    for m in NO_SPACE_BEFORE_DOUBLE.finditer(text):
        is_time = m.group(1) == ":" and text[m.end() : m.end() + 1].isdigit()  # 10:30
        if not is_time:
            issues.append(
                Issue(
                    m.start(),
                    m.end(),
                    "typographie",
                    f"Une espace insécable précède « {m.group(1)} » en français.",
                )
            )
    for m in REPEATED.finditer(text):
        if not m.group(1).isdigit():
            issues.append(
                Issue(m.start(), m.end(), "répétition", f"Mot répété : « {m.group(1)} »."),
            )
    for m in LOWER_AFTER_STOP.finditer(text):
        issues.append(
            Issue(m.start(1), m.end(1), "typographie", "Majuscule attendue en début de phrase.")
        )
    return issues


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def check(text: str, allowed: Iterable[str] | Vocabulary = ()) -> list[dict[str, Any]]:
    """Issues in `text` (offsets in code points), sorted by position; `allowed`: the exam's
    vocabulary (`pack_vocabulary`, `crm_words`), or words never flagged."""
    vocabulary = (
        allowed
        if isinstance(allowed, Vocabulary)
        else Vocabulary(frozenset(w.lower() for w in allowed))
    )
    protected = [(m.start(), m.end()) for m in PROTECTED.finditer(text)]
    found = _spelling(text, vocabulary.spelled, protected)
    found += _grammar(text, vocabulary, protected)
    found += [i for i in _typography(text) if not _inside(i.start, i.end, protected)]
    seen: set[tuple[int, int]] = set()
    issues = []
    for i in sorted(found, key=lambda i: (i.start, i.end)):
        if (i.start, i.end) in seen:
            continue  # one mark per stretch of text (the first engine's)
        seen.add((i.start, i.end))
        issues.append(i)
    return [asdict(i) for i in issues]


def words_of(texts: Iterable[str]) -> set[str]:
    return {w.lower() for t in texts if t for w in WORD.findall(t)}


def pack_vocabulary(pack: Any) -> Vocabulary:
    """The pack's names (`pack_words`) and its dossier: every word of it, and its text."""
    docs = [d.text for d in pack.dossier]
    text = plain(" ".join(docs))
    return Vocabulary(frozenset(pack_words(pack)), frozenset(words_of(docs)), text)


def pack_words(pack: Any) -> set[str]:
    """Every word of the pack's names (centre, principals, customers, their e-mails and
    addresses, contracts and products): the aid never flags them."""
    texts = [pack.company.name, pack.company.city, *(p.name for p in pack.principals)]
    for record in pack.crm:
        texts += [record.last_name, record.first_name, record.company, record.email or ""]
        if record.address is not None:
            texts += [str(v) for v in record.address.model_dump().values() if v]
        texts += [c.label for c in record.contracts]
    texts += [item.label for item in pack.catalogue]
    return words_of(texts)


IDENTITY_FIELDS = ("civility", "last_name", "first_name", "company", "email", "contact")


def crm_words(records: Iterable[dict[str, Any]]) -> Vocabulary:
    """The names, e-mails and addresses of the candidate's own CRM (as edited: a contact they
    added, an address they corrected), never its free notes."""
    texts: list[str] = []

    def identity(item: dict[str, Any]) -> None:
        texts.extend(str(item.get(k) or "") for k in IDENTITY_FIELDS)
        address = item.get("address")
        if isinstance(address, dict):
            texts.extend(str(v) for v in address.values() if v)

    for data in records:
        identity(data)
        for key in ("contacts", "appointments", "contracts"):
            for item in data.get(key) or ():
                if isinstance(item, dict):
                    identity(item)
                    texts.append(str(item.get("label") or ""))
    return Vocabulary(frozenset(words_of(texts)))
