// <crm-search>: finds a record of the candidate's CRM by name, company, phone, e-mail, city or
// reference (accents and case ignored; a phone matches on its digits). ↑/↓ and Entrée.
//   search.records = [...];  search.selected = "JDL-10388";
//   "record-open" event: { id }
import { el, keyedChildren, setText } from "../components/dom.js";
import { recordName } from "./crm-record.js";

const fold = (/** @type {unknown} */ s) => String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/**
 * @param {Record<string, any>} r a CRM record
 * @param {string} query
 */
export function recordMatches(r, query) {
  const q = fold(query).trim();
  if (!q) return true;
  const digits = q.replace(/[\s.]/g, "");
  /** @type {string[]} */
  const phones = (r.phones || []).map((/** @type {any} */ p) => p.digits || String(p.display || p).replace(/\D/g, ""));
  if (/^\d{2,}$/.test(digits) && phones.some((p) => p.includes(digits))) return true;
  const hay = fold(
    [r.id, r.last_name, r.first_name, r.company, r.email, r.address?.city, r.address?.postcode, r.segment].join(" "),
  );
  return q.split(/\s+/).every((word) => hay.includes(word));
}

export class CrmSearch extends HTMLElement {
  /** @type {HTMLInputElement} */
  _input;
  /** @type {HTMLParagraphElement} */
  _count;
  /** @type {HTMLUListElement} */
  _list;
  /** @type {any} */
  _records;
  /** @type {any} */
  _selected;

  connectedCallback() {
    if (this._list) return;
    this.classList.add("crm-search");
    this._input = document.createElement("input");
    this._input.type = "search";
    this._input.placeholder = "Nom, société, téléphone, réf…";
    this._input.setAttribute("aria-label", "Rechercher une fiche");
    this._count = el("p", "muted small crm-count");
    this._list = el("ul", "crm-results");
    this._list.setAttribute("role", "listbox");
    this._list.setAttribute("aria-label", "Fiches");
    this.append(this._input, this._count, this._list);
    this._input.addEventListener("input", () => this._render());
    this._input.addEventListener("keydown", (ev) => this._key(ev));
    this._render();
  }

  /** @param {Array<Record<string, any>> | null | undefined} list */
  set records(list) {
    this._records = list || [];
    this._render();
  }

  /** @param {string | null} id */
  set selected(id) {
    this._selected = id;
    for (const li of this._list?.children || []) {
      li.setAttribute("aria-selected", String(/** @type {HTMLElement} */ (li).dataset.id === id));
    }
  }

  focus() {
    this._input?.focus();
  }

  // The results, keyed by record: a result already shown keeps its element (its text is
  // updated in place when the record changed), so a refresh — after each fetch of a record —
  // never loses a click in progress or the focus of the result the candidate is on.
  _render() {
    if (!this._list) return;
    const q = this._input.value;
    const hits = (this._records || []).filter((/** @type {Record<string, any>} */ r) => recordMatches(r, q));
    this._count.textContent = `${hits.length} fiche${hits.length > 1 ? "s" : ""}`;
    keyedChildren(this._list, hits, {
      key: (/** @type {Record<string, any>} */ r) => r.id,
      create: (/** @type {Record<string, any>} */ r) => this._item(r.id),
      update: (li, /** @type {Record<string, any>} */ r) => {
        const phone = (r.phones || [])[0];
        const name = recordName(r);
        const detail = `${r.id}${phone ? ` · ${phone.display || phone}` : ""}`;
        setText(/** @type {Element} */ (li.firstElementChild), name);
        setText(/** @type {Element} */ (li.lastElementChild), detail);
        li.setAttribute("aria-selected", String(r.id === this._selected));
      },
    });
  }

  /** @param {string} id */
  _item(id) {
    const li = el("li", "crm-hit");
    li.setAttribute("role", "option");
    li.dataset.id = id;
    li.tabIndex = -1;
    li.append(el("strong"), el("span", "muted small"));
    li.addEventListener("click", () => this._open(/** @type {string} */ (li.dataset.id)));
    li.addEventListener("keydown", (ev) => this._key(ev, li));
    return li;
  }

  /** @param {string} id */
  _open(id) {
    this.selected = id;
    this.dispatchEvent(new CustomEvent("record-open", { detail: { id }, bubbles: true }));
  }

  /**
   * @param {KeyboardEvent} ev
   * @param {HTMLElement} [li] the result the key was pressed on (none: the search field)
   */
  _key(ev, li) {
    const items = /** @type {HTMLElement[]} */ ([...this._list.children]);
    const at = li ? items.indexOf(li) : -1;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const next = items[Math.max(0, Math.min(items.length - 1, at + (ev.key === "ArrowDown" ? 1 : -1)))];
      next?.focus();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      const target = li || items[0];
      if (target) this._open(/** @type {string} */ (target.dataset.id));
    } else if (ev.key === "Escape" && li) {
      this._input.focus();
    }
  }
}

if (!customElements.get("crm-search")) customElements.define("crm-search", CrmSearch);
