// <candidate-board actions="pause resume">: one row per candidate of a session — phase and
// live countdown (<phase-clock>), status, connection, last incidents and the actions the page
// allows. The page feeds it (load, applyTimeline, applyPresence, addIncident) and handles the
// "board-action" event ({ action, candidateId, name, state }) it fires on a button.
//
// Actions: start, plan, accommodation (before the start), pause, resume, extend, endphase
// (a timed phase ends now, the next one starts), close (the exam is closed, with its reason).
// limit-phases="preparation redaction": endphase and close only during these phases (the
// proctor's; the server refuses the others anyway).
// With the simulations' progress (applyProgress, organiser's console): under the clock, how
// many were played, remain or were not played, the time left, and « Temps insuffisant » when
// the remaining ones no longer fit (turned on by the page's clock at `fits_until`).
import "./phase-clock.js";
import { serverNow } from "../clock.js";
import { el } from "./dom.js";
import { newBoardRow } from "./board-row.js";
import { SHOWN_INCIDENTS, accommodationText, actionsFor, durationText, incidentCount, linkText, plannedText, reasonText } from "./board-row-state.js";
import { clockTime } from "./format.js";
import { countsText, mins, reading, timeText } from "./progress-text.js";

/** @typedef {import("../types/events.js").ProgressOut} ProgressOut */
/** @typedef {import("../types/events.js").TimelineChanged["state"]} TimelineState the candidate's timeline (untyped JSON) */
/**
 * An incident as the board lists it (the overview's, or an `incident` event's).
 * @typedef {{ at: string, kind: string, label: string, detail?: string | null, candidate_id?: string }} BoardIncident
 */
/**
 * What load() takes (from the overview, or from the snapshot's `state.exam`).
 * @typedef {object} BoardData
 * @property {string[]} [order]
 * @property {Record<string, string>} [names]
 * @property {Record<string, string>} [info]
 * @property {Record<string, string | null>} [planned]
 * @property {Record<string, { timeline?: TimelineState | null, connected?: boolean, connected_since?: string | null, incidents?: BoardIncident[] }>} [candidates]
 */
/** @typedef {import("./board-row.js").BoardCells} BoardCells */
/** @typedef {import("./board-row.js").BoardRow} BoardRow */
/**
 * A "board-action" event's detail.
 * @typedef {{ action: string, candidateId: string, name: string, state: TimelineState | null | undefined }} BoardActionDetail
 */

// What a row says (its actions, reasons, texts): board-row-state.js; the two texts the pages
// imported from here stay importable from here.
export { accommodationText, durationText };

export class CandidateBoard extends HTMLElement {
  /** @type {HTMLTableSectionElement} */
  _body;
  /** @type {HTMLParagraphElement} */
  _empty;
  /** @type {HTMLTableElement} */
  _table;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  _tick;

  constructor() {
    super();
    /** @type {Map<string, BoardRow>} */
    this.rows = new Map();
  }

  connectedCallback() {
    // The simulations' warning turns on by the clock: re-read each row's progress every second.
    this._tick ||= setInterval(() => {
      for (const row of this.rows.values()) if (row.progress) this._progress(row);
    }, 1000);
    if (this._table) return;
    const table = el("table", "board");
    const head = el("tr");
    for (const h of ["Candidat", "Phase et temps", "Statut", "Connexion", "Incidents", "Actions"]) {
      const th = el("th", "", h);
      th.scope = "col";
      head.append(th);
    }
    table.createTHead().append(head);
    this._body = table.createTBody();
    this._empty = el("p", "muted", "Aucun candidat dans cette session.");
    this._table = table;
    this.append(table, this._empty);
    this._render();
  }

  get allowed() {
    return new Set((this.getAttribute("actions") || "").split(/\s+/).filter(Boolean));
  }

  // The phases during which endphase/close are offered (all when the attribute is absent).
  get limitPhases() {
    const raw = this.getAttribute("limit-phases");
    return raw === null ? null : new Set(raw.split(/\s+/).filter(Boolean));
  }

  /** @param {string} candidateId */
  has(candidateId) {
    return this.rows.has(candidateId);
  }

