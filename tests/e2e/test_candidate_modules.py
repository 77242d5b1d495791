"""The candidate workstation's pure browser modules, run in Chromium: SMS counting, money and
VAT, the payment schedule, the dossier's sanitising insertion, the view for a timeline state,
the softphone's state, and the lockdown's own-copy detection."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def js(browser: Any, static_server: LiveServer) -> Any:
    page = new_page(browser, static_server)
    page.goto("/connexion")

    def run(module: str, body: str, arg: Any = None) -> Any:
        return page.evaluate(
            f"""async (arg) => {{
                const m = await import("/static/js/{module}");
                {body}
            }}""",
            arg,
        )

    yield run
    assert page.console_errors == []
    page.context.close()


def test_sms_counts_gsm_and_unicode_segments(js: Any) -> None:
    count = lambda text: js("cti/sms.js", "return m.smsCount(arg);", text)  # noqa: E731
    assert count("") == {**count(""), "segments": 0, "characters": 0}
    one = count("Bonjour Mme Marchand, votre remise est appliquée.")
    assert (one["encoding"], one["segments"], one["perSegment"]) == ("GSM 7 bits", 1, 160)
    assert count("a" * 160)["segments"] == 1
    assert (count("a" * 161)["segments"], count("a" * 306)["segments"]) == (2, 2)
    assert count("a" * 307)["segments"] == 3
    euro = count("Prix : 5 €")  # € is in the extension table: two units
    assert (euro["characters"], euro["units"], euro["encoding"]) == (10, 11, "GSM 7 bits")
    uni = count("Un répéteur offert ê")  # ê is not in the GSM alphabet
    assert (uni["encoding"], uni["perSegment"]) == ("Unicode", 70)
    assert count("ê" * 71)["segments"] == 2
    assert js("cti/sms.js", "return m.nonGsmCharacters(arg);", "Fibrélia : répéteur ô") == ["ô"]


def test_order_totals_split_vat_by_rate_and_apply_free_shipping(js: Any) -> None:
    totals = js(
        "cti/money.js",
        "return m.orderTotals(arg.lines, arg.opts);",
        {
            "lines": [
                {"ref": "JDL-P110", "quantity": 2, "unit_price": "12.90", "vat_rate": 10},
                {"ref": "JDL-A540", "quantity": 1, "unit_price": "6.90", "vat_rate": 20},
            ],
            "opts": {"shipping": "6.90", "freeShippingFrom": "60.00"},
        },
    )
    assert (totals["subtotal"], totals["shipping"], totals["total"]) == (3270, 690, 3960)
    by_rate = {v["rate"]: (v["base"], v["amount"]) for v in totals["vat"]}
    # 25.80 + 6.90 shipping (main rate 10 %) = 32.70 TTC at 10 %; 6.90 TTC at 20 %.
    assert by_rate == {10: (2973, 297), 20: (575, 115)}
    assert totals["ht"] + sum(v["amount"] for v in totals["vat"]) == totals["total"]
    free = js(
        "cti/money.js",
        "return m.orderTotals([{ quantity: 5, unit_price: '12.90', vat_rate: 10 }], arg);",
        {"shipping": "6.90", "freeShippingFrom": "60.00"},
    )
    assert (free["shipping"], free["total"]) == (0, 6450)
    assert js("cti/money.js", "return m.euros(arg);", 123456) == "1\u202f234,56\u00a0€"


def test_payment_schedule_puts_the_rounding_on_the_last_instalment(js: Any) -> None:
    rows = js(
        "cti/money.js",
        "return m.installmentPlan(arg.amount, 3, { firstDate: '2026-03-20', intervalDays: 30 });",
        {"amount": 28750},
    )
    assert [r["amount"] for r in rows] == [9583, 9583, 9584]
    assert [r["date"] for r in rows] == ["2026-03-20", "2026-04-19", "2026-05-19"]


def test_the_dossier_insertion_keeps_markup_and_drops_anything_active(js: Any) -> None:
    html = js(
        "cti/sanitize.js",
        """const box = document.createElement("div");
           box.append(m.sanitizedFragment(arg));
           return box.innerHTML;""",
        '<h2 id="x" onclick="alert(1)">Titre</h2><p>Un <strong>mot</strong> '
        '<a href="https://ailleurs.example">lien</a></p><script>alert(2)</script>'
        '<img src=x onerror="alert(3)"><table><tr><td style="text-align:right">9,90 €</td></tr>'
        "</table>&lt;script&gt;",
    )
    assert html == (
        '<h2>Titre</h2><p>Un <strong>mot</strong> <span class="doc-link">lien</span></p>'
        '<table><tbody><tr><td class="align-right">9,90 €</td></tr></tbody></table>'
        "&lt;script&gt;"
    )


def test_the_view_follows_the_timeline(js: Any) -> None:
    views = js(
        "candidate-views.js",
        "return arg.map((s) => m.viewFor(s));",
        [
            None,
            {"status": "not_started"},
            {"status": "running", "phase": "preparation"},
            {"status": "paused", "phase": "appels"},
            {"status": "running", "phase": "redaction"},
            {"status": "awaiting", "phase": "entretien_technique"},
            {"status": "finished", "phase": None},
        ],
    )
    assert views == ["waiting", "waiting", "prep", "calls", "writing", "done", "done"]


def test_the_softphone_state_names(js: Any) -> None:
    states = js(
        "cti/soft-phone.js",
        """return [
            m.phoneState(null, false), m.phoneState(null, true), m.phoneState(null, false, false),
            m.phoneState({ state: "sonnerie", direction: "inbound" }, false),
            m.phoneState({ state: "sonnerie", direction: "outbound" }, false),
            m.phoneState({ state: "en_ligne" }, false), m.phoneState({ state: "en_attente" }, true),
            m.phoneState({ state: "termine" }, true),
        ].map((s) => m.PHONE_STATES[s]);""",
    )
    assert states == [
        "Libre", "Clôture", "Hors service", "Sonnerie", "Appel en cours…", "En ligne",
        "En attente", "Clôture",
    ]  # fmt: skip


def test_lockdown_knows_the_pages_own_copies(js: Any) -> None:
    result = js(
        "cti/lockdown.js",
        """const sent = [];
           const l = new m.Lockdown((kind, detail) => sent.push([kind, detail]));
           l.copied.push("Article 9 des CGV : 5,00 € par jour");
           return [l.isOwnText("Article 9 des CGV :  5,00 € par jour"), l.isOwnText("5,00 €"),
                   l.isOwnText("texte venu d'ailleurs"), l.isOwnText("  ")];""",
    )
    assert result == [True, True, False, True]
