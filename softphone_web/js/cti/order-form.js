// <order-form>: records an order on a customer record — catalogue lines (unavailable items
// flagged, substitutes suggested), quantities, shipping (free above a threshold), the VAT per
// rate and the totals computed as the candidate types, and the payment method.
//
//   const result = await form.ask({ record, catalogue, desk });   // null when cancelled
//   desk (the simulation's order desk, optional): { items, substitutes, add_ons,
//         payment_methods, shipping, free_shipping_from }
//   result: { lines: [{ ref, label, quantity, unit_price, vat_rate }], payment_method, note,
//             shipping, totals }
import { el } from "../components/dom.js";
import { euros, orderTotals, toCents } from "./money.js";
import { recordName } from "./crm-record.js";

export class OrderForm extends HTMLElement {
  /** @type {HTMLDialogElement} */
  _dialog;
  /** @type {any[]} */
  _catalogue;
  /** @type {any} */
  _desk;
  /** @type {any[]} */
  _lines;
  /** @type {null | ((value: any) => void)} */
  _resolve;
  /** @type {HTMLSelectElement} */
  _pick;
  /** @type {HTMLInputElement} */
  _qty;
  /** @type {HTMLParagraphElement} */
  _hint;
  /** @type {HTMLDivElement} */
  _linesBox;
  /** @type {HTMLDivElement} */
  _totalsBox;
  /** @type {HTMLSelectElement} */
  _pay;
  /** @type {HTMLTextAreaElement} */
  _note;
  /** @type {HTMLParagraphElement} */
  _error;

