// <writing-editor>: one written reply, shaped by its channel — courriel (à, objet, message),
// courrier (expéditeur, destinataire, lieu et date, objet, corps, formule de politesse et
// signature), SMS (message, characters and segments counted against the task's limit).
//
//   editor.task = { id, channel, brief, max_length };
//   editor.value = { to, subject, body } …;   editor.value  → the fields as typed
//   editor.readOnly = true;                    // frozen at the deadline
//   events: "draft-input" (every change), "draft-blur" (focus left the editor)
import { el } from "../components/dom.js";
import { smsCount, nonGsmCharacters } from "./sms.js";

export const CHANNEL_LABELS = { courriel: "Courriel", courrier: "Courrier", sms: "SMS" };

/**
 * The fields of a reply by channel.
 * @type {Record<string, Array<{ name: string, label: string, type: "input" | "area", rows?: number, placeholder?: string, half?: boolean }>>}
 */
export const CHANNEL_FIELDS = {
  courriel: [
    { name: "to", label: "À", type: "input", placeholder: "adresse du destinataire" },
    { name: "subject", label: "Objet", type: "input" },
    { name: "body", label: "Message", type: "area", rows: 12 },
  ],
  courrier: [
    { name: "sender", label: "Expéditeur (nom et adresse)", type: "area", rows: 4, half: true },
    { name: "recipient", label: "Destinataire (nom et adresse)", type: "area", rows: 4, half: true },
    { name: "place_date", label: "Lieu et date", type: "input", placeholder: "Angers, le 17 mars 2026" },
    { name: "object", label: "Objet", type: "input" },
    { name: "body", label: "Corps du courrier", type: "area", rows: 12 },
    { name: "closing", label: "Formule de politesse et signature", type: "area", rows: 3 },
  ],
  sms: [{ name: "body", label: "Message", type: "area", rows: 6 }],
};

const words = (/** @type {string} */ s) => (s.trim() ? s.trim().split(/\s+/).length : 0);

export class WritingEditor extends HTMLElement {
  /** @type {HTMLDivElement} */
  _form;
  /** @type {HTMLParagraphElement} */
  _count;
  /** @type {any} */
  _task;
  /** @type {Record<string, unknown> | undefined} */
  _pending;
  /** @type {boolean} */
  _readOnly;
  /** @type {Record<string, HTMLInputElement | HTMLTextAreaElement>} */
  _inputs;

  connectedCallback() {
    if (this._form) return;
    this.classList.add("writing-editor");
    this._form = el("div", "we-form");
    this._count = el("p", "we-count muted small");
    this._count.setAttribute("aria-live", "polite");
    this.append(this._form, this._count);
    this.addEventListener("focusout", (ev) => {
      if (!this.contains(/** @type {Node | null} */ (ev.relatedTarget))) this.dispatchEvent(new CustomEvent("draft-blur"));
    });
    this._build();
  }

  set task(task) {
    this._task = task;
    if (this._form) this._build();
  }

  get task() {
    return this._task;
  }

  get value() {
    /** @type {Record<string, string>} */
    const out = {};
    for (const [name, input] of Object.entries(this._inputs || {})) out[name] = input.value;
    return out;
  }

  set value(v) {
    this._pending = { ...(v || {}) };
    this._fill();
  }

  /** @param {boolean} value */
  set readOnly(value) {
    this._readOnly = Boolean(value);
    for (const input of Object.values(this._inputs || {})) input.readOnly = this._readOnly;
    this.toggleAttribute("readonly", this._readOnly);
  }

  focusFirst() {
    const first = Object.values(this._inputs || {}).find((i) => !i.value) || Object.values(this._inputs || {})[0];
    first?.focus();
  }

  _build() {
    const task = this._task;
    if (!task) return;
    const fields = CHANNEL_FIELDS[task.channel] || CHANNEL_FIELDS.courriel;
    this._inputs = {};
    const nodes = [];
    let pair = null;
    for (const f of fields) {
      const input = document.createElement(f.type === "area" ? "textarea" : "input");
      input.id = `we-${task.id}-${f.name}`;
      input.name = f.name;
      input.spellcheck = true;
      input.lang = "fr";
      if (f.rows) /** @type {HTMLTextAreaElement} */ (input).rows = f.rows;
      if (f.placeholder) input.placeholder = f.placeholder;
      input.addEventListener("input", () => {
        this._counter();
        this.dispatchEvent(new CustomEvent("draft-input"));
      });
      const label = el("label", "", f.label);
      label.htmlFor = input.id;
      const wrap = el("div", `we-field we-${f.name}`);
      wrap.append(label, input);
      this._inputs[f.name] = input;
      if (f.half) {
        if (!pair) {
          pair = el("div", "we-pair");
          nodes.push(pair);
        }
        pair.append(wrap);
      } else {
        pair = null;
        nodes.push(wrap);
      }
    }
    this._form.replaceChildren(...nodes);
    this.dataset.channel = task.channel;
    this._fill();
    this.readOnly = this._readOnly;
  }

  _fill() {
    if (!this._inputs || !this._pending) return;
    for (const [name, input] of Object.entries(this._inputs)) {
      const v = this._pending[name];
      if (typeof v === "string" && input.value !== v) input.value = v;
    }
    this._counter();
  }

  _counter() {
    const task = this._task;
    if (!task || !this._inputs) return;
    const body = this._inputs.body ? this._inputs.body.value : "";
    if (task.channel === "sms") {
      const c = smsCount(body);
      const max = task.max_length || null;
      let text = `${c.characters} caractère${c.characters > 1 ? "s" : ""}`;
      if (max) text += ` sur ${max}`;
      text += ` · ${c.segments} SMS (${c.encoding})`;
      const odd = nonGsmCharacters(body);
      if (c.encoding === "Unicode" && odd.length) text += ` — caractères hors alphabet SMS : ${odd.slice(0, 6).join(" ")}`;
      this._count.textContent = text;
      const over = max !== null && c.characters > max;
      this._count.classList.toggle("error", over);
      this.dataset.over = String(over);
      this.dataset.segments = String(c.segments);
      this.dataset.characters = String(c.characters);
    } else {
      const n = [...body].length;
      this._count.textContent = `${words(body)} mot${words(body) > 1 ? "s" : ""} · ${n} caractère${n > 1 ? "s" : ""}`;
    }
  }
}

if (!customElements.get("writing-editor")) customElements.define("writing-editor", WritingEditor);
