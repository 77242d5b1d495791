// <crm-record>: one customer record of the candidate's CRM — identity and contact details
// (editable), contracts, orders, invoices and balance, appointments and callbacks, payment
// agreements, and the contact history. Every phone number has a click-to-dial button.
//
//   rec.record = { id, kind, principal, civility, last_name, …, contracts, orders, invoices,
//                  appointments, history, consent, notes };
//   rec.principals = { "fibrelia": "Fibrélia", … };   rec.editable = false;  (writing phase)
//   events: "dial" { number }, "record-save" { id, changes }, "record-action" { action, id }
//           (action: "note" | "callback" | "order" | "agreement")
import { el, keyedChildren, setText } from "../components/dom.js";
import { euros, toCents } from "./money.js";
import { ACTIONS, CHANNELS, CONTRACT_STATUS, EDIT_FIELDS, INVOICE_STATUS, KIND_LABELS, dayText, fill, instantText, recordName, section, table } from "./crm-record-parts.js";

export { dayText, instantText, recordName } from "./crm-record-parts.js";
/** @typedef {import("./crm-record-parts.js").CrmRecordData} CrmRecordData */

export class CrmRecord extends HTMLElement {
  /** @type {HTMLDivElement} */
  _body;
  /** @type {any} */
  _msgText;
  /** @type {any} */
  _record;
  /** @type {any} */
  _principals;
  /** @type {boolean} */
  _editable;
  /** @type {HTMLParagraphElement} */
  _msg;
  /** @type {boolean} */
  _editing;

  connectedCallback() {
    if (this._body) return;
    this.classList.add("crm-record");
    this._body = el("div", "crm-record-body");
    this.append(this._body);
    this._render();
  }

  set record(r) {
    if ((r && r.id) !== (this._record && this._record.id)) this._msgText = ""; // another record
    this._record = r || null;
    if (!this._editing) this._render();
  }

  get record() {
    return this._record;
  }

  /** @param {Record<string, string> | null | undefined} map principal id → name */
  set principals(map) {
    this._principals = map || {};
    // A record drawn before the subject came names its principal now (not over an edit).
    if (!this._editing) this._render();
  }

  /** @param {boolean} value */
  set editable(value) {
    this._editable = Boolean(value);
    // Each timeline event sets it again: an edit form open stays, with what the candidate
    // typed, as long as the record may be edited (it was drawn over, and the record then
    // stayed frozen, its updates waiting for an edit no longer shown); closed once it may not.
    if (!this._editing) this._render();
    else if (!this._editable) this.stopEditing();
  }

  // The last action's confirmation; kept when the record is drawn again (a `crm.change`
  // event arriving after the answer redraws it).
  /** @param {string} text */
  set message(text) {
    this._msgText = text || "";
    if (this._msg) this._msg.textContent = this._msgText;
  }

  get messageText() {
    return this._msgText || "";
  }

