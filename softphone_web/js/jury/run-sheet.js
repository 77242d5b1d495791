// <run-sheet>: the simulations of the candidate's pack in order, each with its state
// (« À faire », « En cours », « Faite », « Non jouée » with its reason); one is selected (its
// card is shown beside).
// Arrow keys move the selection, Enter/click selects. Fires "simulation-select" ({ id }).
//
//   sheet.simulations = runSheet.simulations;      // from GET /api/candidates/{cid}/subject/jury
//   sheet.statuses = { "s01-…": "done", "s02-…": "current" };   // default "todo"
//   sheet.reasons = { "s09-…": "Temps de la phase d'appels écoulé — …" };   // non jouée
//   sheet.selected = "s02-…";
import { el, keyedChildren, setText } from "../components/dom.js";

/** @type {Record<string, string>} */
export const STATE_LABELS = { todo: "À faire", current: "En cours", done: "Faite", skipped: "Non jouée" };

export class RunSheet extends HTMLElement {
  /** @type {HTMLOListElement} */
  _list;
  /** @type {HTMLParagraphElement} */
  _empty;
  /** @type {Record<string, string>} */
  _reasons;

  constructor() {
    super();
    /** @type {Array<import("./observer-common.js").JurySimulation>} */
    this._sims = [];
    /** @type {Record<string, string>} */
    this._statuses = {};
    /** @type {string | null} */
    this._selected = null;
  }

  connectedCallback() {
    if (this._list) return;
    this._list = el("ol", "run-sheet");
    this._list.setAttribute("aria-label", "Feuille de route des simulations");
    this._empty = el("p", "muted", "Aucune simulation : la session n'a pas de sujet.");
    this.append(this._empty, this._list);
    this._render();
  }

  /** @param {Array<import("./observer-common.js").JurySimulation> | null | undefined} list the run sheet (GET …/subject/jury) */
  set simulations(list) {
    this._sims = list || [];
    if (!this._sims.some((s) => s.id === this._selected)) this._selected = null;
    this._render();
  }

  get simulations() {
    return this._sims;
  }

  /** @param {Record<string, string> | null | undefined} map simulation id → todo, current, done or skipped */
  set statuses(map) {
    this._statuses = map || {};
    this._render();
  }

  /** @param {Record<string, string> | null | undefined} map simulation id → why it was not played */
  set reasons(map) {
    this._reasons = map || {};
    this._render();
  }

  get statuses() {
    return this._statuses;
  }

  /** @returns {string | null} */
  get selected() {
    return this._selected;
  }

  /** @param {string | null} id */
  set selected(id) {
    this._selected = id;
    this._render();
  }

  // The first simulation in progress, else the first still to do, else the last one.
  suggested() {
    const state = (/** @type {{ id: string }} */ s) => this._statuses[s.id] || "todo";
    const sim =
      this._sims.find((s) => state(s) === "current") ||
      this._sims.find((s) => state(s) === "todo") ||
      this._sims[this._sims.length - 1];
    return sim ? sim.id : null;
  }

  // A button per simulation, kept across renders (keyed by simulation) and updated in place:
  // the statuses arrive with every call and chat event, and a rebuild between the juror's
  // press and release lost the click — the juror then called on the simulation still
  // selected, the wrong one (CI beside two busy loops).
  _render() {
    if (!this._list) return;
    this._empty.hidden = this._sims.length > 0;
    const focusedId = this.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement).dataset.id : null;
    keyedChildren(this._list, this._sims, {
      key: (sim) => sim.id,
      create: () => this._item(),
      update: (li, sim, i) => this._show(li, sim, i),
    });
    // An element moved (the run sheet reordered) has lost the focus: given back.
    if (focusedId && /** @type {HTMLElement | null} */ (document.activeElement)?.dataset.id !== focusedId) {
      /** @type {HTMLElement | null} */ (this._list.querySelector(`[data-id="${CSS.escape(focusedId)}"]`))?.focus();
    }
  }

  // A simulation's item, without its simulation: its listeners read the id from the button.
  _item() {
    const li = el("li", "rs-item");
    const b = el("button", "rs-button");
    b.type = "button";
    const head = el("span", "rs-head");
    head.append(el("span", "rs-order"), el("span", "rs-kind"), el("span", "badge rs-state"));
    b.append(head, el("span", "rs-title"));
    b.addEventListener("click", () => this._pick(/** @type {string} */ (b.dataset.id)));
    b.addEventListener("keydown", (ev) => this._key(ev, /** @type {string} */ (b.dataset.id)));
    li.append(b);
    return li;
  }

  /**
   * @param {HTMLLIElement} li
   * @param {import("./observer-common.js").JurySimulation} sim
   * @param {number} i
   */
  _show(li, sim, i) {
    const state = this._statuses[sim.id] || "todo";
    li.className = `rs-item rs-${state}`;
    const b = /** @type {HTMLButtonElement} */ (li.firstElementChild);
    b.dataset.id = sim.id;
    b.setAttribute("aria-current", String(sim.id === this._selected));
    b.tabIndex = sim.id === (this._selected || this._sims[0].id) ? 0 : -1;
    const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (b.querySelector(`.${name}`));
    setText(part("rs-order"), String(sim.order ?? i + 1));
    setText(part("rs-kind"), sim.kind_label || sim.kind);
    const badge = part("rs-state");
    badge.className = `badge rs-state state-${state}`;
    setText(badge, STATE_LABELS[state]);
    setText(part("rs-title"), sim.title);
    const reason = state === "skipped" ? (this._reasons || {})[sim.id] : "";
    let shown = b.querySelector(".rs-reason");
    if (reason && !shown) b.append((shown = el("span", "rs-reason small")));
    if (reason && shown) setText(shown, reason);
    else shown?.remove();
  }

  /** @param {string} id */
  _pick(id) {
    this.selected = id;
    this.dispatchEvent(new CustomEvent("simulation-select", { detail: { id }, bubbles: true }));
  }

  /**
   * @param {KeyboardEvent} ev
   * @param {string} id the simulation of the button the key was pressed on
   */
  _key(ev, id) {
    const n = this._sims.length;
    const i = this._sims.findIndex((s) => s.id === id);
    if (i < 0) return;
    /** @type {Record<string, number>} */
    const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: n - 1 };
    const to = moves[ev.key];
    if (to === undefined || to < 0 || to >= n) return;
    ev.preventDefault();
    const next = this._sims[to].id;
    /** @type {HTMLElement | null} */ (this._list.querySelector(`[data-id="${CSS.escape(next)}"]`))?.focus();
  }
}

if (!customElements.get("run-sheet")) customElements.define("run-sheet", RunSheet);
