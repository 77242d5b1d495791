// <note-pad>: the candidate's notepad (the paper draft the RC allows): kept on the server, from
// the preparation to the end; read-only in the writing phase.
//   pad.store = { load: async () => ({ text }), save: async (text) => result };
//   pad.key = "plateau.notes.<cid>";  pad.readOnly = true;
import { el } from "../components/dom.js";
import { Autosaver, timeOfDay } from "./autosave.js";

export class NotePad extends HTMLElement {
  /** @type {HTMLTextAreaElement} */
  _area;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {any} */
  _key;
  /** @type {boolean} */
  _readOnly;
  /** @type {any} */
  _store;
  /** @type {Autosaver} */
  _saver;

  connectedCallback() {
    if (this._area) return;
    this.classList.add("note-pad");
    this._area = document.createElement("textarea");
    this._area.className = "note-area";
    this._area.spellcheck = true;
    this._area.setAttribute("aria-label", "Bloc-notes");
    this._area.placeholder = "Vos notes (elles restent disponibles pendant toute l'épreuve)…";
    this._status = el("p", "note-status muted small");
    this._status.setAttribute("aria-live", "polite");
    this.append(this._area, this._status);
    this._area.addEventListener("input", () => this._saver?.changed(this._area.value));
    this._area.addEventListener("blur", () => this._saver?.flush());
    this._applyReadOnly();
  }

  get value() {
    return this._area ? this._area.value : "";
  }

  /** @param {string} value */
  set key(value) {
    this._key = value;
  }

  /** @param {boolean} value */
  set readOnly(value) {
    this._readOnly = Boolean(value);
    if (this._readOnly) this._saver?.flush();
    this._applyReadOnly();
  }

  _applyReadOnly() {
    if (!this._area) return;
    this._area.readOnly = Boolean(this._readOnly);
    this.toggleAttribute("readonly", Boolean(this._readOnly));
    if (this._readOnly) this._status.textContent = "Lecture seule pendant la rédaction.";
  }

  // Loads the server copy; a newer local copy (typed but not yet saved) wins and is saved.
  /** @param {{ load: () => Promise<{ text: string, saved_at?: string | null } | null>, save: (text: string) => Promise<unknown> }} store */
  async load(store) {
    this._store = store;
    this._saver = new Autosaver({ key: this._key, interval: 3000, save: (text) => store.save(text) });
    this._saver.addEventListener("state", (ev) => this._show(/** @type {CustomEvent} */ (ev).detail));
    /** @type {{ text: string, saved_at?: string | null }} */
    let server = { text: "" };
    try {
      server = (await store.load()) || { text: "" };
    } catch (err) {
      this._status.textContent = `Bloc-notes indisponible : ${/** @type {Error} */ (err).message}`;
    }
    const local = Autosaver.pending(this._key);
    const text = local && local.value !== server.text ? local.value : server.text || "";
    if (this._area.value !== text && document.activeElement !== this._area) this._area.value = text;
    if (local && local.value !== server.text && !this._readOnly) this._saver.changed(local.value);
    else {
      Autosaver.forget(this._key);
      if (server.saved_at) this._show({ state: "saved", at: new Date(server.saved_at) });
    }
    this._applyReadOnly();
  }

  flush() {
    return this._saver?.flush();
  }

  /** @param {{ state: string, at?: Date, message?: string }} status */
  _show({ state, at, message }) {
    if (this._readOnly && state !== "saved") return;
    const text = {
      dirty: "Modifications en cours…",
      saving: "Enregistrement…",
      saved: at ? `Enregistré à ${timeOfDay(at)}` : "Enregistré",
      offline: "Hors ligne : vos notes sont gardées sur ce poste et seront envoyées.",
      refused: message || "Enregistrement refusé.",
    }[state];
    if (text) this._status.textContent = text;
    this.dataset.state = state;
  }
}

if (!customElements.get("note-pad")) customElements.define("note-pad", NotePad);