  connectedCallback() {
    if (this._dialog) return;
    this._dialog = el("dialog", "action-dialog wide-dialog order-dialog");
    this.append(this._dialog);
    this._dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this._finish(null);
    });
  }

  /**
   * @param {{ record: Record<string, any>, catalogue?: any[], desk?: any, error?: string }} options
   * @returns {Promise<any>} the order, or null: cancelled
   */
  ask({ record, catalogue = [], desk = null, error = "" }) {
    this._catalogue = catalogue.filter((i) => !record.principal || i.principal === record.principal);
    this._desk = desk;
    this._lines = [];
    this._build(record, error);
    this._dialog.showModal();
    this._pick.focus();
    return new Promise((resolve) => (this._resolve = resolve));
  }

  /** @param {string} text */
  set error(text) {
    if (this._error) this._error.textContent = text || "";
  }

  /** @param {string} ref */
  _item(ref) {
    return this._catalogue.find((i) => i.ref === ref);
  }

  /**
   * @param {Record<string, any>} record
   * @param {string} error
   */
  _build(record, error) {
    const form = el("form", "order-form");
    form.noValidate = true;
    form.append(el("h2", "", `Commande — ${recordName(record)}`));
    const desk = this._desk || {};
    const offered = new Set([...(desk.items || []), ...(desk.add_ons || [])]);
    const items = offered.size ? this._catalogue.filter((i) => offered.has(i.ref)) : this._catalogue;
    const others = this._catalogue.filter((i) => !items.includes(i));
    this._pick = document.createElement("select");
    this._pick.id = "order-item";
    const group = (/** @type {string} */ label, /** @type {any[]} */ list) => {
      const g = document.createElement("optgroup");
      g.label = label;
      for (const i of list) {
        const o = new Option(`${i.ref} — ${i.label} — ${euros(toCents(i.price))}${i.available === false ? " (indisponible)" : ""}`, i.ref);
        o.disabled = i.available === false;
        g.append(o);
      }
      return g;
    };
    this._pick.append(group(offered.size ? "Articles de la campagne" : "Catalogue", items));
    if (others.length) this._pick.append(group("Autres articles", others));
    this._qty = document.createElement("input");
    this._qty.type = "number";
    this._qty.min = "1";
    this._qty.value = "1";
    this._qty.id = "order-qty";
    this._qty.setAttribute("aria-label", "Quantité");
    const add = el("button", "", "Ajouter la ligne");
    add.type = "button";
    const pickRow = el("div", "row order-pick");
    const pl = el("label", "", "Article");
    pl.htmlFor = this._pick.id;
    const pw = el("div", "field grow");
    pw.append(pl, this._pick);
    const ql = el("label", "", "Quantité");
    ql.htmlFor = this._qty.id;
    const qw = el("div", "field qty");
    qw.append(ql, this._qty);
    pickRow.append(pw, qw, add);
    this._hint = el("p", "muted small order-hint");
    this._pick.addEventListener("change", () => this._showHint());
    add.addEventListener("click", () => this._addLine());
    this._linesBox = el("div", "order-lines");
    this._totalsBox = el("div", "order-totals");
    this._pay = document.createElement("select");
    this._pay.id = "order-payment";
    for (const m of desk.payment_methods || ["Carte bancaire", "Chèque", "Virement", "Prélèvement"]) this._pay.append(new Option(m, m));
    const payw = el("div", "field");
    const payl = el("label", "", "Moyen de paiement");
    payl.htmlFor = this._pay.id;
    payw.append(payl, this._pay);
    this._note = document.createElement("textarea");
    this._note.id = "order-note";
    this._note.rows = 2;
    const nw = el("div", "field");
    const nl = el("label", "", "Livraison, remarques");
    nl.htmlFor = this._note.id;
    nw.append(nl, this._note);
    this._error = el("p", "error", error);
    this._error.setAttribute("role", "alert");
    const buttons = el("div", "dialog-buttons");
    const cancel = el("button", "", "Annuler");
    cancel.type = "button";
    cancel.addEventListener("click", () => this._finish(null));
    const ok = el("button", "primary", "Enregistrer la commande");
    ok.type = "submit";
    buttons.append(cancel, ok);
    const extra = el("div", "grid2");
    extra.append(payw, nw);
    form.append(pickRow, this._hint, this._linesBox, this._totalsBox, extra, this._error, buttons);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!this._lines.length) {
        this._error.textContent = "Ajoutez au moins un article.";
        return;
      }
      const t = this._totals();
      this._finish({
        lines: t.lines.map(({ ref, label, quantity, unit_price, vat_rate }) => ({ ref, label, quantity, unit_price, vat_rate })),
        payment_method: this._pay.value,
        note: this._note.value.trim(),
        shipping: (t.shipping / 100).toFixed(2),
        totals: t,
      });
    });
    this._dialog.replaceChildren(form);
    this._showHint();
    this._renderLines();
  }

  _showHint() {
    const item = this._item(this._pick.value);
    const desk = this._desk || {};
    let text = item ? item.description || "" : "";
    const subs = (desk.substitutes || {})[this._pick.value];
    if (subs && subs.length) text += ` Substituts possibles : ${subs.join(", ")}.`;
    this._hint.textContent = text.trim();
  }

  _addLine() {
    const item = this._item(this._pick.value);
    const qty = Math.trunc(Number(this._qty.value));
    if (!item || item.available === false) return;
    if (!(qty >= 1)) {
      this._error.textContent = "Quantité : un nombre entier d'au moins 1.";
      return;
    }
    this._error.textContent = "";
    const existing = this._lines.find((l) => l.ref === item.ref);
    if (existing) existing.quantity += qty;
    else this._lines.push({ ref: item.ref, label: item.label, quantity: qty, unit_price: String(item.price), vat_rate: Number(item.vat_rate) });
    this._qty.value = "1";
    this._renderLines();
  }

  _totals() {
    const desk = this._desk || {};
    return orderTotals(this._lines, { shipping: desk.shipping ?? 0, freeShippingFrom: desk.free_shipping_from ?? null });
  }

  _renderLines() {
    const t = this._totals();
    if (!t.lines.length) {
      this._linesBox.replaceChildren(el("p", "muted small", "Aucune ligne."));
    } else {
      const table = el("table", "crm-table");
      const head = el("tr");
      for (const h of ["Réf.", "Article", "Qté", "PU TTC", "TVA", "Total TTC", ""]) head.append(el("th", "", h));
      table.append(head);
      t.lines.forEach((l, i) => {
        const tr = el("tr");
        const qty = document.createElement("input");
        qty.type = "number";
        qty.min = "1";
        qty.value = String(l.quantity);
        qty.className = "qty-input";
        qty.setAttribute("aria-label", `Quantité ${l.label}`);
        qty.addEventListener("change", () => {
          this._lines[i].quantity = Math.max(1, Math.trunc(Number(qty.value)) || 1);
          this._renderLines();
        });
        const rm = el("button", "small-button", "Retirer");
        rm.type = "button";
        rm.addEventListener("click", () => {
          this._lines.splice(i, 1);
          this._renderLines();
        });
        const cells = [l.ref, l.label, qty, euros(toCents(l.unit_price)), `${String(l.vat_rate).replace(".", ",")} %`, euros(l.total), rm];
        for (const c of cells) {
          const td = el("td");
          if (c instanceof Node) td.append(c);
          else td.textContent = c ?? "";
          tr.append(td);
        }
        table.append(tr);
      });
      this._linesBox.replaceChildren(table);
    }
    const dl = el("dl", "totals");
    const row = (/** @type {string} */ k, /** @type {string} */ v, cls = "") => {
      dl.append(el("dt", cls, k), el("dd", cls, v));
    };
    row("Articles TTC", euros(t.subtotal));
    const desk = this._desk || {};
    if (desk.shipping !== undefined && desk.shipping !== null) {
      const free = desk.free_shipping_from ? ` (offerts dès ${euros(toCents(desk.free_shipping_from))})` : "";
      row(`Frais de port${free}`, euros(t.shipping));
    }
    row("Total HT", euros(t.ht));
    for (const v of t.vat) row(`TVA ${String(v.rate).replace(".", ",")} % (base HT ${euros(v.base)})`, euros(v.amount));
    row("Total TTC", euros(t.total), "grand");
    this._totalsBox.replaceChildren(dl);
    this._totalsBox.dataset.total = String(t.total);
  }

  /** @param {any} value the order, or null */
  _finish(value) {
    const resolve = this._resolve;
    this._resolve = null;
    if (this._dialog.open) this._dialog.close();
    if (resolve) resolve(value);
  }
}

if (!customElements.get("order-form")) customElements.define("order-form", OrderForm);
