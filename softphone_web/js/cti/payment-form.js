// <payment-form>: records an amicable payment agreement — the unpaid invoices it covers, the
// plan (from the procedure when the simulation gives them), the first due date, and the
// schedule: proposed from the plan (equal instalments, the last takes the rounding) and then
// the candidate's to negotiate — every date and amount can be changed, within the procedure's
// limits (the server checks them: server/scenarios/payment_rules.py) — and the payment method.
//
//   const saved = await form.ask({ record, collection, storyDate, save });   // null when cancelled
//   save(body) → the server's answer (the form stays open with the refusal's message);
//   body: { invoices, amount, plan, first_date, installments: [{ index, date, amount }], payment_method, note }
import { el } from "../components/dom.js";
import { euros, installmentPlan, toCents } from "./money.js";
import { dayText, recordName } from "./crm-record.js";

/**
 * @param {string} label
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 */
function labelled(label, control) {
  control.id = control.id || `pf-${Math.random().toString(36).slice(2, 8)}`;
  const wrap = el("div", "field");
  const l = el("label", "", label);
  l.htmlFor = control.id;
  wrap.append(l, control);
  return wrap;
}

/**
 * @param {string} isoDay
 * @param {number} days
 */
function addDays(isoDay, days) {
  const d = new Date(`${isoDay}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export class PaymentForm extends HTMLElement {
  /** @type {HTMLDialogElement} */
  _dialog;
  /** @type {any} */
  _record;
  /** @type {any} */
  _collection;
  /** @type {any} */
  _save;
  /** @type {any} */
  _storyDate;
  /** @type {null | ((value: any) => void)} */
  _resolve;
  /** @type {HTMLInputElement[]} */
  _boxes;
  /** @type {HTMLInputElement} */
  _amount;
  /** @type {HTMLSelectElement} */
  _plan;
  /** @type {any} */
  _plans;
  /** @type {HTMLInputElement} */
  _first;
  /** @type {HTMLSelectElement} */
  _method;
  /** @type {HTMLTextAreaElement} */
  _note;
  /** @type {HTMLDivElement} */
  _schedule;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {{ date: HTMLInputElement; amount: HTMLInputElement; }[]} */
  _rowInputs;
  /** @type {HTMLParagraphElement} */
  _total;

  connectedCallback() {
    if (this._dialog) return;
    this._dialog = el("dialog", "action-dialog wide-dialog payment-dialog");
    this.append(this._dialog);
    this._dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this._finish(null);
    });
  }

  /**
   * @param {{ record: Record<string, any>, collection?: any, storyDate?: string | null, save?: ((agreement: any) => Promise<unknown>) | null }} options
   * @returns {Promise<any>} the agreement, or null: cancelled
   */
  ask({ record, collection = null, storyDate = null, save = null }) {
    this._record = record;
    this._collection = collection;
    this._save = save;
    this._storyDate = storyDate;
    this._build(storyDate);
    this._dialog.showModal();
    this._plan.focus();
    return new Promise((resolve) => (this._resolve = resolve));
  }

  /** @param {string | null} storyDate */
  _build(storyDate) {
    const r = this._record;
    const c = this._collection || {};
    const unpaid = (r.invoices || []).filter((/** @type {any} */ i) => i.status === "impayee");
    const form = el("form", "payment-form");
    form.noValidate = true;
    form.append(el("h2", "", `Accord de paiement — ${recordName(r)}`));
    const box = el("fieldset", "pf-invoices");
    box.append(el("legend", "", "Factures concernées"));
    this._boxes = unpaid.map((/** @type {any} */ i) => {
      const lab = el("label", "inline");
      const b = document.createElement("input");
      b.type = "checkbox";
      b.value = i.number;
      b.dataset.amount = String(toCents(i.amount));
      b.checked = !c.invoices || c.invoices.includes(i.number);
      b.addEventListener("change", () => this._update());
      lab.append(b, ` ${i.number} — ${i.label || ""} — ${euros(toCents(i.amount))} (échue le ${dayText(i.due)})`);
      box.append(lab);
      return b;
    });
    if (!unpaid.length) box.append(el("p", "muted small", "Aucune facture impayée sur cette fiche : saisissez le montant."));
    this._amount = document.createElement("input");
    this._amount.inputMode = "decimal";
    this._amount.addEventListener("input", () => this._update(false));
    this._plan = document.createElement("select");
    const plans = c.plans && c.plans.length ? c.plans : [1, 2, 3, 4, 6].map((n) => ({ label: n === 1 ? "Paiement en une fois" : `${n} mensualités`, installments: n, interval_days: 30, fees: "0.00" }));
    this._plans = plans;
    plans.forEach((/** @type {{ label: string }} */ p, /** @type {number} */ i) => this._plan.append(new Option(p.label, String(i))));
    this._plan.addEventListener("change", () => this._update(false));
    this._first = document.createElement("input");
    this._first.type = "date";
    this._first.value = storyDate || new Date().toISOString().slice(0, 10);
    this._first.addEventListener("change", () => this._update(false));
    this._method = document.createElement("select");
    for (const m of c.payment_methods || ["Prélèvement", "Carte bancaire", "Virement", "Chèque"]) this._method.append(new Option(m, m));
    this._note = document.createElement("textarea");
    this._note.rows = 2;
    const grid = el("div", "grid2");
    grid.append(
      labelled("Montant dû (€)", this._amount),
      labelled("Échéancier", this._plan),
      labelled("Première échéance", this._first),
      labelled("Moyen de paiement", this._method),
    );
    this._schedule = el("div", "pf-schedule");
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    const buttons = el("div", "dialog-buttons");
    const cancel = el("button", "", "Annuler");
    cancel.type = "button";
    cancel.addEventListener("click", () => this._finish(null));
    const ok = el("button", "primary", "Enregistrer l'accord");
    ok.type = "submit";
    buttons.append(cancel, ok);
    form.append(box, grid, this._schedule, labelled("Commentaire", this._note), this._error, buttons);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const s = this._compute();
      if (!(s.amount > 0)) {
        this._error.textContent = "Le montant doit être positif.";
        return;
      }
      const problem = this._problem(s);
      if (problem) {
        this._error.textContent = problem;
        return;
      }
      const body = {
        invoices: this._boxes.filter((b) => b.checked).map((b) => b.value),
        amount: (s.amount / 100).toFixed(2),
        plan: s.plan.label,
        first_date: s.rows[0]?.date || this._first.value || null,
        fees: (s.fees / 100).toFixed(2),
        installments: s.rows.map((x) => ({ index: x.index, date: x.date, amount: (x.amount / 100).toFixed(2) })),
        payment_method: this._method.value,
        note: this._note.value.trim(),
      };
      if (!this._save) {
        this._finish(body);
        return;
      }
      ok.disabled = true;
      try {
        this._finish(await this._save(body));
      } catch (err) {
        this._error.textContent = /** @type {Error} */ (err).message; // refused: the form stays, nothing is lost
      } finally {
        ok.disabled = false;
      }
    });
    this._dialog.replaceChildren(form);
    this._amount.value = c.amount_due || "";
    this._update(!c.amount_due);
  }

  // The plan, the amount and the schedule as the form shows them now (the edited rows).
  _compute() {
    const plan = this._plans[Number(this._plan.value) || 0];
    const amount = toCents(this._amount.value);
    const fees = toCents(plan.fees || 0);
    const rows = (this._rowInputs || []).map(({ date, amount: a }, i) => ({ index: i + 1, date: date.value, amount: toCents(a.value) }));
    const min = plan.min_installment ? toCents(plan.min_installment) : 0;
    return { plan, amount, fees, rows, min, total: amount + fees };
  }

  // What the procedure refuses in the schedule shown (the server checks it again), or "".
  /** @param {{ plan: any, amount: number, fees: number, rows: Array<{ index: number, date: string, amount: number }>, min: number, total: number }} s */
  _problem(s) {
    const sum = s.rows.reduce((n, r) => n + (Number.isFinite(r.amount) ? r.amount : 0), 0);
    if (s.rows.some((r) => !r.date)) return "Chaque échéance a une date.";
    if (s.rows.some((r) => !(r.amount > 0))) return "Chaque échéance a un montant positif.";
    if (s.min && s.rows.some((r) => r.amount < s.min)) return `Chaque échéance doit être d'au moins ${euros(s.min)} selon la procédure.`;
    if (s.rows.some((r, i) => i > 0 && r.date <= s.rows[i - 1].date)) return "Les dates des échéances doivent se suivre.";
    const first = s.plan.first_within_days;
    if (first !== undefined && first !== null && this._storyDate && s.rows[0]?.date > addDays(this._storyDate, first)) {
      return `Première échéance au plus tard le ${dayText(addDays(this._storyDate, first))} selon la procédure.`;
    }
    const last = s.plan.last_within_days;
    if (last !== undefined && last !== null && this._storyDate && (s.rows.at(-1)?.date ?? "") > addDays(this._storyDate, last)) {
      return `Dernière échéance au plus tard le ${dayText(addDays(this._storyDate, last))} selon la procédure.`;
    }
    if (sum !== s.total) return `Les échéances font ${euros(sum)} : il reste ${euros(s.total - sum)} à répartir.`;
    return "";
  }

  // A new proposal from the plan (equal instalments from the first date), the rows editable.
  _propose() {
    const plan = this._plans[Number(this._plan.value) || 0];
    const amount = toCents(this._amount.value);
    const rows = installmentPlan(amount, plan.installments, {
      firstDate: this._first.value,
      intervalDays: plan.interval_days || 30,
      feesCents: toCents(plan.fees || 0),
    });
    const table = el("table", "pf-rows");
    const head = el("tr");
    head.append(el("th", "", "N°"), el("th", "", "Date"), el("th", "", "Montant (€)"));
    table.append(head);
    this._rowInputs = rows.map((r) => {
      const date = document.createElement("input");
      date.type = "date";
      date.value = r.date || "";
      date.setAttribute("aria-label", `Date de l'échéance ${r.index}`);
      const amount = document.createElement("input");
      amount.inputMode = "decimal";
      amount.value = Number.isFinite(r.amount) ? (r.amount / 100).toFixed(2).replace(".", ",") : "";
      amount.setAttribute("aria-label", `Montant de l'échéance ${r.index}`);
      for (const input of [date, amount]) input.addEventListener("input", () => this._check());
      const tr = el("tr");
      const cells = [el("td", "", String(r.index)), el("td"), el("td")];
      cells[1].append(date);
      cells[2].append(amount);
      tr.append(...cells);
      table.append(tr);
      return { date, amount };
    });
    this._total = el("p", "small pf-total");
    this._schedule.replaceChildren(el("h3", "", "Échéances (modifiables)"), table, this._total);
    this._check();
  }

  _check() {
    const s = this._compute();
    const sum = s.rows.reduce((n, r) => n + (Number.isFinite(r.amount) ? r.amount : 0), 0);
    this._total.textContent = `Total dû : ${euros(s.total)}${s.fees ? ` (dont frais ${euros(s.fees)})` : ""} · échéances : ${euros(sum)}`;
    this._error.textContent = s.amount > 0 ? this._problem(s) : "";
  }

  _update(fromInvoices = true) {
    if (fromInvoices) {
      const sum = this._boxes.filter((b) => b.checked).reduce((n, b) => n + Number(b.dataset.amount), 0);
      if (sum) this._amount.value = (sum / 100).toFixed(2).replace(".", ",");
    }
    this._propose();
  }

  /** @param {any} value the agreement, or null */
  _finish(value) {
    const resolve = this._resolve;
    this._resolve = null;
    if (this._dialog.open) this._dialog.close();
    if (resolve) resolve(value);
  }
}

if (!customElements.get("payment-form")) customElements.define("payment-form", PaymentForm);
