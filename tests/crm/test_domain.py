"""The CRM's pure rules: VAT per rate in Decimal (mixed 20 % and 5,5 %), shipping at the main
rate and free from the threshold, payment schedules, survey answers, French messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from server.crm.domain import CrmInvalid, check_answer, french_error, order_totals, schedule
from server.scenarios.pack.company import CatalogueItem
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.simulations import PaymentPlan, Question


def _item(ref: str, price: str, rate: str) -> CatalogueItem:
    return CatalogueItem(ref=ref, principal="p", label=ref, price=Decimal(price), vat_rate=rate)


BOOK = _item("LIV", "19.99", "5.5")
LAMP = _item("LAMPE", "35.49", "20")


def test_mixed_rates_are_split_per_rate_and_rounded_half_up() -> None:
    totals = order_totals([(BOOK, 3), (LAMP, 1)])
    # 3 × 19,99 = 59,97 TTC at 5,5 % → HT 59,97 / 1,055 = 56,843… → 56,84, TVA 3,13.
    # 35,49 TTC at 20 % → HT 29,575 → 29,58 (half-up), TVA 5,91.
    assert totals["vat"] == [
        {"rate": "5.5", "ht": "56.84", "tva": "3.13", "ttc": "59.97"},
        {"rate": "20", "ht": "29.58", "tva": "5.91", "ttc": "35.49"},
    ]
    assert (totals["total_ht"], totals["total_tva"], totals["total_ttc"]) == (
        "86.42",
        "9.04",
        "95.46",
    )
    assert [line["total_ttc"] for line in totals["lines"]] == ["59.97", "35.49"]


def test_shipping_goes_to_the_main_rate_and_is_free_from_the_threshold() -> None:
    charged = order_totals([(BOOK, 1), (LAMP, 1)], shipping=Decimal("6.90"))
    # The lamp (35,49) is the larger share: shipping is taxed at 20 %.
    assert charged["shipping"] == "6.90"
    assert charged["vat"][1] == {"rate": "20", "ht": "35.33", "tva": "7.06", "ttc": "42.39"}
    assert charged["total_ttc"] == "62.38"
    free = order_totals(
        [(BOOK, 1), (LAMP, 1)], shipping=Decimal("6.90"), free_shipping_from=Decimal("55.48")
    )
    assert (free["shipping"], free["total_ttc"]) == ("0.00", "55.48")


def test_the_last_instalment_takes_the_rounding() -> None:
    plan = PaymentPlan(label="3 fois", installments=3, interval_days=30, fees=Decimal("1.00"))
    total, rows = schedule(Decimal("199.00"), plan, dt.date(2026, 3, 17))
    assert total == Decimal("200.00")
    assert [(r["date"], r["amount"]) for r in rows] == [
        ("2026-03-17", "66.66"),
        ("2026-04-16", "66.66"),
        ("2026-05-16", "66.68"),
    ]


def test_answers_are_checked_by_type_and_open_answers_kept_verbatim() -> None:
    open_q = Question(id="q5", text="Pourquoi ?", type="ouverte")
    said = "  Euh… « un peu secs », voilà.\n"
    assert check_answer(open_q, said) == said
    scale = Question(id="q2", text="Note ?", type="echelle", scale_min=0, scale_max=10)
    assert check_answer(scale, 7) == 7
    for bad in (11, 7.5, "7", True):
        with pytest.raises(CrmInvalid, match="q2"):
            check_answer(scale, bad)
    multi = Question(id="q4", text="?", type="choix_multiple", choices=("A", "B", "C"))
    assert check_answer(multi, ["A", "C"]) == ["A", "C"]
    with pytest.raises(CrmInvalid, match="parmi"):
        check_answer(multi, ["A", "Z"])
    yes = Question(id="q1", text="?", type="oui_non")
    assert check_answer(yes, True) == "oui"
    assert check_answer(yes, "") is None  # cleared
    assert check_answer(multi, []) is None  # every box unticked: cleared


def test_an_empty_list_clears_only_a_multiple_choice_answer() -> None:
    """`[]` is what the survey form sends when every box of a multiple choice is unticked;
    to any other question it is the wrong type, refused as such (found by
    tests/web/test_hostile_input_property.py: a 200 for `[]` to an open question)."""
    for question, message in (
        (Question(id="q5", text="Pourquoi ?", type="ouverte"), "du texte"),
        (Question(id="q2", text="?", type="echelle", scale_min=0, scale_max=10), "entière"),
        (Question(id="q1", text="?", type="oui_non"), "oui ou non"),
        (Question(id="q3", text="?", type="numerique"), "un nombre"),
        (Question(id="q6", text="?", type="choix_unique", choices=("A", "B")), "une des"),
    ):
        with pytest.raises(CrmInvalid, match=message):
            check_answer(question, [])


def test_validation_errors_name_the_field_in_french() -> None:
    base = {"id": "X-1", "kind": "client", "principal": "p", "last_name": "Nom"}
    with pytest.raises(ValidationError) as bad_email:
        CrmRecord.model_validate({**base, "phones": ["02 41 00 00 00"], "email": "pas@"})
    assert (
        french_error(bad_email.value.errors()[0], "email") == "Champ « email » : format invalide."
    )
    with pytest.raises(ValidationError) as bad_phone:
        CrmRecord.model_validate({**base, "phones": ["12"]})
    message = french_error(bad_phone.value.errors()[0], "phones")
    assert message.startswith("Champ « phones.0 » : numéro de téléphone français invalide")
