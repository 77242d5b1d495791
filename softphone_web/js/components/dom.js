// Small DOM helpers for the custom elements: user text always goes in with textContent.
let uid = 0;

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string | number | null} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * A node the page's HTML must hold: its id, and its class when the caller needs one (an
 * `HTMLInputElement`, a custom element's class). A missing or different node is a broken page,
 * said at once by name rather than as « cannot read properties of null » later.
 * @template {Element} [T=HTMLElement]
 * @param {string} id
 * @param {new (...args: any[]) => T} [type] any: a constructor's parameters do not matter here
 * @returns {T}
 */
export function byId(id, type) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} manque dans la page`);
  const wanted = type || HTMLElement;
  if (!(node instanceof wanted)) throw new Error(`#${id} n'est pas un ${wanted.name}`);
  return /** @type {T} */ (/** @type {unknown} */ (node)); // narrowed by the instanceof above
}

/**
 * @param {string} text
 * @param {{ type?: "button" | "submit" | "reset", className?: string, action?: string }} [options]
 * @returns {HTMLButtonElement}
 */
export function button(text, { type = "button", className = "", action } = {}) {
  const b = el("button", className, text);
  b.type = type;
  if (action) b.dataset.action = action;
  return b;
}

// A labelled control: <div><label for>…</label><input id>…</div>; returns [wrapper, control].
/**
 * @template {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} T
 * @param {string} labelText
 * @param {T} control
 * @param {{ name?: string, required?: boolean }} [options]
 * @returns {[HTMLElement, T]}
 */
export function field(labelText, control, { name, required = false } = {}) {
  control.id = control.id || `f-${++uid}`;
  if (name) control.name = name;
  if (required) control.required = true;
  const label = el("label", "", labelText);
  label.htmlFor = control.id;
  const wrap = el("div", "field");
  wrap.append(label, control);
  return [wrap, control];
}

/**
 * @param {string} [type]
 * @param {Record<string, string>} [attrs]
 */
export function input(type = "text", attrs = {}) {
  const i = document.createElement("input");
  i.type = type;
  for (const [k, v] of Object.entries(attrs)) i.setAttribute(k, v);
  return i;
}

/**
 * @param {Array<{ label: string, value: string }>} options
 * @param {string} [value]
 */
export function select(options, value) {
  const s = document.createElement("select");
  for (const o of options) s.append(new Option(o.label, o.value));
  if (value !== undefined) s.value = value;
  return s;
}
