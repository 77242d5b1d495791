// <evaluation-grid>: the candidate's evaluation grid, part by part (each simulation in run
// order, the written replies, the technical interview): per competence its criteria word for
// word from the referential, each marked « Acquis » (acquis), « Non acquis » (non_acquis) or
// « Non observé » (non_observe), with a comment. Structure and derived statuses asked of the page
// (`evaluation-wanted`: GET …/evaluation), marks from the snapshot's « evaluation » part and `evaluation.mark` events
// (the other juror's marks appear live). Each mark is saved at once (`mark-save`: `evaluation.set_mark`),
// shown before the server answers and put back as it was if the server refuses it. Each save
// carries the version of the mark it was based on: when the other juror saved the same criterion
// in between, the server refuses it (« conflict ») and the grid says so, with their mark. Below, the « Noter » box (<pinned-notes>) and the
// synthesis (competences and transversal competences as the server derives them).
//
//   grid.bind(ctx);  grid.unbind();   // the page serves its requests (juror-grid-feeds.js)
//   grid.shownPart = "s03-…";   // the part shown (follows the call on the line by default)
//   grid.marks                  // confirmed marks as the server gave them
// Keyboard, on a criterion: A, N, O mark it; ↑ ↓ (Début, Fin) move; Entrée opens the comment
// (Ctrl+Entrée saves it, Échap goes back to the criterion).
import { el } from "../components/dom.js";
import { MarkBook, markKey, splitKey } from "./grid-marks.js";
import { competenceSection, gridHead, keyboardHelp, partNote } from "./grid-layout.js";
import { CriterionRow } from "./grid-row.js";
import { STATUS_LABELS, synthesisNodes } from "./grid-synthesis.js";
import { badgeTitle, countFor, heardWarning, keyAction, latestActivity, partLabel, progressOf, refusalWarning } from "./grid-view-state.js";
import { callsIn, evaluationIn, liveCall, upsertCall } from "./observer-common.js";
import "./pinned-notes.js";
import { RequestingPanel } from "./requesting-panel.js";

/** @typedef {import("../types/events.js").MarkOut} MarkOut */
/** @typedef {import("./grid-view-state.js").Criterion} Criterion */
/** @typedef {import("./grid-view-state.js").PartCompetence} PartCompetence */
/** @typedef {import("./grid-view-state.js").GridPart} GridPart */
/** @typedef {Error & { code?: string }} SaveError a refused mark (« conflict » when stale) */

