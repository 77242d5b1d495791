// <session-picker>: the organiser's sessions, and the form that creates one (centre, day, the
// exam format and optionally a scenario pack, from GET /api/catalogue).
//   picker.sessions = [SessionOut]; picker.catalogue = {titles, packs}; picker.catalogueError(msg)
//   events: "session-open" ({ id }), "session-create" ({ centre, day, title_id, format_id, pack_id })
//   picker.formResult(errorMessage | null)
import { button, el, field, input, select } from "./components/dom.js";
import { dayLabel } from "./components/format.js";

/** @typedef {import("./types/http.js").SessionOut} SessionOut */
/** @typedef {import("./types/http.js").CatalogueOut} CatalogueOut */
/** @typedef {import("./types/http.js").SessionCreate} SessionCreate */

function today() {
  const d = new Date();
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}


/** @param {number} total */
function minutesLabel(total) {
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h ? `${h} h ${String(m).padStart(2, "0")}` : `${m} min`;
}

export class SessionPicker extends HTMLElement {
  /** @type {HTMLDivElement} */
  _list;
  /** @type {HTMLParagraphElement} */
  _catalogueMsg;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLButtonElement} */
  _submit;
  /** @type {HTMLFormElement} */
  _form;
  /** @type {HTMLInputElement} */
  _centre;
  /** @type {HTMLInputElement} */
  _day;
  /** @type {HTMLSelectElement} */
  _format;
  /** @type {HTMLSelectElement} */
  _pack;
  /** @type {SessionOut[] | undefined} */
  _sessions;
  /** @type {CatalogueOut | undefined} */
  _catalogue;

  connectedCallback() {
    if (this._list) return;
    const listPanel = el("section", "panel");
    listPanel.append(el("h2", "", "Sessions d'examen"));
    this._list = el("div", "session-list");
    listPanel.append(this._list);

    const formPanel = el("section", "panel");
    formPanel.append(el("h2", "", "Nouvelle session"));
    const form = el("form", "session-form");
    form.noValidate = true;
    const [centreField, centre] = field("Centre d'examen", input("text", { maxlength: "200" }), {
      name: "centre",
      required: true,
    });
    const [dayField, day] = field("Date", input("date"), { name: "day", required: true });
    day.value = today();
    const [formatField, format] = field("Épreuve", select([]), { name: "format", required: true });
    const [packField, pack] = field("Pack de scénarios", select([]), { name: "pack" });
    this._catalogueMsg = el("p", "muted small");
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    this._submit = button("Créer la session", { type: "submit", className: "primary" });
    form.append(centreField, dayField, formatField, this._catalogueMsg, packField, this._error, this._submit);
    formPanel.append(form);
    this._form = form;
    this._centre = centre;
    this._day = day;
    this._format = format;
    this._pack = pack;
    format.addEventListener("change", () => this._fillPacks());
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this._create();
    });
    this.append(listPanel, formPanel);
    this._render();
  }

  /** @param {SessionOut[]} list the sessions (GET /api/sessions) */
  set sessions(list) {
    this._sessions = list;
    this._render();
  }

  /** @param {CatalogueOut} cat the formats and packs (GET /api/catalogue) */
  set catalogue(cat) {
    this._catalogue = cat;
    const groups = [];
    for (const t of cat.titles) {
      const group = document.createElement("optgroup");
      group.label = t.name;
      for (const f of t.formats) {
        const total = f.phases.reduce((s, p) => s + p.minutes, 0);
        group.append(new Option(`${f.name} — ${minutesLabel(total)}`, `${t.id}/${f.id}`));
      }
      groups.push(group);
    }
    this._format.replaceChildren(...groups);
    this._catalogueMsg.textContent = "";
    this._submit.disabled = groups.length === 0;
    this._fillPacks();
  }

  /** @param {string} message */
  catalogueError(message) {
    this._catalogueMsg.textContent = `Catalogue indisponible : ${message}`;
    this._catalogueMsg.className = "error small";
    this._submit.disabled = true;
  }

  /** @param {string | null | undefined} error */
  formResult(error) {
    this._submit.disabled = false;
    this._error.textContent = error || "";
    if (!error) {
      this._centre.value = "";
      this._centre.focus();
    }
  }

  _fillPacks() {
    const [titleId, formatId] = (this._format.value || "/").split("/");
    const packs = (this._catalogue?.packs || []).filter(
      (p) => p.title === titleId && p.formats.includes(formatId),
    );
    this._pack.replaceChildren(
      new Option("Sans pack (à choisir plus tard)", ""),
      ...packs.map((p) => new Option(`${p.name || p.id} — version ${p.version}`, p.id)),
    );
  }

  _create() {
    const centre = this._centre.value.trim();
    if (!centre) return this.formResult("Le centre d'examen est obligatoire.");
    if (!this._day.value) return this.formResult("La date est obligatoire.");
    if (!this._format.value) return this.formResult("Choisissez une épreuve.");
    const [titleId, formatId] = this._format.value.split("/");
    this._submit.disabled = true;
    this._error.textContent = "";
    /** @type {SessionCreate} the body of POST /api/sessions */
    const detail = {
      centre,
      day: this._day.value,
      title_id: titleId,
      format_id: formatId,
      pack_id: this._pack.value || null,
    };
    this.dispatchEvent(new CustomEvent("session-create", { detail }));
  }

  _render() {
    if (!this._list) return;
    const sessions = this._sessions || [];
    if (!sessions.length) {
      this._list.replaceChildren(el("p", "muted", "Aucune session pour l'instant."));
      return;
    }
    const table = el("table");
    const head = el("tr");
    for (const h of ["Date", "Centre", "Épreuve", "Pack", ""]) head.append(el("th", "", h));
    table.createTHead().append(head);
    const body = table.createTBody();
    for (const s of sessions) {
      const tr = el("tr");
      tr.dataset.sessionId = s.id;
      const open = button("Ouvrir", { className: "primary" });
      open.setAttribute("aria-label", `Ouvrir la session ${s.centre} du ${dayLabel(s.day)}`);
      open.addEventListener("click", () =>
        this.dispatchEvent(new CustomEvent("session-open", { detail: { id: s.id } })),
      );
      const pack = s.pack_label || (s.pack_snapshot_id ? "Oui" : "—");
      const cells = [dayLabel(s.day), s.centre, s.format_name, pack];
      for (const text of cells) tr.append(el("td", "", text));
      const td = el("td");
      td.append(open);
      tr.append(td);
      body.append(tr);
    }
    this._list.replaceChildren(table);
  }
}

if (!customElements.get("session-picker")) customElements.define("session-picker", SessionPicker);
