// <agenda-view>: the appointments and callbacks of every record, by day, and (for a
// prospecting campaign) the field representatives' free slots to book from.
//   agenda.items = [{ at, kind: "rendez_vous" | "rappel", record_id, record_name, contact, subject }];
//   agenda.slots = [{ representative, area, at, duration_minutes, taken }];
//   events: "record-open" { id }, "slot-pick" { slot }
import { el, keyedChildren, setText } from "../components/dom.js";
import { instantText } from "./crm-record.js";

const dayKey = (/** @type {string} */ iso) => String(iso).slice(0, 10);

/** @param {string} key YYYY-MM-DD */
function dayTitle(key) {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString("fr-FR", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

export class AgendaView extends HTMLElement {
  /** @type {HTMLDivElement} */
  _list;
  /** @type {HTMLDivElement} */
  _slots;
  /** @type {any} */
  _items;
  /** @type {any} */
  _slotList;
  /** @type {boolean} */
  _canBook;
  /** @type {WeakMap<HTMLElement, any>} each slot's row → the slot it shows now */
  _slotOf = new WeakMap();

  connectedCallback() {
    if (this._list) return;
    this.classList.add("agenda-view");
    this._list = el("div", "agenda-days");
    this._slots = el("div", "agenda-slots");
    this.append(el("h2", "", "Agenda des rendez-vous et rappels"), this._list, this._slots);
    this._render();
  }

  /** @param {any[] | null | undefined} list the appointments and callbacks (see above) */
  set items(list) {
    this._items = list || [];
    this._render();
  }

  /** @param {any[] | null | undefined} list the representatives' free slots */
  set slots(list) {
    this._slotList = list || [];
    this._render();
  }

  /** @param {boolean} value */
  set canBook(value) {
    this._canBook = Boolean(value);
    this._render();
  }

  // The days, their appointments and the slots, keyed and kept across renders with their
  // buttons (a record's name, « Réserver »), updated in place: the agenda is read again after
  // each action that plans something, and a button rebuilt between the press and the release
  // of a click fires no `click` (lost under load, as <crm-search>'s). A button acts on what
  // its element shows now.
  _render() {
    if (!this._list) return;
    const items = [...(this._items || [])].sort((a, b) => String(a.at).localeCompare(String(b.at)));
    if (!items.length) {
      this._list.replaceChildren(el("p", "muted", "Aucun rendez-vous ni rappel planifié."));
    } else {
      /** @type {Map<string, any[]>} */
      const days = new Map();
      for (const it of items) {
        const k = dayKey(it.at);
        if (!days.has(k)) days.set(k, []);
        /** @type {any[]} */ (days.get(k)).push(it);
      }
      keyedChildren(this._list, [...days], {
        key: ([k]) => k,
        create: () => {
          const sec = el("section", "agenda-day");
          sec.append(el("h3"), el("ul", "agenda-items"));
          return sec;
        },
        update: (sec, [k, list]) => {
          const [title, ul] = /** @type {HTMLElement[]} */ ([...sec.children]);
          setText(title, dayTitle(k));
          keyedChildren(ul, list, {
            key: (it) => `${it.at}|${it.kind}|${it.record_id}`,
            create: () => this._item(),
            update: (li, it) => this._showItem(li, it),
          });
        },
      });
    }
    const slots = this._slotList || [];
    keyedChildren(this._slots, slots.length ? ["title", "table"] : [], {
      key: (part) => part,
      create: (part) => (part === "title" ? el("h3", "", "Créneaux libres des commerciaux") : this._slotTable()),
      update: (node, part) => {
        if (part !== "table") return;
        keyedChildren(/** @type {HTMLElement} */ (node.lastElementChild), slots, {
          key: (s) => `${s.representative}|${s.at}`,
          create: () => this._slotRow(),
          update: (tr, s) => this._showSlot(tr, s),
        });
      },
    });
  }

  // An appointment's line, without its appointment: its button reads the record from itself.
  _item() {
    const li = el("li", "agenda-item");
    const who = el("button", "link-button");
    who.type = "button";
    who.addEventListener("click", () =>
      this.dispatchEvent(new CustomEvent("record-open", { detail: { id: who.dataset.id }, bubbles: true })),
    );
    li.append(el("span", "agenda-time"), el("span", "badge"), who, el("span", "agenda-subject"));
    return li;
  }

  /**
   * @param {HTMLElement} li
   * @param {any} it an appointment or a callback (see above)
   */
  _showItem(li, it) {
    li.className = `agenda-item kind-${it.kind || "rendez_vous"}`;
    const [time, badge, who, subject] = /** @type {HTMLElement[]} */ ([...li.children]);
    setText(time, String(it.at).slice(11, 16).replace(":", " h "));
    setText(badge, it.kind === "rappel" ? "Rappel" : "Rendez-vous");
    setText(who, it.record_name || it.record_id || "");
    who.dataset.id = it.record_id;
    setText(subject, [it.contact, it.subject].filter(Boolean).join(" — "));
  }

  _slotTable() {
    const table = el("table", "crm-table");
    const head = el("tr");
    for (const h of ["Commercial", "Secteur", "Créneau", ""]) head.append(el("th", "", h));
    const thead = el("thead");
    thead.append(head);
    table.append(thead, el("tbody"));
    return table;
  }

  // A slot's row, without its slot: « Réserver » picks the slot the row shows now.
  _slotRow() {
    const tr = el("tr");
    const b = el("button", "small-button");
    b.type = "button";
    b.addEventListener("click", () => this.dispatchEvent(new CustomEvent("slot-pick", { detail: { slot: this._slotOf.get(tr) } })));
    const cells = [el("td"), el("td"), el("td"), el("td")];
    cells[3].append(b);
    tr.append(...cells);
    return tr;
  }

  /**
   * @param {HTMLElement} tr
   * @param {any} s a representative's slot (see above)
   */
  _showSlot(tr, s) {
    this._slotOf.set(tr, s);
    tr.className = s.taken ? "taken" : "";
    const [who, area, when, cell] = /** @type {HTMLElement[]} */ ([...tr.children]);
    setText(who, s.representative);
    setText(area, s.area);
    setText(when, `${instantText(s.at)} (${s.duration_minutes} min)`);
    const b = /** @type {HTMLButtonElement} */ (cell.firstElementChild);
    setText(b, s.taken ? "Pris" : "Réserver");
    b.disabled = Boolean(s.taken) || !this._canBook;
  }
}

if (!customElements.get("agenda-view")) customElements.define("agenda-view", AgendaView);
