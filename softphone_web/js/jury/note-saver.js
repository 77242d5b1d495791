// The interview notes' autosaver (no DOM: tested by node in tests/js): an Autosaver
// (cti/autosave.js: every keystroke kept locally, one request at a time) that waits for a pause
// in the typing but never more than `maxWait` after the first unsaved keystroke, and backs off
// while the server cannot be reached.
import { Autosaver } from "../cti/autosave.js";

export class NoteSaver extends Autosaver {
  /** @param {{ key: string, save: (value: any) => Promise<any>, debounce?: number, maxWait?: number }} options */
  constructor(options) {
    super(options);
    this.debounce = options.debounce ?? 1000;
    this.maxWait = options.maxWait ?? 5000;
    this.offline = false;
    this.retry = 0;
    /** @type {number | null} */
    this._since = null;
    this.addEventListener("state", (ev) => {
      const { detail } = /** @type {CustomEvent} */ (ev);
      if (detail.state === "offline") {
        this.offline = true;
        this.retry = Math.min(15000, this.retry ? this.retry * 2 : 2000);
      } else if (detail.state === "saved") {
        this.offline = false;
        this.retry = 0;
      }
    });
  }

  _schedule() {
    if (this.inflight || this.frozen) return;
    const now = Date.now();
    if (this._since === null) this._since = now;
    let wait = Math.min(this.debounce, Math.max(0, this._since + this.maxWait - now));
    if (this.offline) wait = Math.max(wait, this.retry);
    clearTimeout(this.timer ?? undefined);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  flush() {
    this._since = null;
    return super.flush();
  }

  stop() {
    clearTimeout(this.timer ?? undefined);
    this.timer = null;
  }
}
