// <wrap-up-form>: the after-call step — a disposition code and a contact note, to complete
// before the next call (the softphone shows « Clôture » until then).
//   form.call = { call_id, number, direction, … };  form.codes = [{ code, label }];
//   form.recordName = "Mme Odile FERRAND";  form.error = "…";
//   form.offeredNote = "…";   // the contact note just written in the CRM: offered, editable
//   "wrap-up-submit" event: { call_id, disposition, note }
import { el } from "../components/dom.js";

export const DEFAULT_DISPOSITIONS = [
  { code: "traite", label: "Demande traitée" },
  { code: "vente", label: "Vente ou commande conclue" },
  { code: "rendez_vous", label: "Rendez-vous pris" },
  { code: "rappel", label: "Rappel planifié" },
  { code: "accord_paiement", label: "Accord de paiement" },
  { code: "enquete", label: "Questionnaire complété" },
  { code: "escalade", label: "Transmis au niveau 2 / escalade" },
  { code: "refus", label: "Refus du client" },
  { code: "injoignable", label: "Absent, répondeur ou injoignable" },
  { code: "faux_numero", label: "Faux numéro" },
];

export class WrapUpForm extends HTMLElement {
  /** @type {HTMLFormElement} */
  _form;
  /** @type {HTMLHeadingElement} */
  _title;
  /** @type {HTMLParagraphElement} */
  _sub;
  /** @type {HTMLSelectElement} */
  _code;
  /** @type {HTMLTextAreaElement} */
  _note;
  /** @type {HTMLButtonElement} */
  _submit;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLParagraphElement} */
  _offered;
  /** @type {any} */
  _codes;
  /** @type {any} */
  _call;
  /** @type {any} */
  _offeredText;
  /** @type {any} */
  _recordName;

  connectedCallback() {
    if (this._form) return;
    this.classList.add("wrap-up");
    this.setAttribute("role", "region");
    this.setAttribute("aria-label", "Clôture de l'appel");
    this._form = el("form", "wrap-up-form");
    this._form.noValidate = true;
    this._title = el("h2", "", "Clôture de l'appel");
    this._sub = el("p", "muted small");
    this._code = document.createElement("select");
    this._code.id = "wrap-code";
    this._code.required = true;
    this._note = document.createElement("textarea");
    this._note.id = "wrap-note";
    this._note.rows = 3;
    this._note.required = true;
    this._note.placeholder = "Motif de l'appel, réponse apportée, suite à donner…";
    const cl = el("label", "", "Code de clôture *");
    cl.htmlFor = this._code.id;
    const nl = el("label", "", "Note de contact *");
    nl.htmlFor = this._note.id;
    const left = el("div", "field");
    left.append(cl, this._code);
    const right = el("div", "field grow");
    right.append(nl, this._note);
    const row = el("div", "wrap-row");
    this._submit = el("button", "primary", "Clôturer l'appel");
    this._submit.type = "submit";
    row.append(left, right, this._submit);
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this._offered = el("p", "wrap-offered small");
    this._offered.hidden = true;
    this._form.append(this._title, this._sub, this._offered, row, this._error);
    this.append(this._form);
    this._form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!this._code.value) return this._bad(this._code, "Choisissez un code de clôture.");
      if (!this._note.value.trim()) return this._bad(this._note, "Écrivez la note de contact.");
      this._error.textContent = "";
      this.dispatchEvent(
        new CustomEvent("wrap-up-submit", {
          detail: { call_id: this._call?.call_id, disposition: this._code.value, note: this._note.value.trim() },
        }),
      );
    });
    this.codes = this._codes || DEFAULT_DISPOSITIONS;
  }

  /** @param {Array<{ code: string, label: string }> | null | undefined} list the dispositions */
  set codes(list) {
    this._codes = list && list.length ? list : DEFAULT_DISPOSITIONS;
    if (!this._code) return;
    const keep = this._code.value;
    this._code.replaceChildren(new Option("— choisir —", ""), ...this._codes.map((/** @type {{ code: string, label: string }} */ c) => new Option(c.label, c.code)));
    this._code.value = keep;
  }

  set call(call) {
    const changed = !this._call || !call || this._call.call_id !== call.call_id;
    this._call = call || null;
    if (!this._form) return;
    if (changed) {
      this._code.value = "";
      this._note.value = "";
      this._error.textContent = "";
      this._offeredText = "";
      this._offered.hidden = true;
    }
    this._render();
  }

  get call() {
    return this._call;
  }

  // The note written in the CRM during this call: put in the note box (once, if empty).
  /** @param {string} text */
  set offeredNote(text) {
    const note = (text || "").trim();
    if (!this._note || !note || note === this._offeredText) return;
    this._offeredText = note;
    if (!this._note.value.trim()) this._note.value = note;
    this._offered.textContent = "Note de contact reprise de la fiche client : vérifiez-la ou complétez-la.";
    this._offered.hidden = false;
  }

  /** @param {string} text */
  set recordName(text) {
    this._recordName = text || "";
    this._render();
  }

  /** @param {string} text */
  set error(text) {
    if (this._error) this._error.textContent = text || "";
  }

  /** @param {boolean} value */
  set busy(value) {
    if (this._submit) this._submit.disabled = Boolean(value);
  }

  focus() {
    this._code?.focus();
  }

  /**
   * @param {HTMLElement} input
   * @param {string} message
   */
  _bad(input, message) {
    this._error.textContent = message;
    input.focus();
  }

  _render() {
    if (!this._sub) return;
    const c = this._call;
    if (!c) return;
    const dir = c.direction === "outbound" ? "Appel sortant vers" : "Appel entrant du";
    this._sub.textContent = [`${dir} ${c.number_display || c.number || "numéro inconnu"}`, this._recordName].filter(Boolean).join(" — ");
  }
}

if (!customElements.get("wrap-up-form")) customElements.define("wrap-up-form", WrapUpForm);
