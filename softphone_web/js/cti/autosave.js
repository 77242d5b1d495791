// Autosave of one text (a draft, the notepad): at most every `interval` ms while typing, at once
// on flush() (blur, page hidden), one request at a time; every keystroke is also kept in
// localStorage so a reload or a lost connection gives back what the server has not seen yet.
//
//   const saver = new Autosaver({ key, interval: 5000, save: async (value) => result });
//   saver.changed(value);           // on input
//   saver.flush();                  // on blur
//   saver.addEventListener("state", (ev) => ev.detail)   // { state, at, message }
//   states: "idle" | "dirty" | "saving" | "saved" | "offline" | "refused"
//   `save` rejects with err.final (refused for good: frozen) or err.paused (retry later).
/**
 * @typedef {"idle" | "dirty" | "saving" | "saved" | "offline" | "refused"} SaveState
 * @typedef {Error & { final?: boolean, paused?: boolean }} SaveError
 */
export class Autosaver extends EventTarget {
  /**
   * @param {{ key: string, interval?: number, save: (value: any) => Promise<any> }} options
   */
  constructor({ key, interval = 5000, save }) {
    super();
    this.key = key;
    this.interval = interval;
    this.save = save;
    /** @type {any} */
    this.value = null;
    this.dirty = false;
    this.lastSaveAt = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {Promise<void> | null} */
    this.inflight = null;
    /** @type {SaveState} */
    this.state = "idle";
    this.frozen = false;
  }

  // What the page kept locally for this key ({ value, base }) or null.
  /**
   * @param {string} key
   * @returns {{ value: any, base: any, at?: number } | null}
   */
  static pending(key) {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  /** @param {string} key */
  static forget(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* private mode */
    }
  }

  /**
   * @param {any} value
   * @param {any} [base]
   */
  changed(value, base = null) {
    if (this.frozen) return;
    this.value = value;
    this.dirty = true;
    try {
      localStorage.setItem(this.key, JSON.stringify({ value, base, at: Date.now() }));
    } catch {
      /* private mode or full: the server copy still counts */
    }
    this._emit("dirty");
    this._schedule();
  }

  _schedule() {
    if (this.timer || this.inflight) return;
    const wait = Math.max(0, this.lastSaveAt + this.interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** @returns {Promise<void>} */
  async flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inflight) {
      await this.inflight.catch(() => null);
      if (this.dirty) return this.flush();
      return;
    }
    if (!this.dirty || this.frozen) return;
    const value = this.value;
    this.dirty = false;
    this.lastSaveAt = Date.now();
    this._emit("saving");
    this.inflight = (async () => {
      try {
        const result = await this.save(value);
        if (!this.dirty) Autosaver.forget(this.key);
        // The server's instant when it says (the page's clock may be off).
        const at = result && result.saved_at ? new Date(result.saved_at) : new Date();
        this._emit("saved", { at, result });
      } catch (caught) {
        const err = /** @type {SaveError | null | undefined} */ (caught);
        if (err && err.final) {
          // Refused for good (the deadline): the text stays as the server froze it.
          this.frozen = true;
          this._emit("refused", { message: err.message });
          return;
        }
        this.dirty = true; // try again later; the local copy is still there
        this._emit("offline", { message: err ? err.message : "", paused: Boolean(err && err.paused) });
      }
    })();
    try {
      await this.inflight;
    } finally {
      this.inflight = null;
    }
    if (this.dirty && !this.frozen) this._schedule();
  }

  freeze() {
    this.frozen = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * @param {SaveState} state
   * @param {object} [extra]
   */
  _emit(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, ...extra } }));
  }
}

/**
 * @param {Date} date
 * @returns {string}
 */
export function timeOfDay(date) {
  return date.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