  /** @param {string} candidateId */
  name(candidateId) {
    return this.rows.get(candidateId)?.name || "";
  }

  // data: { order: [id], names: {id: name}, info: {id: subtitle}, planned: {id: iso|null},
  //         candidates: {id: { timeline, connected, connected_since, incidents: [...] }} }
  /** @param {BoardData} data */
  load(data) {
    const order = data.order || Object.keys(data.candidates || {});
    const next = new Map();
    for (const id of order) {
      const live = (data.candidates || {})[id] || {};
      const row = this.rows.get(id) || this._newRow(id);
      row.name = (data.names || {})[id] || id;
      row.info = (data.info || {})[id] || "";
      row.planned = (data.planned || {})[id] || null;
      const known = row.timeline;
      const fresher = known && live.timeline && Date.parse(known.now) > Date.parse(live.timeline.now);
      row.timeline = fresher ? known : live.timeline || null; // keep a newer event's state
      row.connected = Boolean(live.connected);
      row.since = live.connected_since || null;
      // Incidents only accumulate: an overview read before an incident event must not drop it.
      const heard = (row.incidents || []).filter((i) => !(live.incidents || []).some((j) => j.at === i.at && j.kind === i.kind));
      row.incidents = [...(live.incidents || []), ...heard].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      next.set(id, row);
    }
    this.rows = next;
    this._render();
  }

  /**
   * @param {string} candidateId
   * @param {TimelineState} state
   * @returns {boolean} false: no such row (the page reloads the board)
   */
  applyTimeline(candidateId, state) {
    const row = this.rows.get(candidateId);
    if (!row) return false;
    const older = row.timeline && Date.parse(state.now) < Date.parse(row.timeline.now);
    if (older) return true; // a late event: the board already shows a newer state
    row.timeline = state;
    this._update(row);
    return true;
  }

  /**
   * @param {string} candidateId
   * @param {ProgressOut | null} progress
   */
  applyProgress(candidateId, progress) {
    const row = this.rows.get(candidateId);
    if (!row) return false;
    row.progress = progress || null;
    this._progress(row);
    return true;
  }

  disconnectedCallback() {
    clearInterval(this._tick);
    this._tick = undefined;
  }

  /** @param {BoardRow} row */
  _progress(row) {
    const p = row.progress;
    const { sims, simsWarn } = row.cells;
    sims.hidden = simsWarn.hidden = !p;
    if (!p) return;
    const r = reading(p, serverNow());
    if (!r) return; // not reached: a progress gives a reading
    const time = timeText(p, r);
    const text = `${countsText(p)}${time ? ` — ${time}` : ""}`;
    if (sims.textContent !== text) sims.textContent = text;
    sims.title = p.simulations.map((s) => `${s.order}. ${s.title} : ${s.state_label}${s.reason_label ? ` (${s.reason_label})` : ""}`).join("\n");
    const warn = r.short ? `Temps insuffisant : ${mins(r.timeLeft)} min pour ${mins(r.needed)} min de simulations` : "";
    if (simsWarn.textContent !== warn) simsWarn.textContent = warn;
    simsWarn.hidden = !r.short;
    row.tr.classList.toggle("short", r.short);
  }

  /**
   * @param {string} candidateId
   * @param {boolean} connected
   * @param {string | null} since
   */
  applyPresence(candidateId, connected, since) {
    const row = this.rows.get(candidateId);
    if (!row) return false;
    row.connected = connected;
    row.since = since;
    this._update(row);
    return true;
  }

  /** @param {BoardIncident & { candidate_id: string }} incident */
  addIncident(incident) {
    const row = this.rows.get(incident.candidate_id);
    if (!row) return false;
    if (row.incidents.some((i) => i.at === incident.at && i.kind === incident.kind)) return true;
    row.incidents.push(incident);
    row.alerted = true;
    row.fresh = incident;
    this._update(row);
    return true;
  }

  /**
   * @param {string} candidateId
   * @param {string | null} iso
   */
  setPlanned(candidateId, iso) {
    const row = this.rows.get(candidateId);
    if (!row) return;
    row.planned = iso;
    this._update(row);
  }

