// <chat-window>: the instant-messaging simulation — the conversation, the other side's typing
// state, a composer (Entrée envoie, Maj+Entrée va à la ligne), and the number of unread
// messages (for the tab's badge). The candidate's page uses it as is; the client juror's with
// self="client" (the juror writes as the customer); the observer's with `readonly` (the
// transcript, no composer, authors named « Candidat » and « Client »).
//
//   chat.messages = [{ id, author: "candidate" | "client", text, at }];   chat.add(message);
//   chat.peerTyping = true;  chat.enabled = false;  chat.visible = true (marks as read);
//   chat.closedReason = "…";  // the composer is closed and says why (null: open)
//   chat.outgoing = outbox.items;  // messages not yet acknowledged, shown « envoi… »
//   events: "chat-send" { text }, "chat-typing" {}, "chat-read" { last_id }, "unread" { count }
// With the `outbox` attribute the composer is emptied the instant a message is sent (the
// controller's outbox carries it, see chat-outbox.js): what is typed next is never erased by
// the acknowledgement of the previous message. Without it (legacy controllers) the controller
// empties it with clearInput() once the server accepted the message.
import { el } from "../components/dom.js";
import { clockTime } from "../components/format.js";

const TYPING_EVERY_MS = 2500;

/** @typedef {import("../types/events.js").ChatMessageOut} ChatMessage */

