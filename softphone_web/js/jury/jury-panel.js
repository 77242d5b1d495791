// JuryPanel: the base of the jury page's panels, i.e. the page contract every panel keeps.
//   panel.bind(ctx)   unbinds, builds the panel once, keeps ctx and calls
//                     bound(ctx, on, signal): on(type, fn) listens to the page's socket (fn gets
//                     the event's detail) until the next unbind(); signal aborts with it.
//   panel.unbind()    stops listening and calls unbound(): clear what was the candidate's.
// A panel defines _build() (idempotent), bound() and unbound().
import { listen } from "./observer-common.js";

export class JuryPanel extends HTMLElement {
  /** @type {import("./observer-common.js").JuryContext | null} */
  _ctx;
  /** @type {null | AbortController} */
  _abort;

  connectedCallback() {
    this._build();
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