  // A short message in the candidate's row (an action's result or refusal).
  /**
   * @param {string} candidateId
   * @param {string} message
   * @param {boolean} [isError]
   */
  flash(candidateId, message, isError = false) {
    const row = this.rows.get(candidateId);
    if (!row) return;
    row.cells.message.textContent = message;
    row.cells.message.classList.toggle("error", isError);
    clearTimeout(row.flashTimer);
    if (!isError) row.flashTimer = setTimeout(() => (row.cells.message.textContent = ""), 6000);
  }

  /**
   * @param {string} candidateId
   * @param {boolean} value
   */
  busy(candidateId, value) {
    const row = this.rows.get(candidateId);
    if (!row) return;
    row.busy = value;
    for (const b of row.cells.actions.querySelectorAll("button")) b.disabled = value;
  }

  _render() {
    if (!this._body) return;
    this._body.replaceChildren(...[...this.rows.values()].map((r) => r.tr));
    for (const row of this.rows.values()) this._update(row);
    this._empty.hidden = this.rows.size > 0;
    this._table.hidden = this.rows.size === 0;
  }

  /**
   * @param {string} id
   * @returns {BoardRow}
   */
  _newRow(id) {
    return newBoardRow(id, (row) => {
      row.alerted = false;
      this._update(row);
    });
  }

  /** @param {BoardRow} row */
  _update(row) {
    const { cells } = row;
    const state = row.timeline;
    const status = state ? state.status : "";
    cells.name.textContent = row.name;
    cells.info.textContent = row.info;
    cells.info.hidden = !row.info;
    const acc = accommodationText(state && state.accommodation);
    cells.acc.textContent = acc;
    cells.acc.hidden = !acc;
    cells.phase.state = state;

    cells.badge.textContent = state ? state.status_label : "—";
    cells.badge.className = `badge status-badge status-${status}`;
    const paused = status === "paused";
    const closure = state && state.closure;
    cells.reason.textContent = reasonText(state);
    cells.reason.hidden = !paused && !closure;
    cells.reason.classList.toggle("closure-reason", Boolean(closure));
    const planned = plannedText(state, row.planned);
    cells.planned.textContent = planned;
    cells.planned.hidden = !planned;

    cells.dot.className = row.connected ? "status-dot on" : "status-dot";
    cells.linkText.textContent = linkText(row.connected, row.since);

    const n = row.incidents.length;
    cells.count.textContent = incidentCount(n);
    cells.count.className = n ? "badge alert" : "badge";
    cells.seen.hidden = !row.alerted;
    cells.seen.setAttribute("aria-label", `Marquer les alertes de ${row.name} comme vues`);
    cells.list.replaceChildren(
      ...row.incidents
        .slice(-SHOWN_INCIDENTS)
        .reverse()
        .map((i) => {
          const li = el("li", i === row.fresh && row.alerted ? "fresh" : "");
          li.append(el("time", "muted", clockTime(i.at)), document.createTextNode(` ${i.label}`));
          // What happened, not only its kind (a paste: its length and first characters).
          if (i.detail) li.append(el("div", "incident-detail small", i.detail));
          return li;
        }),
    );
    this._progress(row);
    row.tr.classList.toggle("alerted", row.alerted);
    row.tr.classList.toggle("paused", paused);

    const wanted = actionsFor(state, this.allowed, this.limitPhases);
    row.tr.classList.toggle("closed", Boolean(closure));
    const key = wanted.map(([name]) => name).join(" ");
    if (cells.buttons.dataset.key !== key) {
      cells.buttons.dataset.key = key;
      cells.buttons.replaceChildren(
        ...wanted.map(([name, a]) => {
          const b = el("button", a.primary ? "primary" : a.danger ? "danger" : "", a.label);
          b.type = "button";
          b.dataset.action = name;
          b.disabled = Boolean(row.busy);
          b.setAttribute("aria-label", `${a.label} : ${row.name}`);
          b.addEventListener("click", () =>
            this.dispatchEvent(
              new CustomEvent("board-action", {
                bubbles: true,
                detail: { action: name, candidateId: row.id, name: row.name, state: row.timeline },
              }),
            ),
          );
          return b;
        }),
      );
    }
  }
}

if (!customElements.get("candidate-board")) customElements.define("candidate-board", CandidateBoard);
