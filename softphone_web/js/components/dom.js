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

/**
 * The children of `parent`, one per item, keyed: a child already there for an item's key
 * (its `data-key`) is kept and updated in place, a new key gets a new child, a key gone takes
 * its child away, and children are moved only when the order changed. A component fed live
 * data (a status, a fetched record) must not rebuild its buttons on each update: a click
 * pressed on an element and released on its replacement fires no `click`, and under load
 * that is how a juror's or a candidate's click was lost (CI beside two busy loops).
 * Listeners go on in `create`, once per element: they read what they act on from the element
 * (its dataset), never from the item the closure first saw. Children without a key (an
 * « empty » paragraph) are removed.
 * @template T
 * @template {HTMLElement} E
 * @param {HTMLElement} parent
 * @param {readonly T[]} items
 * @param {{
 *   key: (item: T, index: number) => string,
 *   create: (item: T, index: number) => E,
 *   update?: (node: E, item: T, index: number) => void,
 * }} how `create` makes the element and its listeners; `update`, run on new and kept
 *   elements alike, writes what the item shows
 * @returns {E[]} the children, in the items' order
 */
export function keyedChildren(parent, items, { key, create, update }) {
  /** @type {Map<string, E>} */
  const shown = new Map();
  for (const child of parent.children) {
    const k = child instanceof HTMLElement ? child.dataset.key : undefined;
    if (k !== undefined && !shown.has(k)) shown.set(k, /** @type {E} */ (child));
  }
  const nodes = items.map((item, i) => {
    const k = key(item, i);
    let node = shown.get(k);
    if (node) {
      shown.delete(k); // a key given twice gets a second element
    } else {
      node = create(item, i);
      node.dataset.key = k;
    }
    update?.(node, item, i);
    return node;
  });
  // The children gone go first, then only the elements out of place move — none when the
  // order is unchanged: a moved element leaves the document for an instant, which loses a
  // click pressed on it (Chromium drops a click whose mousedown node was removed) and its focus.
  const kept = new Set(nodes);
  for (const child of [...parent.children]) if (!kept.has(/** @type {E} */ (child))) child.remove();
  nodes.forEach((node, i) => {
    const at = parent.children[i];
    if (at !== node) parent.insertBefore(node, at || null);
  });
  return nodes;
}

/**
 * Sets a node's text only when it differs: an update in place leaves unchanged text alone.
 * @param {Node} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
