// <evaluation-grid>'s drawing and keyboard (evaluation-grid.js tells what the grid is and does):
// its state, its parts built once, the part shown with its criteria's rows, the counts and the
// competences' badges, the server's synthesis, and the keys on a criterion. What a mark does
// (saved, checked against the other juror's) is defined by the class above this one.
import { el } from "../components/dom.js";
import { MarkBook, markKey } from "./grid-marks.js";
import { competenceSection, gridHead, keyboardHelp, partNote } from "./grid-layout.js";
import { CriterionRow } from "./grid-row.js";
import { STATUS_LABELS, synthesisNodes } from "./grid-synthesis.js";
import { badgeTitle, countFor, keyAction, partLabel, progressOf } from "./grid-view-state.js";
import "./pinned-notes.js";
import { RequestingPanel } from "./requesting-panel.js";

/** @typedef {import("./grid-view-state.js").Criterion} Criterion */
/** @typedef {import("./grid-view-state.js").PartCompetence} PartCompetence */
/** @typedef {import("./grid-view-state.js").GridPart} GridPart */

export class GridView extends RequestingPanel {
  /** @type {GridPart[]} */
  _parts;
  /** @type {MarkBook} */
  _book;
  /** @type {Map<string, CriterionRow>} */
  _rows;
  /** @type {import("./observer-common.js").CallOut[]} */
  _calls;
  /** @type {Map<string, number>} */
  _chats;
  /** @type {string | null} */
  _part;
  /** @type {any} */
  _summary;
  /** @type {HTMLSelectElement} */
  _select;
  /** @type {HTMLInputElement} */
  _follow;
  /** @type {HTMLParagraphElement} */
  _message;
  /** @type {HTMLParagraphElement} */
  _saved;
  /** @type {HTMLDivElement} */
  _body;
  /** @type {import("./pinned-notes.js").PinnedNotes} */
  _notes;
  /** @type {HTMLElement} */
  _synthesis;
  /** @type {string | null} */
  _actor;

  constructor() {
    super();
    this._reset();
  }

  _reset() {
    this._parts = [];
    this._book = new MarkBook();
    this._rows = new Map(); // key -> row elements
    this._calls = [];
    this._chats = new Map(); // chat simulation id -> instant of its latest message (ms)
    this._part = null;
    this._summary = null;
  }

  _build() {
    if (this._body) return;
    this.classList.add("evaluation-grid");
    const { head, select, follow } = gridHead((part) => this._showPart(part));
    this._select = select;
    this._follow = follow;
    const help = keyboardHelp();
    this._message = el("p", "eg-message");
    this._message.setAttribute("role", "alert");
    this._saved = el("p", "eg-saved small muted");
    this._saved.setAttribute("role", "status");
    this._body = el("div", "eg-body");
    this._notes = /** @type {import("./pinned-notes.js").PinnedNotes} */ (document.createElement("pinned-notes"));
    this._synthesis = el("section", "eg-synthesis");
    this.append(head, help, this._message, this._saved, this._body, this._notes, this._synthesis);
  }

  // ---- what a mark does: evaluation-grid.js ---------------------------------------------------

  /**
   * @param {string} _key
   * @param {string | null} _value
   * @param {string} _comment
   */
  async _save(_key, _value, _comment) {}

  /** @param {string} key */
  _display(key) {
    return this._book.display(key);
  }

  /** @param {string} text */
  _warn(text) {
    this._message.textContent = text;
  }

  // ---- rendering ------------------------------------------------------------------------------

  /** @param {string} id */
  _partLabel(id) {
    return partLabel(this._parts, id);
  }


  /** @param {GridPart} part */
  _countFor(part) {
    return countFor(part, (key) => this._display(key).value);
  }


  _fillSelect() {
    this._select.replaceChildren(
      ...this._parts.map((p) => new Option(`${this._partLabel(p.part)} (${this._countFor(p)})`, p.part)),
    );
    if (this._part) this._select.value = this._part;
  }

  _updateOptionCounts() {
    for (const opt of this._select.options) {
      const p = this._parts.find((x) => x.part === opt.value);
      if (p) opt.textContent = `${this._partLabel(p.part)} (${this._countFor(p)})`;
    }
  }

