// <agenda-view>: the appointments and callbacks of every record, by day, and (for a
// prospecting campaign) the field representatives' free slots to book from.
//   agenda.items = [{ at, kind: "rendez_vous" | "rappel", record_id, record_name, contact, subject }];
//   agenda.slots = [{ representative, area, at, duration_minutes, taken }];
//   events: "record-open" { id }, "slot-pick" { slot }
import { el } from "../components/dom.js";
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

  _render() {
    if (!this._list) return;
    const items = [...(this._items || [])].sort((a, b) => String(a.at).localeCompare(String(b.at)));
    if (!items.length) {
      this._list.replaceChildren(el("p", "muted", "Aucun rendez-vous ni rappel planifié."));
    } else {
      const days = new Map();
      for (const it of items) {
        const k = dayKey(it.at);
        if (!days.has(k)) days.set(k, []);
        days.get(k).push(it);
      }
      const nodes = [];
      for (const [k, list] of days) {
        const sec = el("section", "agenda-day");
        sec.append(el("h3", "", dayTitle(k)));
        const ul = el("ul", "agenda-items");
        for (const it of list) {
          const li = el("li", `agenda-item kind-${it.kind || "rendez_vous"}`);
          li.append(
            el("span", "agenda-time", String(it.at).slice(11, 16).replace(":", " h ")),
            el("span", "badge", it.kind === "rappel" ? "Rappel" : "Rendez-vous"),
          );
          const who = el("button", "link-button", it.record_name || it.record_id || "");
          who.type = "button";
          who.addEventListener("click", () =>
            this.dispatchEvent(new CustomEvent("record-open", { detail: { id: it.record_id }, bubbles: true })),
          );
          li.append(who, el("span", "agenda-subject", [it.contact, it.subject].filter(Boolean).join(" — ")));
          ul.append(li);
        }
        sec.append(ul);
        nodes.push(sec);
      }
      this._list.replaceChildren(...nodes);
    }
    const slots = this._slotList || [];
    if (!slots.length) {
      this._slots.replaceChildren();
      return;
    }
    const table = el("table", "crm-table");
    const head = el("tr");
    for (const h of ["Commercial", "Secteur", "Créneau", ""]) head.append(el("th", "", h));
    table.append(head);
    for (const s of slots) {
      const tr = el("tr", s.taken ? "taken" : "");
      const b = el("button", "small-button", s.taken ? "Pris" : "Réserver");
      b.type = "button";
      b.disabled = Boolean(s.taken) || !this._canBook;
      b.addEventListener("click", () => this.dispatchEvent(new CustomEvent("slot-pick", { detail: { slot: s } })));
      for (const c of [s.representative, s.area, `${instantText(s.at)} (${s.duration_minutes} min)`, b]) {
        const td = el("td");
        if (c instanceof Node) td.append(c);
        else td.textContent = c;
        tr.append(td);
      }
      table.append(tr);
    }
    this._slots.replaceChildren(el("h3", "", "Créneaux libres des commerciaux"), table);
  }
}

if (!customElements.get("agenda-view")) customElements.define("agenda-view", AgendaView);
