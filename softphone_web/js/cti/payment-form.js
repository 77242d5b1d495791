// <payment-form>: records an amicable payment agreement — the unpaid invoices it covers, the
// plan (from the procedure when the simulation gives them), the first due date, the schedule
// computed (the last instalment takes the rounding), and the payment method.
//
//   const result = await form.ask({ record, collection, storyDate });   // null when cancelled
//   result: { invoices, amount, plan, installments: [{ index, date, amount }], payment_method, note }
import { el } from "../components/dom.js";
import { euros, installmentPlan, toCents } from "./money.js";
import { dayText, recordName } from "./crm-record.js";

function labelled(label, control) {
  control.id = control.id || `pf-${Math.random().toString(36).slice(2, 8)}`;
  const wrap = el("div", "field");
  const l = el("label", "", label);
  l.htmlFor = control.id;
  wrap.append(l, control);
  return wrap;
}

export class PaymentForm extends HTMLElement {
  connectedCallback() {
    if (this._dialog) return;
    this._dialog = el("dialog", "action-dialog wide-dialog payment-dialog");
    this.append(this._dialog);
    this._dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this._finish(null);
    });
  }

  ask({ record, collection = null, storyDate = null }) {
    this._record = record;
    this._collection = collection;
    this._build(storyDate);
    this._dialog.showModal();
    this._plan.focus();
    return new Promise((resolve) => (this._resolve = resolve));
  }

  _build(storyDate) {
    const r = this._record;
    const c = this._collection || {};
    const unpaid = (r.invoices || []).filter((i) => i.status === "impayee");
    const form = el("form", "payment-form");
    form.noValidate = true;
    form.append(el("h2", "", `Accord de paiement — ${recordName(r)}`));
    const box = el("fieldset", "pf-invoices");
    box.append(el("legend", "", "Factures concernées"));
    this._boxes = unpaid.map((i) => {
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
    plans.forEach((p, i) => this._plan.append(new Option(p.label, String(i))));
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
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const s = this._compute();
      if (!(s.amount > 0)) {
        this._error.textContent = "Le montant doit être positif.";
        return;
      }
      if (s.tooSmall) {
        this._error.textContent = `Chaque échéance doit être d'au moins ${euros(s.min)} selon la procédure.`;
        return;
      }
      this._finish({
        invoices: this._boxes.filter((b) => b.checked).map((b) => b.value),
        amount: (s.amount / 100).toFixed(2),
        plan: s.plan.label,
        first_date: this._first.value || null,
        fees: (s.fees / 100).toFixed(2),
        installments: s.rows.map((x) => ({ index: x.index, date: x.date, amount: (x.amount / 100).toFixed(2) })),
        payment_method: this._method.value,
        note: this._note.value.trim(),
      });
    });
    this._dialog.replaceChildren(form);
    this._amount.value = c.amount_due || "";
    this._update(!c.amount_due);
  }

  _compute() {
    const plan = this._plans[Number(this._plan.value) || 0];
    const amount = toCents(this._amount.value);
    const fees = toCents(plan.fees || 0);
    const rows = installmentPlan(amount, plan.installments, {
      firstDate: this._first.value,
      intervalDays: plan.interval_days || 30,
      feesCents: fees,
    });
    const min = plan.min_installment ? toCents(plan.min_installment) : 0;
    return { plan, amount, fees, rows, min, tooSmall: min > 0 && rows.some((r) => r.amount < min) };
  }

  _update(fromInvoices = true) {
    if (fromInvoices) {
      const sum = this._boxes.filter((b) => b.checked).reduce((n, b) => n + Number(b.dataset.amount), 0);
      if (sum) this._amount.value = (sum / 100).toFixed(2).replace(".", ",");
    }
    const s = this._compute();
    const ol = el("ol", "pf-rows");
    for (const r of s.rows) ol.append(el("li", "", `${dayText(r.date)} : ${euros(r.amount)}`));
    const total = el("p", "small");
    total.textContent = `Total : ${euros(s.amount + s.fees)}${s.fees ? ` (dont frais ${euros(s.fees)})` : ""}`;
    this._schedule.replaceChildren(el("h3", "", "Échéances"), ol, total);
    this._error.textContent = s.tooSmall ? `Échéance minimale : ${euros(s.min)}.` : "";
  }

  _finish(value) {
    const resolve = this._resolve;
    this._resolve = null;
    if (this._dialog.open) this._dialog.close();
    if (resolve) resolve(value);
  }
}

if (!customElements.get("payment-form")) customElements.define("payment-form", PaymentForm);