export class EvaluationGrid extends RequestingPanel {
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
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  _refreshTimer;

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

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    this._actor = ctx.me ? `${ctx.me.role}:${ctx.me.subject_id}` : null;
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => {
      this._loadState(msg.state);
      if (!this._parts.length) this._fetch(ctx);
    });
    on("evaluation.mark", (msg) => {
      if (mine(msg) && msg.mark) this._heard(msg.mark);
    });
    on("call", (msg) => {
      if (!mine(msg) || !msg.call) return;
      const known = this._calls.some((c) => c.id === msg.call.id);
      upsertCall(this._calls, msg.call);
      // A new call: its simulation's part comes up (unless the juror unticked « Suivre »).
      if (!known && this._follow.checked && msg.call.simulation_id && this._hasPart(msg.call.simulation_id)) {
        this._showPart(msg.call.simulation_id);
      }
    });
    // The chat simulation, as a call: its first message brings its part up (a call on the line
    // keeps the grid; the juror can still choose another part).
    on("chat.message", (msg) => {
      const sim = mine(msg) && msg.message && msg.message.simulation_id;
      if (!sim) return;
      const known = this._chats.has(sim);
      this._chats.set(sim, Date.parse(msg.message.at) || Date.now());
      if (!known && this._follow.checked && !liveCall(this._calls) && this._hasPart(sim)) this._showPart(sim);
    });
    this._notes.bind(ctx);
    this._body.replaceChildren(el("p", "muted", "Chargement de la grille…"));
    this._loadState(ctx.snapshot());
    this._fetch(ctx);
  }

  unbound() {
    clearTimeout(this._refreshTimer);
    this._reset();
    if (this._body) {
      this._notes.unbind();
      this._select.replaceChildren();
      this._body.replaceChildren();
      this._synthesis.replaceChildren();
      this._message.textContent = "";
      this._saved.textContent = "";
    }
  }

  get marks() {
    return [...this._book.marks.values()];
  }

  // (Not `part`: that is the element's own DOMTokenList, for CSS ::part.)
  get shownPart() {
    return this._part;
  }

  /** @param {string | null} id */
  set shownPart(id) {
    this._showPart(id);
  }

  // ---- loading ------------------------------------------------------------------------------

  /** @param {import("./observer-common.js").JuryContext} ctx */
  async _fetch(ctx) {
    try {
      const data = await this.ask("evaluation-wanted", { candidateId: ctx.candidateId });
      if (this._ctx !== ctx) return;
      this._parts = data.parts || [];
      for (const m of data.marks || []) this._book.accept(m);
      this._notes.addNotes(data.notes);
      this._summary = data;
      this._fillSelect();
      const wanted = [this._part, ...this._latestActivity()].find((id) => id && this._hasPart(id));
      this._showPart(wanted || (this._parts[0] && this._parts[0].part));
      this._renderSynthesis();
    } catch (err) {
      if (this._ctx === ctx) this._body.replaceChildren(el("p", "error", `Grille indisponible : ${/** @type {Error} */ (err).message}`));
    }
  }

  /** @param {any} state the snapshot's state */
  _loadState(state) {
    if (!state || !this._ctx) return;
    this._calls = callsIn(state, this._ctx.candidateId);
    const conv = (((state.chat || {}).by_candidate || {})[this._ctx.candidateId] || {}).messages || [];
    for (const m of conv) {
      if (m.simulation_id) this._chats.set(m.simulation_id, Math.max(this._chats.get(m.simulation_id) || 0, Date.parse(m.at) || 0));
    }
    const ev = evaluationIn(state, this._ctx.candidateId);
    let changed = false;
    for (const m of (ev && ev.marks) || []) {
      if (this._book.isNews(m)) changed = this._book.accept(m) || changed;
    }
    if (changed && this._parts.length) {
      for (const key of this._rows.keys()) this._renderRow(key);
      this._afterChange();
    }
  }

  // The simulations by latest activity: the call on the line, then the latest call or chat.
  /** @returns {Array<string | null | undefined>} */
  _latestActivity() {
    return latestActivity(this._calls, this._chats, liveCall(this._calls));
  }


  /** @param {string | null | undefined} id */
  _hasPart(id) {
    return this._parts.some((p) => p.part === id);
  }

  // ---- marks ----------------------------------------------------------------------------------

  /** @param {string} key */
  _display(key) {
    return this._book.display(key);
  }

  // `evaluation.mark`: ours (echo) or the other juror's, shown live.
  /** @param {MarkOut} mark */
  _heard(mark) {
    if (!this._book.isNews(mark)) return;
    const key = markKey(mark.part, mark.competence, mark.criterion);
    const warning = heardWarning(mark, {
      actor: this._actor,
      current: this._book.get(key),
      pending: Boolean(this._display(key).pending),
      where: this._where(mark),
    });
    if (warning) this._warn(warning);
    this._book.accept(mark);
    this._renderRow(key);
    this._afterChange();
  }


  /** @param {MarkOut} m */
  _where(m) {
    return `le critère ${m.criterion} de ${m.competence}${m.part === this._part ? "" : ` (${this._partLabel(m.part)})`}`;
  }

  /**
   * @param {string} key
   * @param {string | null} value
   * @param {string} comment
   */
  async _save(key, value, comment) {
    const ctx = this._ctx;
    if (!ctx || !value) return;
    const [part, competence, criterion] = splitKey(key);
    const save = this._book.begin(key, value, comment);
    this._renderRow(key);
    this._saved.textContent = "Enregistrement…";
    try {
      const res = await this.ask("mark-save", {
        candidateId: ctx.candidateId,
        part,
        competence,
        criterion: Number(criterion),
        value,
        comment,
        base_version: save.expected - 1,
      });
      if (this._ctx !== ctx) return;
      const mark = res.mark;
      if (!this._actor) this._actor = mark.by;
      this._book.settle(key, save, mark);
      this._renderRow(key);
      this._afterChange();
      this._saved.textContent = `Enregistré à ${new Date().toLocaleTimeString("fr-FR")}.`;
    } catch (caught) {
      const err = /** @type {SaveError} */ (caught);
      if (this._ctx !== ctx) return;
      this._book.fail(key, save);
      this._renderRow(key);
      // A conflict: the other juror's mark arrives as an event (it may already be shown).
      this._warn(refusalWarning(err, { criterion, competence, back: this._display(key).value }).text);
      this._saved.textContent = "";
    }
  }

  /** @param {string} text */
  _warn(text) {
    this._message.textContent = text;
  }

  _afterChange() {
    this._updateCompetenceBadges();
    this._updateOptionCounts();
    clearTimeout(this._refreshTimer);
    const ctx = this._ctx;
    // The synthesis (derived by the server, transversal competences included), a moment later.
    this._refreshTimer = setTimeout(async () => {
      if (!ctx || this._ctx !== ctx) return;
      try {
        const data = await this.ask("evaluation-wanted", { candidateId: ctx.candidateId });
        if (this._ctx !== ctx) return;
        this._summary = data;
        this._renderSynthesis();
      } catch {
        /* the next change tries again */
      }
    }, 1200);
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

if (!customElements.get("evaluation-grid")) customElements.define("evaluation-grid", EvaluationGrid);
