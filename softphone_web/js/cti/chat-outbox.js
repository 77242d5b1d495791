// The chat composer's outbox: what was sent but not yet acknowledged by the server, in order.
// A message enters it the instant Entrée is pressed (the composer is cleared at once, so what is
// typed next is never touched by the acknowledgement), is sent one at a time with its
// client_msg_id made once, stays there through a cut (kept in localStorage: a reload too), and
// is sent again by itself when the socket is back — the server keeps one message per id, so a
// message whose acknowledgement was lost is recorded once. A refusal (the server answered
// « non ») leaves the outbox with its French message: the text goes back to the composer.
//
//   const outbox = new ChatOutbox({ socket, key, send: (text, id) => promise of the message });
//   outbox.push(text);   outbox.items → [{ id, text, state: "sending" | "waiting" }]
//   events: "change" {}, "sent" { message }, "refused" { text, message }
/**
 * @typedef {{ id: string, text: string, state: "sending" | "waiting" }} OutboxItem
 * @typedef {EventTarget & { connected: boolean }} OutboxSocket the page's PlateauSocket
 */
export class ChatOutbox extends EventTarget {
  /**
   * @param {{ socket: OutboxSocket, send: (text: string, id: string) => Promise<any>, key?: string | null }} options
   */
  constructor({ socket, send, key = null }) {
    super();
    this.socket = socket;
    this.sendOne = send;
    this.key = key;
    this.queue = this._load();
    this.busy = false;
    // The socket is back (a snapshot follows every (re)connection): what waits goes now.
    socket.addEventListener("snapshot", () => this._pump());
  }

  /** @returns {OutboxItem[]} */
  get items() {
    return this.queue.map((m) => ({ ...m }));
  }

  /** @param {string} text */
  push(text) {
    this.queue.push({ id: crypto.randomUUID(), text, state: "waiting" });
    this._changed();
    this._pump();
  }

  async _pump() {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const item = this.queue[0];
        if (!this.socket.connected) {
          this._mark(item, "waiting");
          return;
        }
        this._mark(item, "sending");
        let message;
        try {
          message = await this.sendOne(item.text, item.id);
        } catch (caught) {
          const err = /** @type {(Error & { refused?: boolean }) | null | undefined} */ (caught);
          if (err && err.refused) {
            this.queue.shift();
            this._changed();
            this.dispatchEvent(new CustomEvent("refused", { detail: { text: item.text, message: err.message } }));
            continue;
          }
          // Cut, or no answer: sent again, same id, when the socket is back.
          this._mark(item, "waiting");
          return;
        }
        this.queue.shift();
        this._changed();
        this.dispatchEvent(new CustomEvent("sent", { detail: { message } }));
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * @param {OutboxItem} item
   * @param {OutboxItem["state"]} state
   */
  _mark(item, state) {
    if (item.state === state) return;
    item.state = state;
    this._changed();
  }

  _changed() {
    if (this.key) {
      try {
        if (this.queue.length) localStorage.setItem(this.key, JSON.stringify(this.queue));
        else localStorage.removeItem(this.key);
      } catch {
        /* private mode: the outbox lives as long as the page */
      }
    }
    this.dispatchEvent(new CustomEvent("change"));
  }

  /** @returns {OutboxItem[]} */
  _load() {
    if (!this.key) return [];
    try {
      const list = JSON.parse(localStorage.getItem(this.key) || "[]");
      return Array.isArray(list)
        ? list.filter((m) => m && m.id && m.text).map((m) => ({ id: m.id, text: m.text, state: "waiting" }))
        : [];
    } catch {
      return [];
    }
  }
}
