// <proctor-extension>: the organiser's setting of a session — may the proctors extend a
// candidate's phase (préparation, rédaction), and by how many minutes at most at a time. The
// server checks it on each extension (server/exams/proctor_extension.py).
//   setting.show(minutes | null);  setting.result(errorMessage | null)
//   event "proctor-extension-save" ({ minutes: number | null })
// The console refreshes the session in the background (events, snapshots): `show` always says
// what is stored, but leaves the form alone while the organiser is changing it, until a save
// of theirs is answered without an error.
import { button, el, input } from "./dom.js";

export class ProctorExtension extends HTMLElement {
  /** @type {HTMLInputElement} */
  _allow;
  /** @type {HTMLInputElement} */
  _minutes;
  /** @type {HTMLButtonElement} */
  _save;
  /** @type {HTMLSpanElement} */
  _status;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLFormElement} */
  _form;
  /** the organiser changed the form since it last showed what is stored */
  _edited = false;

  connectedCallback() {
    if (this._form) return;
    const form = el("form", "pe-form");
    form.noValidate = true;
    this._allow = input("checkbox");
    this._allow.id = "pe-allow";
    const allow = el("label", "pe-allow", " Les surveillants peuvent prolonger la phase d'un candidat (préparation, rédaction)");
    allow.prepend(this._allow);
    this._minutes = input("number", { min: "1", max: "60", step: "1", "aria-label": "Minutes au plus par prolongation" });
    this._minutes.className = "pe-minutes";
    const limit = el("label", "pe-limit", "de ");
    limit.append(this._minutes, " min au plus à la fois");
    this._save = button("Enregistrer", { type: "submit" });
    this._status = el("span", "small muted pe-status");
    this._status.setAttribute("role", "status");
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this._allow.addEventListener("change", () => (this._minutes.disabled = !this._allow.checked));
    form.addEventListener("input", () => (this._edited = true));
    form.addEventListener("change", () => (this._edited = true));
    form.append(allow, limit, this._save, this._status);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const minutes = this._allow.checked ? Number(this._minutes.value) : null;
      this._save.disabled = true;
      /** @type {import("../types/http.js").ProctorExtensionIn} the body of PUT …/proctor-extension */
      const detail = { minutes };
      this.dispatchEvent(new CustomEvent("proctor-extension-save", { detail }));
    });
    this._form = form;
    this.append(form, this._error);
  }

  /** @param {number | null | undefined} minutes the longest extension a proctor may give, or none */
  show(minutes) {
    const allowed = minutes !== null && minutes !== undefined;
    this._status.textContent = allowed
      ? `Autorisé : ${minutes} min au plus par prolongation.`
      : "Non autorisé : seuls le responsable et le jury prolongent.";
    if (this._edited) return;
    this._allow.checked = allowed;
    this._minutes.value = String(minutes || 10);
    this._minutes.disabled = !allowed;
  }

  /** @param {string | null | undefined} error the save's refusal, or none: saved */
  result(error) {
    this._save.disabled = false;
    this._error.textContent = error || "";
    if (!error) this._edited = false; // what the form holds is what is stored
  }
}

if (!customElements.get("proctor-extension")) customElements.define("proctor-extension", ProctorExtension);