  /**
   * @param {string} type
   * @param {object} detail
   */
  _fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  // The record's parts, keyed and kept across renders, its buttons with them (the actions, a
  // phone's « Appeler »), their text and state updated in place: the record is set again on
  // each upsert of it (its fresh copy after each action, each `crm.change`) and `editable` on
  // each timeline event, and a button rebuilt between the press and the release of a click
  // fires no `click` (lost under load, as <crm-search>'s). The buttons act on the record shown
  // now (`this._record`), never on the copy they were made for.
  _render() {
    if (!this._body) return;
    const r = this._record;
    if (!r) {
      this._body.replaceChildren(el("p", "muted crm-empty", "Aucune fiche ouverte. Cherchez un client, ou répondez à un appel : sa fiche s'ouvrira d'elle-même."));
      return;
    }
    /** @type {Array<[key: string, create: () => HTMLElement, update: (node: HTMLElement) => void]>} */
    const parts = [
      ["head", () => this._head(), (node) => this._showHead(node, r)],
      ["actions", () => el("div", "crm-actions"), (node) => this._showActions(node)],
      ["msg", () => this._message(), (node) => setText(node, this._msgText || "")],
      ["contact", () => section("Coordonnées", el("dl", "crm-contact")), (node) => this._showContact(/** @type {HTMLElement} */ (node.lastElementChild), r)],
      ["contracts", () => section("Contrats"), (node) => fill(node, table(
        [
          { label: "Réf.", value: (c) => c.ref },
          { label: "Offre", value: (c) => c.label },
          { label: "Début", value: (c) => dayText(c.start) },
          { label: "Fin", value: (c) => dayText(c.end) },
          { label: "Mensualité", num: true, value: (c) => (c.monthly_price ? euros(toCents(c.monthly_price)) : "") },
          { label: "Statut", value: (c) => CONTRACT_STATUS[c.status] || c.status },
        ],
        r.contracts || [],
        "Aucun contrat.",
      ))],
      ["orders", () => section("Commandes"), (node) => fill(node, table(
        [
          { label: "Réf.", value: (o) => o.ref },
          { label: "Date", value: (o) => dayText(o.date) },
          { label: "Articles", value: (o) => (o.lines || []).map((/** @type {any} */ l) => `${l.quantity} × ${l.label}`).join(" ; ") },
          { label: "Total TTC", num: true, value: (o) => euros(toCents(o.total)) },
          { label: "Statut", value: (o) => o.status },
        ],
        r.orders || [],
        "Aucune commande.",
      ))],
      ["invoices", () => section("Factures"), (node) => fill(node, table(
        [
          { label: "N°", value: (i) => i.number },
          { label: "Objet", value: (i) => i.label },
          { label: "Date", value: (i) => dayText(i.date) },
          { label: "Échéance", value: (i) => dayText(i.due) },
          { label: "Montant", num: true, value: (i) => euros(toCents(i.amount)) },
          { label: "Statut", value: (i) => INVOICE_STATUS[i.status] || i.status },
        ],
        r.invoices || [],
        "Aucune facture.",
      ))],
    ];
    if ((r.agreements || []).length) {
      parts.push(["agreements", () => section("Accords de paiement"), (node) => fill(node, table(
        [
          { label: "Échéancier", value: (a) => a.plan || "" },
          { label: "Montant", num: true, value: (a) => euros(toCents(a.total || a.amount)) },
          { label: "Échéances", value: (a) => (a.installments || []).map((/** @type {any} */ x) => `${dayText(x.date)} : ${euros(toCents(x.amount))}`).join(" ; ") },
          { label: "Moyen", value: (a) => a.payment_method || "" },
        ],
        r.agreements,
        "",
      ))]);
    }
    parts.push(
      ["agenda", () => section("Rendez-vous et rappels"), (node) => fill(node, table(
        [
          { label: "Quand", value: (a) => instantText(a.at) },
          { label: "Type", value: (a) => (a.kind === "rappel" ? "Rappel" : "Rendez-vous") },
          { label: "Avec", value: (a) => [a.contact, a.representative].filter(Boolean).join(" / ") },
          { label: "Objet", value: (a) => a.subject || "" },
        ],
        [
          ...(r.appointments || []).map((/** @type {any} */ a) => ({ ...a, kind: "rendez_vous" })),
          ...(r.callbacks || []).map((/** @type {any} */ a) => ({ ...a, kind: "rappel" })),
        ].sort((a, b) => String(a.at).localeCompare(String(b.at))),
        "Aucun rendez-vous.",
      ))],
      ["history", () => section("Historique des contacts"), (node) => fill(node, this._history(r))],
    );
    keyedChildren(this._body, parts, {
      key: ([key]) => key,
      create: ([, create]) => create(),
      update: (node, [, , update]) => update(node),
    });
  }

  _head() {
    const head = el("header", "crm-head");
    head.append(el("h2"), el("p", "crm-facts"));
    return head;
  }

