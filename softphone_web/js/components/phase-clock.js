// <phase-clock>: a candidate's current phase and its countdown, from a TimelineState sent by
// the server. Counts down from `deadline` (a server instant) with serverNow(); frozen on pause
// (remaining_seconds, « En pause : motif »); interviews show elapsed / planned, red once over.
//
//   const clock = document.createElement("phase-clock");
//   clock.state = timelineState;          // every `timeline` event: just set it again
//   clock.toggleAttribute("compact");     // one line, for tables
//
// The host carries data-status, data-level ("", "10", "5", "1", "over") and data-seconds
// (remaining seconds of a timed phase, elapsed seconds of an interview) for styles and tests.
import { serverNow } from "../clock.js";
import { readClock } from "./phase-clock-reading.js";

/** @typedef {import("../types/http.js").TimelineState} TimelineState */

export { readClock };

const TICK_MS = 250;
const live = new Set();
/** @type {number | null} */
let timer = null;

function tickAll() {
  const now = serverNow();
  for (const clock of live) clock.render(now);
}

export class PhaseClock extends HTMLElement {
  /** @type {HTMLSpanElement} */
  _label;
  /** @type {HTMLSpanElement} */
  _time;
  /** @type {HTMLSpanElement} */
  _note;

  constructor() {
    super();
    /** @type {TimelineState | null} */
    this._state = null; // the candidate's TimelineState (the `timeline` event's state)
    /** @type {Record<string, string>} */
    this._shown = {};
  }

  connectedCallback() {
    if (!this._label) {
      this.setAttribute("role", "timer");
      this._label = this._part("pc-label");
      this._time = this._part("pc-time countdown");
      this._note = this._part("pc-note");
    }
    live.add(this);
    if (timer === null) timer = setInterval(tickAll, TICK_MS);
    this.render(serverNow());
  }

  disconnectedCallback() {
    live.delete(this);
    if (live.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  /** @returns {TimelineState | null} */
  get state() {
    return this._state;
  }

  /**
   * The candidate's TimelineState, or null. The `timeline` event's state is not typed yet
   * (`Object<string, any>` in types/events.js): it is taken as the HTTP answer's shape.
   * @param {TimelineState | Record<string, any> | null | undefined} value
   */
  set state(value) {
    this._state = /** @type {TimelineState | null} */ (value || null);
    if (this._label) this.render(serverNow());
  }

  // The current reading (label, time, note, level, seconds), e.g. for another widget's text.
  reading() {
    return readClock(this._state, serverNow());
  }

  /** @param {number} nowMs */
  render(nowMs) {
    if (!this._label) return;
    const r = readClock(this._state, nowMs);
    this._set(this._label, "label", r.label);
    this._set(this._time, "time", r.time);
    this._time.hidden = r.time === "—";
    this._set(this._note, "note", r.note);
    this._note.hidden = !r.note;
    this._time.title = r.title;
    if (this._shown.level !== r.level) {
      this._shown.level = r.level;
      this._time.classList.toggle("warn", r.level === "10" || r.level === "5");
      this._time.classList.toggle("over", r.level === "1" || r.level === "over");
    }
    this.dataset.status = r.status;
    this.dataset.level = r.level;
    this.dataset.seconds = r.seconds === null ? "" : String(Math.round(r.seconds));
    this.setAttribute("aria-label", [r.label, r.time, r.note].filter(Boolean).join(", "));
  }

  /**
   * @param {HTMLElement} el
   * @param {string} key
   * @param {string} text
   */
  _set(el, key, text) {
    if (this._shown[key] !== text) {
      this._shown[key] = text;
      el.textContent = text;
    }
  }

  /** @param {string} className */
  _part(className) {
    const span = document.createElement("span");
    span.className = className;
    this.append(span);
    return span;
  }
}

if (!customElements.get("phase-clock")) customElements.define("phase-clock", PhaseClock);
