// The candidate's subject, for what needs it before it is there (no DOM; tested by node in
// tests/js). The CRM's records come from their own request: beside a busy machine they can be
// on screen, and a record's action clicked, before the subject answers. What the subject feeds
// (the collection's schedules, the catalogue, the story's day…) is read once it is known, never
// from the empty page.
//
//   const gate = new SubjectGate();
//   gate.when("agreement:R1", (subject) => openForm(subject), { onWait, onReady });
//   gate.set(subject);   // the waiting actions run now, in the order they came
//
// A second `when` of the same key while the first waits is dropped (one click, one form).

/** @template T */
export class SubjectGate {
  /** @type {T | null} the subject, once known */
  value = null;
  /** @type {(value: T) => void} */
  _resolve;
  /** @type {Promise<T>} */
  _known;
  /** @type {Set<string>} the keys waiting */
  _waiting = new Set();

  constructor() {
    /** @type {(value: T) => void} */
    let resolve = () => {};
    this._known = new Promise((r) => (resolve = r));
    this._resolve = resolve;
  }

  /** @param {T} value the subject (again: a later copy replaces it) */
  set(value) {
    this.value = value;
    this._resolve(value);
  }

  /** @returns {Promise<T>} resolved with the subject once it is known */
  known() {
    return this._known;
  }

  /**
   * Runs `fn` with the subject: at once when it is known, else once it is (`onWait` is called
   * meanwhile, `onReady` just before). Null when a call of the same key already waits.
   * @template R
   * @param {string} key
   * @param {(subject: T) => R | Promise<R>} fn
   * @param {{ onWait?: () => void, onReady?: () => void }} [hooks]
   * @returns {Promise<R | null>}
   */
  async when(key, fn, { onWait, onReady } = {}) {
    if (this.value !== null) return fn(this.value);
    if (this._waiting.has(key)) return null;
    this._waiting.add(key);
    onWait?.();
    try {
      await this._known;
    } finally {
      this._waiting.delete(key);
    }
    onReady?.();
    return fn(/** @type {T} */ (this.value));
  }
}
