// The grid's marks sent but not yet answered, kept in the browser (localStorage, one key per
// juror and candidate): when the page goes before the link is back (a reload, a closed tab, a
// crash), the page that opens next sends them again. The server acknowledges a save it already
// stored from the same base, and refuses one based on a mark the other juror replaced meanwhile
// (« conflict », which the grid shows): a mark is saved once, or said refused, never lost.
//
//   const outbox = new MarkOutbox(`plateau:marks:${juror}:${candidate}`);
//   const id = outbox.put(key, { value, comment, base_version });   // before it is sent
//   outbox.drop(key, id);       // answered (stored or refused): a newer save of `key` stays
//   outbox.entries()            // → [[key, { id, value, comment, base_version }], …] to send again
/**
 * @typedef {{ id: string, value: string, comment: string, base_version: number }} WaitingMark
 * @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} MarkStorage
 */
export class MarkOutbox {
  /**
   * @param {string | null} key null: nothing kept beyond the page (who marks is not known)
   * @param {MarkStorage | null} [storage]
   */
  constructor(key, storage = globalThis.localStorage ?? null) {
    this.key = key;
    this.storage = storage;
  }

  /**
   * @param {string} markKey
   * @param {{ value: string, comment: string, base_version: number }} save
   * @returns {string} the save's id, for `drop`
   */
  put(markKey, save) {
    const id = crypto.randomUUID();
    const all = this._read();
    all[markKey] = { id, value: save.value, comment: save.comment, base_version: save.base_version };
    this._write(all);
    return id;
  }

  /**
   * @param {string} markKey
   * @param {string} id
   */
  drop(markKey, id) {
    const all = this._read();
    if (all[markKey]?.id !== id) return; // a newer save of the criterion waits: it stays
    delete all[markKey];
    this._write(all);
  }

  /** @returns {Array<[string, WaitingMark]>} */
  entries() {
    return Object.entries(this._read());
  }

  /** @returns {Record<string, WaitingMark>} */
  _read() {
    if (!this.key || !this.storage) return {};
    try {
      const raw = JSON.parse(this.storage.getItem(this.key) || "{}");
      /** @type {Record<string, WaitingMark>} */
      const out = {};
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
      for (const [k, m] of Object.entries(raw)) {
        if (m && typeof m.id === "string" && typeof m.value === "string" && Number.isInteger(m.base_version)) {
          out[k] = { id: m.id, value: m.value, comment: typeof m.comment === "string" ? m.comment : "", base_version: m.base_version };
        }
      }
      return out;
    } catch {
      return {}; // unreadable: nothing to send again
    }
  }

  /** @param {Record<string, WaitingMark>} all */
  _write(all) {
    if (!this.key || !this.storage) return;
    try {
      if (Object.keys(all).length) this.storage.setItem(this.key, JSON.stringify(all));
      else this.storage.removeItem(this.key);
    } catch {
      /* private mode or full: the marks wait as long as the page */
    }
  }
}
