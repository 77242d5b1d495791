// JuryPanel: the base of the jury page's panels, i.e. the page contract every panel keeps.
//   panel.bind(ctx)   unbinds, builds the panel once, keeps ctx and calls
//                     bound(ctx, on, signal): on(type, fn) listens to the page's socket (fn gets
//                     the event's detail) until the next unbind(); signal aborts with it.
//   panel.unbind()    stops listening and calls unbound(): clear what was the candidate's.
// A panel defines _build() (idempotent), bound() and unbound().
//   this._later(name, fn, ms)   a refresh a moment after the last event of a burst (one per
//                     name). Taken out of the page while bound, the panel drops those waiting
//                     (and the events heard meanwhile start none); put back, it runs each of
//                     them once: it reads again what it missed. Unbound: all dropped.
// A panel that overrides connectedCallback or disconnectedCallback calls super's.
import { DelayedCalls } from "./delayed-calls.js";
import { listen } from "./observer-common.js";

export class JuryPanel extends HTMLElement {
  /** @type {import("./observer-common.js").JuryContext | null} */
  _ctx;
  /** @type {null | AbortController} */
  _abort;
  /** the refreshes heard events call for, a moment later */
  _delays = new DelayedCalls();
  /** @type {Map<string, () => void>} each delayed call's function, by name */
  _delayed = new Map();
  /** @type {Map<string, () => void>} the delayed calls dropped while out of the page */
  _missed = new Map();

  connectedCallback() {
    this._build();
    if (!this._ctx || !this._missed.size) return;
    const missed = [...this._missed.values()];
    this._missed.clear();
    for (const fn of missed) fn();
  }

  disconnectedCallback() {
    for (const name of this._delays.cancel()) {
      const fn = this._delayed.get(name);
      if (fn) this._missed.set(name, fn);
    }
  }

  /**
   * A call a moment later, instead of the call of that name still waiting (or, `keep`, after
   * that one: one call for a burst, a moment after its first event).
   * @param {string} name
   * @param {() => void} fn
   * @param {number} ms
   * @param {{ keep?: boolean }} [options]
   */
  _later(name, fn, ms, { keep = false } = {}) {
    this._delayed.set(name, fn);
    if (!this.isConnected) {
      if (this._ctx) this._missed.set(name, fn);
      return;
    }
    if (keep && this._delays.pending.has(name)) return;
    this._delays.later(name, fn, ms);
  }

  _build() {}

  /** @param {import("./observer-common.js").JuryContext} ctx */
  bind(ctx) {
    this.unbind();
    this._build();
    this._ctx = ctx;
    this._abort = new AbortController();
    const signal = this._abort.signal;
    this.bound(ctx, listen(ctx, signal), signal);
  }

  unbind() {
    this._abort?.abort();
    this._abort = null;
    this._ctx = null;
    this._delays.cancel();
    this._delayed.clear();
    this._missed.clear();
    this.unbound();
  }

  /**
   * @param {import("./observer-common.js").JuryContext} _ctx the page's context (candidateId, socket, snapshot…)
   * @param {import("./observer-common.js").On} _on
   * @param {AbortSignal} _signal
   */
  bound(_ctx, _on, _signal) {}

  unbound() {}

  // The candidate's simulations as the page read them (ctx.simulations; none: an empty map),
  // handed to `then` if the panel is still bound to that context when they arrive.
  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {(sims: Map<string, import("./observer-common.js").JurySimulation>) => void} then
   */
  whenSimulations(ctx, then) {
    (ctx.simulations || Promise.resolve(new Map())).then((sims) => {
      if (this._ctx === ctx) then(sims);
    });
  }
}