export class ChatWindow extends HTMLElement {
  /** @type {HTMLParagraphElement} */
  _head;
  /** @type {HTMLOListElement} */
  _log;
  /** @type {HTMLParagraphElement} */
  _typing;
  /** @type {HTMLTextAreaElement} */
  _input;
  /** @type {HTMLButtonElement} */
  _send;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLParagraphElement} */
  _closed;
  /** @type {number} */
  _typedAt;
  /** @type {number} */
  _typingTimer;
  /** @type {any} */
  _readId;

  constructor() {
    super();
    /** @type {ChatMessage[]} */
    this._messages = [];
    this._ids = new Set();
    this._clientIds = new Set();
    this._unread = 0;
    this._visible = false;
    this._enabled = true;
    this._closedReason = null;
    /** @type {Array<{ id: string, text: string, state?: string }>} */
    this._outgoing = [];
  }

  // Whose messages are "mine": the candidate's (default) or the client's (the juror).
  get self() {
    return this.getAttribute("self") || "candidate";
  }

  get readonly() {
    return this.hasAttribute("readonly");
  }

  /** @param {ChatMessage} m */
  _mine(m) {
    return !this.readonly && m.author === this.self;
  }

  /** @param {ChatMessage} m */
  _authorLabel(m) {
    if (this._mine(m)) return "Vous";
    if (m.author === "candidate") return "Candidat";
    return "Client"; // the server has no other author (ChatMessageOut.author: candidate or client)
  }

  connectedCallback() {
    if (this._log) return;
    this.classList.add("chat-window");
    this._head = el("p", "chat-head muted small", "Messagerie instantanée");
    this._log = el("ol", "chat-log");
    this._log.setAttribute("role", "log");
    this._log.setAttribute("aria-live", "polite");
    this._log.setAttribute("aria-label", "Conversation");
    this._typing = el("p", "chat-typing muted small");
    this._typing.setAttribute("aria-live", "polite");
    const form = el("form", "chat-compose");
    this._input = document.createElement("textarea");
    this._input.rows = 2;
    this._input.setAttribute("aria-label", "Votre message");
    this._input.placeholder = "Votre message…";
    this._send = el("button", "primary", "Envoyer");
    this._send.type = "submit";
    this._error = el("p", "error small");
    this._closed = el("p", "chat-closed muted small");
    this._closed.setAttribute("role", "status");
    this._closed.hidden = true;
    form.append(this._input, this._send);
    form.hidden = this.readonly;
    this.append(this._head, this._log, this._typing, this._closed, form, this._error);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this._submit();
    });
    this._input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this._submit();
      }
    });
    this._input.addEventListener("input", () => {
      const now = Date.now();
      if (this._input.value && now - (this._typedAt || 0) > TYPING_EVERY_MS) {
        this._typedAt = now;
        this.dispatchEvent(new CustomEvent("chat-typing"));
      }
    });
    this._render();
  }

  /** @param {string} text */
  set header(text) {
    if (this._head) this._head.textContent = text;
  }

  set messages(list) {
    this._messages = [];
    this._ids = new Set();
    this._clientIds = new Set();
    for (const m of list || []) this._remember(m);
    this._unread = 0;
    this._render();
    if (this._visible) this._markRead();
  }

  get messages() {
    return [...this._messages];
  }

  get unread() {
    return this._unread;
  }

  // The server's count after a (re)load; read at once when the chat is on screen.
  set unread(n) {
    this._unread = this._visible ? 0 : Math.max(0, n | 0);
    this._emitUnread();
    if (this._visible && n) this._markRead(true);
  }

  /** @param {ChatMessage} message */
  add(message) {
    if (!this._remember(message)) return;
    if (!this._mine(message)) {
      this.peerTyping = false;
      if (!this._visible || document.visibilityState !== "visible") this._unread++;
    }
    this._log?.querySelector(".chat-empty")?.remove();
    this._log?.append(this._item(message));
    this._renderOutgoing();
    this._scroll();
    this._emitUnread();
    if (this._visible) this._markRead();
  }

  /** @param {boolean} value */
  set peerTyping(value) {
    clearTimeout(this._typingTimer);
    const who = this.self === "candidate" ? "Le client" : "Le candidat";
    if (this._typing) this._typing.textContent = value ? `${who} écrit…` : "";
    this.dataset.peerTyping = String(Boolean(value));
    if (value) this._typingTimer = setTimeout(() => (this.peerTyping = false), 6000);
  }

  /** @param {boolean} value */
  set enabled(value) {
    this._enabled = Boolean(value);
    if (this._input) {
      this._input.disabled = !this._open();
      this._send.disabled = !this._open();
      this._closed.textContent = this._enabled ? this._closedReason || "" : "";
      this._closed.hidden = !this._closed.textContent;
    }
  }

  /** @param {boolean} value */
  set visible(value) {
    this._visible = Boolean(value);
    if (this._visible) {
      this._markRead();
      this._scroll();
    }
  }

  /** @param {string} text */
  set error(text) {
    if (this._error) this._error.textContent = text || "";
  }

  focusInput() {
    this._input?.focus();
  }

  /** @param {ChatMessage} m */
  _remember(m) {
    const key = m.id || `${m.at}|${m.author}|${m.text}`;
    if (this._ids.has(key)) return false;
    this._ids.add(key);
    if (m.client_msg_id) this._clientIds.add(m.client_msg_id);
    this._messages.push(m);
    return true;
  }

  _markRead(force = false) {
    const last = this._messages[this._messages.length - 1];
    if (this._unread !== 0) {
      this._unread = 0;
      this._emitUnread();
    }
    if (this.readonly) return;
    if (last && last.id && (force || last.id !== this._readId) && !this._mine(last)) {
      this._readId = last.id;
      this.dispatchEvent(new CustomEvent("chat-read", { detail: { last_id: last.id } }));
    }
  }

  _emitUnread() {
    this.dispatchEvent(new CustomEvent("unread", { detail: { count: this._unread } }));
  }

  _submit() {
    const text = this._input.value.trim();
    if (!text || !this._open()) return;
    if (this.hasAttribute("outbox")) {
      this._input.value = "";
      this._typedAt = 0;
    }
    this.dispatchEvent(new CustomEvent("chat-send", { detail: { text } }));
  }

  // Legacy controllers call this once the server accepted the message (with `outbox` the box
  // was emptied at the send and holds the next message by now: left alone).
  clearInput() {
    if (this.hasAttribute("outbox")) return;
    this._input.value = "";
    this._typedAt = 0;
  }

  // A refused message back in the composer, before what was typed since.
  /** @param {string} text */
  restore(text) {
    const now = this._input.value;
    this._input.value = now.trim() ? `${text}\n${now}` : text;
  }

  /** @param {Array<{ id: string, text: string, state?: string }> | null | undefined} list the messages waiting to be sent (the outbox) */
  set outgoing(list) {
    this._outgoing = list || [];
    this._renderOutgoing();
  }

  /** @param {string | null} text */
  set closedReason(text) {
    this._closedReason = text || null;
    this.enabled = this._enabled;
  }

  _open() {
    return this._enabled && !this._closedReason;
  }

  _renderOutgoing() {
    if (!this._log) return;
    for (const li of this._log.querySelectorAll(".chat-outgoing")) li.remove();
    // Acknowledged meanwhile (its event came first): shown once, as the server has it.
    this._outgoing = this._outgoing.filter((m) => !this._clientIds.has(m.id));
    for (const m of this._outgoing) {
      const li = el("li", "chat-msg from-me chat-outgoing");
      li.dataset.state = m.state;
      const when = m.state === "sending" ? "envoi…" : "en attente de la connexion, renvoi automatique";
      li.append(el("span", "chat-meta", `Vous · ${when}`), el("p", "chat-text", m.text));
      this._log.append(li);
    }
    if (this._outgoing.length) this._log.querySelector(".chat-empty")?.remove();
    this._scroll();
  }

  /** @param {ChatMessage} m */
  _item(m) {
    const side = this.readonly ? `author-${m.author}` : this._mine(m) ? "me" : "them";
    const li = el("li", `chat-msg from-${side}`);
    const meta = el("span", "chat-meta", `${this._authorLabel(m)} · ${clockTime(m.at)}`);
    const text = el("p", "chat-text", m.text);
    li.append(meta, text);
    return li;
  }

  _render() {
    if (!this._log) return;
    this._log.replaceChildren(...this._messages.map((m) => this._item(m)));
    if (!this._messages.length) {
      const empty = el("li", "chat-empty muted", "Aucun message pour le moment.");
      this._log.append(empty);
    }
    this.enabled = this._enabled;
    this._renderOutgoing();
  }

  _scroll() {
    if (!this._log) return;
    this._log.scrollTop = this._log.scrollHeight;
  }
}

if (!customElements.get("chat-window")) customElements.define("chat-window", ChatWindow);