  /**
   * @param {HTMLElement} head
   * @param {CrmRecordData} r
   */
  _showHead(head, r) {
    const [h, facts] = /** @type {HTMLElement[]} */ ([...head.children]);
    setText(h, recordName(r));
    const nodes = [el("span", `badge kind-${r.kind}`, KIND_LABELS[r.kind] || r.kind), " ", el("code", "", r.id)];
    const principal = (this._principals || {})[r.principal];
    if (principal) nodes.push(` · ${principal}`);
    if (r.segment) nodes.push(` · ${r.segment}`);
    if (r.since) nodes.push(` · client depuis le ${dayText(r.since)}`);
    const unpaid = (r.invoices || []).filter((/** @type {any} */ i) => i.status === "impayee");
    if (unpaid.length) {
      const due = unpaid.reduce((/** @type {number} */ n, /** @type {any} */ i) => n + toCents(i.amount), 0);
      nodes.push(" ", el("span", "badge alert", `Impayé : ${euros(due)}`));
    }
    facts.replaceChildren(...nodes);
  }

  // The actions while the calls run, each button kept: it acts on the record shown now.
  /** @param {HTMLElement} actions */
  _showActions(actions) {
    keyedChildren(actions, this._editable ? ACTIONS : [], {
      key: ([action]) => action,
      create: ([action, label]) => {
        const b = el("button", action === "note" ? "primary" : "", label);
        b.type = "button";
        b.dataset.action = action;
        b.addEventListener("click", () => {
          if (action === "edit") this._edit();
          else if (this._record) this._fire("record-action", { action, id: this._record.id });
        });
        return b;
      },
    });
  }

  _message() {
    this._msg = el("p", "crm-msg small ok");
    this._msg.setAttribute("role", "status");
    return this._msg;
  }

  /**
   * The contact details, a `dt` and a `dd` per line (the list's grid), kept by line: the
   * phones' `dd` holds their buttons.
   * @param {HTMLElement} dl
   * @param {CrmRecordData} r
   */
  _showContact(dl, r) {
    const c = r.consent || {};
    const yes = (/** @type {unknown} */ v) => (v ? "oui" : "non");
    /** @type {Array<[key: string, label: string, value: string | null | undefined]>} */
    const lines = [
      ["position", "Fonction", r.position],
      ["birth", "Naissance", r.birth_date ? dayText(r.birth_date) : ""],
      ["phones", "Téléphone", null],
      ["email", "Courriel", r.email],
      ["address", "Adresse", r.address ? `${r.address.street}, ${r.address.postcode} ${r.address.city}` : ""],
      ["consent", "Consentement prospection", `courriel ${yes(c.email)} · SMS ${yes(c.sms)} · téléphone ${yes(c.phone)}`],
      ["notes", "Observations", r.notes],
    ];
    const cells = lines
      .filter(([key, , value]) => key === "phones" || (value !== undefined && value !== null && value !== ""))
      .flatMap(([key, label, value]) => [
        { key: `${key}-label`, tag: "dt", text: label },
        { key, tag: "dd", text: value || "" },
      ]);
    keyedChildren(dl, cells, {
      key: (cell) => cell.key,
      create: (cell) => {
        const node = el(/** @type {"dt" | "dd"} */ (cell.tag));
        if (cell.key === "phones") node.append(el("span", "crm-phones"));
        return node;
      },
      update: (node, cell) => {
        if (cell.key === "phones") this._showPhones(/** @type {HTMLElement} */ (node.firstElementChild), r);
        else setText(node, cell.text);
      },
    });
  }

  /**
   * A button per phone number, kept by number: it dials the number it shows, for the record
   * shown now.
   * @param {HTMLElement} phones
   * @param {CrmRecordData} r
   */
  _showPhones(phones, r) {
    const list = (r.phones || []).map((/** @type {any} */ p) => {
      const display = String(p.display || p);
      return { display, number: p.digits || display.replace(/\D/g, "") };
    });
    keyedChildren(phones, list, {
      key: (p) => p.number,
      create: () => {
        const b = el("button", "dial-link small-button");
        b.type = "button";
        b.addEventListener("click", () => this._fire("dial", { number: b.dataset.number, record: this._record?.id }));
        return b;
      },
      update: (b, p) => {
        setText(b, `${p.display} · Appeler`);
        b.title = `Appeler le ${p.display}`;
        b.dataset.number = p.number;
      },
    });
  }

