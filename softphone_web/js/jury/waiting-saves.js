// A jury panel's saves sent but not yet answered (a mark of the grid, a pinned note), kept in
// the browser (localStorage, one key per juror, candidate and kind): when the page goes before
// the link is back (a reload, a closed tab, a crash), the page that opens next sends them
// again. The server acknowledges a save it already stored — a mark from the same base, a note
// with the same id — and refuses a mark based on one the other juror replaced meanwhile
// (« conflict », which the grid shows): a save is stored once, or said refused, never lost.
//
//   const waiting = new WaitingSaves(`plateau:marks:${juror}:${candidate}`, isMark);
//   const id = waiting.put(key, record);   // before it is sent; `id` names this save
//   waiting.drop(key, id);                 // answered (stored or refused): a newer save stays
//   waiting.entries()                      // → [[key, { id, ...record }], …] to send again
/**
 * @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} SaveStorage
 * @typedef {Record<string, unknown>} SaveRecord
 */
export class WaitingSaves {
  /**
   * @param {string | null} key null: nothing kept beyond the page (who saves is not known)
   * @param {(record: any) => boolean} valid what a stored record must look like to be sent again
   * @param {SaveStorage | null} [storage]
   */
  constructor(key, valid, storage = globalThis.localStorage ?? null) {
    this.key = key;
    this.valid = valid;
    this.storage = storage;
  }

  /**
   * @param {string} name what the save is of (a criterion's key, « note »)
   * @param {SaveRecord} record
   * @returns {string} the save's id, for `drop` (and the server, for a note)
   */
  put(name, record) {
    const id = crypto.randomUUID();
    const all = this._read();
    all[name] = { ...record, id };
    this._write(all);
    return id;
  }

  /**
   * @param {string} name
   * @param {string} id
   */
  drop(name, id) {
    const all = this._read();
    if (all[name]?.id !== id) return; // a newer save of the same thing waits: it stays
    delete all[name];
    this._write(all);
  }

  /** @returns {Array<[string, SaveRecord & { id: string }]>} */
  entries() {
    return Object.entries(this._read());
  }

  /** @returns {Record<string, SaveRecord & { id: string }>} */
  _read() {
    if (!this.key || !this.storage) return {};
    try {
      const raw = JSON.parse(this.storage.getItem(this.key) || "{}");
      /** @type {Record<string, SaveRecord & { id: string }>} */
      const out = {};
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) return out;
      for (const [name, record] of Object.entries(raw)) {
        if (record && typeof record === "object" && typeof record.id === "string" && this.valid(record)) out[name] = record;
      }
      return out;
    } catch {
      return {}; // unreadable: nothing to send again
    }
  }

  /** @param {Record<string, SaveRecord>} all */
  _write(all) {
    if (!this.key || !this.storage) return;
    try {
      if (Object.keys(all).length) this.storage.setItem(this.key, JSON.stringify(all));
      else this.storage.removeItem(this.key);
    } catch {
      /* private mode or full: the saves wait as long as the page */
    }
  }
}
