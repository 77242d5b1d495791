// The evaluation grid's marks, without the DOM: what the server confirmed, what is being saved
// (shown at once, put back if refused) and the version each save should get. The server bumps
// `version` on every save and refuses a save based on a version the other juror replaced
// (`expected - 1` is the version a save is based on).
//
//   const book = new MarkBook();
//   book.accept(mark)                        // from the snapshot, an event or an answer
//   const save = book.begin(key, value, comment);   // → { seq, expected, before }
//   book.begin(key, value, comment, base)    // a save decided on version `base` (sent again)
//   book.settle(key, save, markFromServer)   // → true when another juror wrote in between
//   book.fail(key, save)                     // refused: the criterion shows `before` again
//   book.display(key)                        // { value, comment, pending }
export const VALUES = [
  { value: "acquis", key: "a", short: "A", label: "Acquis" },
  { value: "non_acquis", key: "n", short: "N", label: "Non acquis" },
  { value: "non_observe", key: "o", short: "O", label: "Non observé" },
];
export const LABEL = Object.fromEntries(VALUES.map((v) => [v.value, v.label]));
const SEP = "\u001f";

/**
 * A criterion as marked (the server's MarkOut; only these fields matter here).
 * @typedef {{ part: string, competence: string, criterion: number | string, value: string, comment?: string, version: number, by?: string, updated_at?: string }} Mark
 * @typedef {{ seq: number, expected: number, before: Mark | null }} Save
 */
/**
 * @param {string} part
 * @param {string} competence
 * @param {number | string} criterion
 */
export const markKey = (part, competence, criterion) => [part, competence, criterion].join(SEP);
/** @param {string} key */
export const splitKey = (key) => key.split(SEP);

export class MarkBook {
  constructor() {
    /** @type {Map<string, Mark>} */
    this.marks = new Map(); // key -> confirmed mark
    /** @type {Map<string, { value: string | null, comment: string, seq: number }>} */
    this.pending = new Map(); // key -> { value, comment, seq }
    /** @type {Map<string, number>} */
    this.expect = new Map(); // key -> the version our latest save should get
    this.seq = 0;
  }

  /** @param {string} key */
  get(key) {
    return this.marks.get(key) || null;
  }

  keys() {
    return new Set([...this.marks.keys(), ...this.pending.keys()]);
  }

  /**
   * @param {string} key
   * @returns {{ value: string | null, comment: string, pending: boolean }}
   */
  display(key) {
    const p = this.pending.get(key);
    const m = this.marks.get(key);
    return {
      value: p ? p.value : m ? m.value : null,
      comment: p ? p.comment : m ? m.comment || "" : "",
      pending: Boolean(p),
    };
  }

  // Kept when not older than what we have; false when ignored.
  /** @param {Mark} mark */
  accept(mark) {
    const key = markKey(mark.part, mark.competence, mark.criterion);
    const cur = this.marks.get(key);
    if (cur && mark.version < cur.version) return false;
    this.marks.set(key, mark);
    this.expect.set(key, Math.max(this.expect.get(key) || 0, mark.version));
    return true;
  }

  // A newer mark than the confirmed one (an event worth showing)?
  /** @param {Mark} mark */
  isNews(mark) {
    const cur = this.marks.get(markKey(mark.part, mark.competence, mark.criterion));
    return !cur || mark.version > cur.version;
  }

  /**
   * @param {string} key
   * @param {string | null} value
   * @param {string} comment
   * @param {number} [base] the version the save is based on, when it was decided earlier (a
   *   save sent again by a later page: waiting-saves.js); by default the latest this book knows
   * @returns {Save}
   */
  begin(key, value, comment, base) {
    const before = this.marks.get(key) || null;
    const expected = base !== undefined ? base + 1 : Math.max(this.expect.get(key) || 0, before ? before.version : 0) + 1;
    this.expect.set(key, expected);
    const seq = ++this.seq;
    this.pending.set(key, { value, comment, seq });
    return { seq, expected, before };
  }

  /**
   * @param {string} key
   * @param {Save} save
   * @param {Mark} mark
   */
  settle(key, save, mark) {
    if (this.pending.get(key)?.seq === save.seq) this.pending.delete(key);
    this.accept(mark);
    return mark.version > save.expected;
  }

  /**
   * @param {string} key
   * @param {Save} save
   */
  fail(key, save) {
    if (this.pending.get(key)?.seq === save.seq) this.pending.delete(key);
    const floor = save.before ? save.before.version : 0;
    this.expect.set(key, Math.max(floor, (this.expect.get(key) || 1) - 1));
  }
}
