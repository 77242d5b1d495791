// <evaluation-grid>: the candidate's evaluation grid, part by part (each simulation in run
// order, the written replies, the technical interview): per competence its criteria word for
// word from the referential, each marked « Acquis » (acquis), « Non acquis » (non_acquis) or
// « Non observé » (non_observe), with a comment. Structure and derived statuses asked of the page
// (`evaluation-wanted`: GET …/evaluation), marks from the snapshot's « evaluation » part and `evaluation.mark` events
// (the other juror's marks appear live). Each mark is saved at once (`mark-save`: `evaluation.set_mark`),
// shown before the server answers and put back as it was if the server refuses it. A save not
// yet answered is kept by the browser: the page that opens after this one went
// (a reload during a cut) sends it again (waiting-saves.js). Each save
// carries the version of the mark it was based on: when the other juror saved the same criterion
// in between, the server refuses it (« conflict ») and the grid says so, with their mark. Below, the « Noter » box (<pinned-notes>) and the
// synthesis (competences and transversal competences as the server derives them).
//
//   grid.bind(ctx);  grid.unbind();   // the page serves its requests (juror-grid-feeds.js)
//   grid.shownPart = "s03-…";   // the part shown (follows the call on the line by default)
//   grid.marks                  // confirmed marks as the server gave them
// Keyboard, on a criterion: A, N, O mark it; ↑ ↓ (Début, Fin) move; Entrée opens the comment
// (Ctrl+Entrée saves it, Échap goes back to the criterion).
// Its parts: grid-view.js draws it and handles the keys; this module binds it to the page,
// loads the grid and saves the marks; grid-view-state.js and grid-marks.js have no DOM.
import { el } from "../components/dom.js";
import { markKey, splitKey } from "./grid-marks.js";
import { WaitingSaves } from "./waiting-saves.js";
import { GridView } from "./grid-view.js";
import { heardWarning, latestActivity, refusalWarning } from "./grid-view-state.js";
import { callsIn, evaluationIn, liveCall, upsertCall } from "./observer-common.js";

/** @typedef {import("../types/events.js").MarkOut} MarkOut */
/** @typedef {Error & { code?: string }} SaveError a refused mark (« conflict » when stale) */

export class EvaluationGrid extends GridView {
  /** @type {WaitingSaves | null} the saves not answered yet, kept beyond the page */
  _waiting = null;
  _sentAgain = false;

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    this._actor = ctx.me ? `${ctx.me.role}:${ctx.me.subject_id}` : null;
    this._waiting = new WaitingSaves(this._actor && `plateau:marks:${this._actor}:${ctx.candidateId}`, isWaitingMark);
    this._sentAgain = false;
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
      this._sendWaiting(ctx);
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

  // The saves an earlier page of this juror left unanswered, sent again once (the grid loaded).
  /** @param {import("./observer-common.js").JuryContext} ctx */
  _sendWaiting(ctx) {
    if (this._sentAgain || this._ctx !== ctx || !this._waiting) return;
    this._sentAgain = true;
    for (const [key, waiting] of this._waiting.entries()) {
      if (!this._book.pending.has(key)) this._save(key, String(waiting.value), String(waiting.comment), Number(waiting.base_version));
    }
  }

  /**
   * @param {string} key
   * @param {string | null} value
   * @param {string} comment
   * @param {number} [base] the version it was based on, for a save sent again
   */
  async _save(key, value, comment, base) {
    const ctx = this._ctx;
    const saves = this._waiting;
    if (!ctx || !saves || !value) return;
    const [part, competence, criterion] = splitKey(key);
    const save = this._book.begin(key, value, comment, base);
    const waiting = saves.put(key, { value, comment, base_version: save.expected - 1 });
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
      saves.drop(key, waiting); // answered: stored
      if (this._ctx !== ctx) return;
      const mark = res.mark;
      if (!this._actor) this._actor = mark.by;
      this._book.settle(key, save, mark);
      this._renderRow(key);
      this._afterChange();
      this._saved.textContent = `Enregistré à ${new Date().toLocaleTimeString("fr-FR")}.`;
    } catch (caught) {
      const err = /** @type {SaveError & { refused?: boolean }} */ (caught);
      if (err && err.refused) saves.drop(key, waiting); // answered « non »: said, not kept
      if (this._ctx !== ctx) return;
      this._book.fail(key, save);
      this._renderRow(key);
      // A conflict: the other juror's mark arrives as an event (it may already be shown).
      this._warn(refusalWarning(err, { criterion, competence, back: this._display(key).value }).text);
      this._saved.textContent = "";
    }
  }

  _afterChange() {
    this._updateCompetenceBadges();
    this._updateOptionCounts();
    const ctx = this._ctx;
    if (!ctx) return;
    // The synthesis (derived by the server, transversal competences included), a moment later;
    // out of the page, once put back (`_later`: jury-panel.js).
    this._later("synthesis", () => this._refreshSynthesis(ctx), 1200);
  }

  /** @param {import("./observer-common.js").JuryContext} ctx */
  async _refreshSynthesis(ctx) {
    if (this._ctx !== ctx) return;
    try {
      const data = await this.ask("evaluation-wanted", { candidateId: ctx.candidateId });
      if (this._ctx !== ctx) return;
      this._summary = data;
      this._renderSynthesis();
    } catch {
      /* the next change tries again */
    }
  }
}

/** @param {any} m a mark kept by an earlier page */
const isWaitingMark = (m) => typeof m.value === "string" && typeof m.comment === "string" && Number.isInteger(m.base_version);

if (!customElements.get("evaluation-grid")) customElements.define("evaluation-grid", EvaluationGrid);
