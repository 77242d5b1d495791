// <action-dialog>: a small modal form (native <dialog>: Esc cancels, focus stays inside) that
// asks for what an action needs — a reason, minutes, an instant — or only a confirmation.
//
//   const values = await dialog.ask({
//     title: "Mettre en pause", message: "Alice DURAND", confirm: "Mettre en pause",
//     fields: [{ name: "reason", label: "Motif", type: "textarea", required: true }],
//   });
//   if (values) ...   // null when cancelled; numbers for type "number"
//
// Field: { name, label, type: "text" | "textarea" | "number" | "datetime-local" | "select",
//          required, min, max, value, hint, options: [{ value, label }] }
let uid = 0;

export class ActionDialog extends HTMLElement {
  /** @type {HTMLHeadingElement} */
  _title;
  /** @type {HTMLParagraphElement} */
  _message;
  /** @type {HTMLDivElement} */
  _fields;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLButtonElement} */
  _cancel;
  /** @type {HTMLButtonElement} */
  _confirm;
  /** @type {HTMLDialogElement} */
  _dialog;
  /** @type {HTMLFormElement} */
  _form;
  /** @type {FieldSpec[]} */
  _specs;
  /** @type {Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>} */
  _inputs;

  /** @type {null | ((value: any) => void)} */
  _resolve;

  connectedCallback() {
    if (this._dialog) return;
    const dialog = document.createElement("dialog");
    dialog.className = "action-dialog";
    const form = document.createElement("form");
    form.method = "dialog";
    form.noValidate = true;
    this._title = document.createElement("h2");
    this._message = document.createElement("p");
    this._message.className = "muted";
    this._fields = document.createElement("div");
    this._error = document.createElement("p");
    this._error.className = "error";
    this._error.setAttribute("role", "alert");
    const buttons = document.createElement("div");
    buttons.className = "dialog-buttons";
    this._cancel = document.createElement("button");
    this._cancel.type = "button";
    this._cancel.textContent = "Annuler";
    this._confirm = document.createElement("button");
    this._confirm.type = "submit";
    this._confirm.className = "primary";
    buttons.append(this._cancel, this._confirm);
    form.append(this._title, this._message, this._fields, this._error, buttons);
    dialog.append(form);
    this.append(dialog);
    this._dialog = dialog;
    this._form = form;
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const values = this._collect();
      if (values) this._finish(values);
    });
    this._cancel.addEventListener("click", () => this._finish(null));
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this._finish(null);
    });
  }

  /**
   * @typedef {{ name: string, label: string, type?: string, required?: boolean, min?: number, max?: number, value?: string | number, options?: Array<{ value: string, label: string }>, [key: string]: any }} FieldSpec
   */
  /**
   * @param {{ title: string, message?: string, confirm?: string, danger?: boolean, fields?: FieldSpec[] }} options
   * @returns {Promise<Record<string, string | number> | null>} the values, or null: cancelled
   */
  ask({ title, message = "", confirm = "Valider", danger = false, fields = [] }) {
    if (this._resolve) this._finish(null);
    this._title.textContent = title;
    this._message.textContent = message;
    this._message.hidden = !message;
    this._confirm.textContent = confirm;
    this._confirm.className = danger ? "danger" : "primary";
    this._error.textContent = "";
    this._specs = fields;
    this._inputs = new Map();
    this._fields.replaceChildren(...fields.map((f) => this._field(f)));
    this._dialog.showModal();
    const first = this._inputs.values().next().value;
    (first || this._confirm).focus();
    return new Promise((resolve) => {
      this._resolve = resolve;
    });
  }

  /** @param {FieldSpec} spec */
  _field(spec) {
    const id = `action-dialog-${++uid}`;
    const wrap = document.createElement("div");
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = spec.required ? `${spec.label} *` : spec.label;
    let input;
    if (spec.type === "textarea") {
      input = document.createElement("textarea");
      input.rows = 3;
    } else if (spec.type === "select") {
      input = document.createElement("select");
      for (const o of spec.options || []) input.append(new Option(o.label, o.value));
    } else {
      input = document.createElement("input");
      input.type = spec.type || "text";
      if (spec.min !== undefined) input.min = String(spec.min);
      if (spec.max !== undefined) input.max = String(spec.max);
    }
    input.id = id;
    input.name = spec.name;
    if (spec.required) input.required = true;
    if (spec.value !== undefined && spec.value !== null) input.value = String(spec.value);
    this._inputs.set(spec.name, input);
    wrap.append(label, input);
    if (spec.hint) {
      const hint = document.createElement("small");
      hint.className = "muted";
      hint.textContent = spec.hint;
      wrap.append(hint);
    }
    return wrap;
  }

  _collect() {
    /** @type {Record<string, string | number>} */
    const values = {};
    for (const spec of this._specs) {
      const input = /** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */ (this._inputs.get(spec.name));
      const raw = input.value.trim();
      if (spec.required && !raw) return this._invalid(input, `« ${spec.label} » est obligatoire.`);
      if (spec.type === "number") {
        const n = raw === "" ? 0 : Number(raw);
        const bad =
          !Number.isInteger(n) ||
          (spec.min !== undefined && n < spec.min) ||
          (spec.max !== undefined && n > spec.max);
        if (bad) {
          return this._invalid(input, `« ${spec.label} » : un nombre entier de ${spec.min} à ${spec.max}.`);
        }
        values[spec.name] = n;
      } else {
        values[spec.name] = raw;
      }
    }
    return values;
  }

  /**
   * @param {HTMLElement} input
   * @param {string} message
   */
  _invalid(input, message) {
    this._error.textContent = message;
    input.focus();
    return null;
  }

  /** @param {Record<string, string | number> | null} values */
  _finish(values) {
    const resolve = this._resolve;
    this._resolve = null;
    if (this._dialog.open) this._dialog.close();
    if (resolve) resolve(values);
  }
}

if (!customElements.get("action-dialog")) customElements.define("action-dialog", ActionDialog);
