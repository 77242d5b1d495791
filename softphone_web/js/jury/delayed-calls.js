// Named delayed calls (no DOM: tested by node in tests/js): a panel that hears a burst of events
// refreshes once, a moment after the last one. later(name, fn, ms) replaces the call of that
// name still waiting; cancel() drops every waiting call (the panel unbound or taken out of the
// page); `waiting` tells whether any was dropped meanwhile, so the panel can read again what it
// missed.
//
//   const delays = new DelayedCalls();
//   delays.later("grid", () => this._refreshGrid(), 800);
//   delays.cancel();   // in unbound() and disconnectedCallback()

/**
 * The timer functions a DelayedCalls uses (the global ones by default).
 * @typedef {object} Timers
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */

export class DelayedCalls {
  /** @param {Timers} [timers] */
  constructor(timers) {
    /** @type {Timers} */
    this.timers = timers || { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) };
    /** @type {Map<string, unknown>} */
    this.pending = new Map();
  }

  /**
   * Calls `fn` in `ms` milliseconds, instead of the call of that name still waiting.
   * @param {string} name
   * @param {() => void} fn
   * @param {number} ms
   */
  later(name, fn, ms) {
    if (this.pending.has(name)) this.timers.clearTimeout(this.pending.get(name));
    const handle = this.timers.setTimeout(() => {
      if (this.pending.get(name) !== handle) return;
      this.pending.delete(name);
      fn();
    }, ms);
    this.pending.set(name, handle);
  }

  /**
   * Drops every waiting call.
   * @returns {string[]} the names of the calls dropped
   */
  cancel() {
    const dropped = [...this.pending.keys()];
    for (const handle of this.pending.values()) this.timers.clearTimeout(handle);
    this.pending.clear();
    return dropped;
  }

  /** Whether a call is waiting. */
  get waiting() {
    return this.pending.size > 0;
  }
}
