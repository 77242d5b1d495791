// One request at a time per key, the latest value last (no DOM: tested by node in tests/js):
// two quick clicks on a survey's multiple choice must not race each other — a value given while
// the key's request is on its way waits, and only the latest one waiting is sent next.
//
//   const queue = new LatestValueQueue();
//   await queue.send("s05/q1", "oui", (value) => api.answer(…, value));

export class LatestValueQueue {
  constructor() {
    /** @type {Map<string, { next: { value: unknown } | null }>} */
    this.waiting = new Map();
  }

  /**
   * Sends `value` for `key` now, or after the request on its way (replacing any value already
   * waiting). Resolves when this call's value is sent or handed to the request on its way.
   * @param {string} key
   * @param {unknown} value
   * @param {(value: unknown) => Promise<void>} send never rejects (it handles its own failure)
   * @returns {Promise<void>}
   */
  async send(key, value, send) {
    const queued = this.waiting.get(key);
    if (queued) {
      queued.next = { value };
      return;
    }
    /** @type {{ next: { value: unknown } | null }} */
    const slot = { next: null };
    this.waiting.set(key, slot);
    let current = value;
    try {
      for (;;) {
        await send(current);
        if (!slot.next) break;
        current = slot.next.value;
        slot.next = null;
      }
    } finally {
      this.waiting.delete(key);
    }
  }
}