  /** @param {CrmRecordData} r */
  _history(r) {
    const items = [...(r.history || [])].sort((a, b) => String(b.at || b.date).localeCompare(String(a.at || a.date)));
    const ol = el("ol", "crm-history");
    for (const h of items) {
      const li = el("li");
      const when = h.at ? instantText(h.at) : dayText(h.date);
      li.append(el("span", "crm-when", `${when} · ${CHANNELS[h.channel] || h.channel || ""}`));
      if (h.disposition_label || h.disposition) li.append(" ", el("span", "badge", h.disposition_label || h.disposition));
      li.append(el("p", "", h.summary || h.text || ""));
      ol.append(li);
    }
    return items.length ? ol : el("p", "muted small", "Aucun contact.");
  }

  _edit() {
    const r = this._record;
    if (!r) return;
    this._editing = true;
    const form = el("form", "crm-edit");
    const grid = el("div", "crm-edit-grid");
    /** @type {Record<string, HTMLInputElement | HTMLSelectElement>} */
    const inputs = {};
    const current = {
      ...r,
      street: r.address?.street || "",
      postcode: r.address?.postcode || "",
      city: r.address?.city || "",
    };
    for (const [name, label, type, options] of EDIT_FIELDS) {
      let input;
      if (type === "select") {
        input = document.createElement("select");
        for (const o of options || []) input.append(new Option(o || "—", o));
      } else {
        input = document.createElement("input");
        input.type = type || "text";
      }
      input.id = `crm-${name}`;
      input.name = name;
      input.value = current[name] ?? "";
      const wrap = el("div", "field");
      const l = el("label", "", label);
      l.htmlFor = input.id;
      wrap.append(l, input);
      grid.append(wrap);
      inputs[name] = input;
    }
    const phones = document.createElement("input");
    phones.id = "crm-phones";
    phones.value = (r.phones || []).map((/** @type {any} */ p) => p.display || p).join(" ; ");
    const pw = el("div", "field");
    const pl = el("label", "", "Téléphones (séparés par ;)");
    pl.htmlFor = phones.id;
    pw.append(pl, phones);
    grid.append(pw);
    const consent = el("fieldset", "crm-consent");
    consent.append(el("legend", "", "Consentement prospection"));
    /** @type {Record<string, HTMLInputElement>} */
    const boxes = {};
    for (const [k, label] of [["email", "Courriel"], ["sms", "SMS"], ["phone", "Téléphone"]]) {
      const lab = el("label", "inline");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = Boolean((r.consent || {})[k]);
      boxes[k] = box;
      lab.append(box, ` ${label}`);
      consent.append(lab);
    }
    const notes = document.createElement("textarea");
    notes.id = "crm-notes";
    notes.rows = 3;
    notes.value = r.notes || "";
    const nw = el("div", "field");
    const nl = el("label", "", "Observations");
    nl.htmlFor = notes.id;
    nw.append(nl, notes);
    const buttons = el("div", "dialog-buttons");
    const cancel = el("button", "", "Annuler");
    cancel.type = "button";
    const save = el("button", "primary", "Enregistrer la fiche");
    save.type = "submit";
    buttons.append(cancel, save);
    form.append(el("h3", "", "Modifier la fiche"), grid, consent, nw, buttons);
    cancel.addEventListener("click", () => this.stopEditing());
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      /** @type {Record<string, unknown>} */
      const changes = {};
      for (const [name, input] of Object.entries(inputs)) {
        if (String(current[name] ?? "") !== input.value) changes[name] = input.value.trim();
      }
      const phoneList = phones.value.split(";").map((s) => s.trim()).filter(Boolean);
      const before = (r.phones || []).map((/** @type {any} */ p) => p.display || p);
      if (phoneList.join("|") !== before.join("|")) changes.phones = phoneList;
      const c = Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, b.checked]));
      if (["email", "sms", "phone"].some((k) => Boolean((r.consent || {})[k]) !== c[k])) changes.consent = c;
      if ((r.notes || "") !== notes.value) changes.notes = notes.value;
      this._fire("record-save", { id: r.id, changes });
    });
    this._body.replaceChildren(form);
    inputs.last_name.focus();
  }

  stopEditing() {
    this._editing = false;
    this._render();
  }
}

if (!customElements.get("crm-record")) customElements.define("crm-record", CrmRecord);