  /** @param {string | null | undefined} id */
  _showPart(id) {
    const part = this._parts.find((p) => p.part === id);
    if (!part || !id) return;
    const active = document.activeElement;
    const focused = this.contains(active) && Boolean(active && active.classList.contains("eg-crit"));
    this._part = id;
    this._select.value = id;
    this.dataset.part = id;
    this._rows = new Map();
    const sections = part.competences.map((comp) => competenceSection(comp, comp.criteria.map((c) => this._row(part, comp, c))));
    this._body.replaceChildren(...partNote(part), ...sections);
    const rows = [...this._rows.values()];
    if (rows.length) rows[0].li.tabIndex = 0;
    this._updateCompetenceBadges();
    if (focused && rows.length) rows[0].li.focus();
  }

  /**
   * @param {GridPart} part
   * @param {PartCompetence} comp
   * @param {Criterion} c
   */
  _row(part, comp, c) {
    const key = markKey(part.part, comp.code, c.index);
    const row = new CriterionRow(c, comp.code, {
      onMark: (value) => this._mark(key, value),
      onComment: (text) => this._saveComment(key, text),
      onOpenComment: () => this._openComment(key),
      onKey: (ev) => this._key(ev, key),
    });
    row.li.dataset.key = key;
    row.li.addEventListener("focus", () => this._focusRow(row.li));
    this._rows.set(key, row);
    this._renderRow(key);
    return row.li;
  }

  /** @param {string} key */
  _renderRow(key) {
    const row = this._rows.get(key);
    if (!row) return;
    const shown = this._display(key);
    const mark = this._book.get(key);
    row.render(shown, Boolean(!shown.pending && mark && this._actor && mark.by !== this._actor));
  }

  // A competence's marks over every part (grid-view-state.js).
  /** @param {string} code */
  _progressOf(code) {
    return progressOf(this._parts, code, (key) => this._display(key).value);
  }


  // Each competence's badge, all parts together: « en cours » while a part in which it was
  // marked still has criteria of it without a mark.
  _updateCompetenceBadges() {
    for (const section of this._body.querySelectorAll(".eg-comp")) {
      const progress = this._progressOf(/** @type {HTMLElement} */ (section).dataset.competence || "");
      const badge = /** @type {HTMLElement} */ (section.querySelector(".eg-comp-status"));
      badge.textContent = STATUS_LABELS[progress.status];
      badge.className = `badge eg-comp-status status-${progress.status}`;
      badge.title = badgeTitle(progress);
    }
  }

  // The server's synthesis; a competence still being marked says so there too.
  _renderSynthesis() {
    if (!this._summary) return;
    /** @type {Set<string>} */
    const inProgress = new Set(
      (this._summary.competences || []).map((/** @type {{ code: string }} */ c) => c.code).filter((/** @type {string} */ code) => this._progressOf(code).status === "en_cours"),
    );
    this._synthesis.replaceChildren(...synthesisNodes(this._summary, inProgress));
  }

  // ---- keyboard -------------------------------------------------------------------------------

  /** @param {HTMLElement} li */
  _focusRow(li) {
    for (const r of this._rows.values()) r.li.tabIndex = r.li === li ? 0 : -1;
  }

  /**
   * @param {KeyboardEvent} ev
   * @param {string} key
   */
  _key(ev, key) {
    const row = this._rows.get(key);
    if (!row) return; // (the row passes only its own keys, without Ctrl, Alt or ⌘)
    const rows = [...this._rows.values()];
    const action = keyAction(ev.key.toLowerCase(), rows.indexOf(row), rows.length);
    if (!action) return;
    ev.preventDefault();
    if ("mark" in action) {
      this._mark(key, action.mark);
    } else if ("focus" in action) {
      const next = rows[action.focus];
      this._focusRow(next.li);
      next.li.focus();
    } else {
      this._openComment(key);
    }
  }

  /**
   * @param {string} key
   * @param {string} value
   */
  _mark(key, value) {
    const cur = this._display(key);
    if (cur.value === value && !cur.pending) return; // nothing new
    this._message.textContent = "";
    this._save(key, value, cur.comment);
  }

  /** @param {string} key */
  _openComment(key) {
    const row = this._rows.get(key);
    if (!row) return;
    if (!this._display(key).value) {
      this._warn("Notez d'abord le critère (A, N ou O) : le commentaire accompagne la note.");
      return;
    }
    row.openComment();
  }

  /**
   * @param {string} key
   * @param {string} text
   */
  _saveComment(key, text) {
    const cur = this._display(key);
    if (!cur.value || text === cur.comment) return;
    this._save(key, cur.value, text);
  }
}
