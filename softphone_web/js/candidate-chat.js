// The calls phase's chat (the « Chat » side tab): the conversation with the customer of the
// chat simulation, the outbox that sends what is typed once (after a cut too), the unread
// badge, and the composer open only while the simulation's time runs — from the customer's
// first message, its end moved by the exam's pauses (server/chat/domain.py).
import { byId, el } from "./components/dom.js";
import { chatCommands } from "./candidate-server.js";
import "./cti/chat-window.js";
import { ChatOutbox } from "./cti/chat-outbox.js";
import { serverNow } from "./clock.js";

/** @typedef {import("./types/events.js").ChatMessageOut} ChatMessageOut */
/** @typedef {import("./candidate.js").TimelineState} TimelineState */
/**
 * The chat simulation's window (the snapshot's `chat.window`): when the customer opened the
 * conversation and when it closes (moved by the pauses), its length.
 * @typedef {{ opened_at?: string | null, closes_at?: string | null, minutes: number }} ChatWindowState
 */
/** @param {Event} ev */
const detail = (ev) => /** @type {CustomEvent} */ (ev).detail;

// The calls phase's paused time so far (seconds), from the timeline state.
/** @param {TimelineState | null | undefined} state */
export function callsPausedSeconds(state) {
  const phase = ((state && state.phases) || []).find((p) => p.phase === "appels");
  return phase ? Number(phase.paused_seconds) || 0 : 0;
}

export class ChatDesk {
  /** @type {TimelineState | null | undefined} */
  _timeline;
  /** @type {number | undefined} the calls phase's paused seconds the window's end already counts */
  _pausedBase;
  /** @type {ChatWindowState | null} */
  window = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  _timer;

  /**
   * @param {object} options
   * @param {import("./socket.js").PlateauSocket} options.socket
   * @param {string} options.cid
   * @param {() => void} options.onOpened the customer's first message opened the conversation
   */
  constructor({ socket, cid, onOpened }) {
    this.cmd = chatCommands(socket);
    this.onOpened = onOpened;
    this.view = /** @type {import("./cti/chat-window.js").ChatWindow} */ (document.createElement("chat-window"));
    this.view.setAttribute("outbox", "");
    byId("side-chat").append(this.view);
    this.outbox = new ChatOutbox({
      socket,
      key: `plateau.chat.outbox.${cid}`,
      send: async (text, id) => (await this.cmd.send(text, id))?.message,
    });
    this.view.outgoing = this.outbox.items; // what a reload found unsent: sent on connection
    this.side = /** @type {import("./components/tab-panels.js").TabPanels} */ (byId("side-tabs"));
    this.badge = el("span", "tab-badge");
    this.badge.setAttribute("aria-label", "messages non lus");

    socket.on("chat.message", (msg) => this._onMessage(msg.message));
    socket.on("chat.typing", (msg) => {
      if (msg.author !== "candidate") this.view.peerTyping = true;
    });
    const chat = this.view;
    chat.addEventListener("chat-send", (ev) => this.outbox.push(detail(ev).text));
    this.outbox.addEventListener("change", () => (chat.outgoing = this.outbox.items));
    this.outbox.addEventListener("sent", (ev) => {
      chat.error = "";
      if (detail(ev).message) chat.add(detail(ev).message);
    });
    this.outbox.addEventListener("refused", (ev) => {
      chat.error = `${detail(ev).message} Votre message est revenu dans la zone de saisie.`;
      chat.restore(detail(ev).text);
    });
    chat.addEventListener("chat-typing", () => this.cmd.typing());
    chat.addEventListener("chat-read", (ev) => this.cmd.read(detail(ev).last_id));
    chat.addEventListener("unread", (ev) => {
      const { count } = detail(ev);
      this.badge.textContent = count ? String(count) : "";
    });
    this.side.addEventListener("tab-change", () => (chat.visible = this.side.current === "side-chat"));
  }

  /** @param {string} name the customer's line (the chat simulation's principal) */
  setLine(name) {
    this.view.header = `Messagerie — ${name}`;
  }

  /**
   * @param {TimelineState | null} state
   * @param {boolean} allowed the calls phase runs
   */
  setTimeline(state, allowed) {
    this._timeline = state;
    // A pause of the exam does not count in the chat's time: its end moves by the pause.
    const w = this.window;
    const paused = callsPausedSeconds(state);
    if (w && w.closes_at && this._pausedBase !== undefined && paused !== this._pausedBase) {
      w.closes_at = new Date(Date.parse(w.closes_at) + (paused - this._pausedBase) * 1000).toISOString();
    }
    this._pausedBase = paused;
    this._openState();
    this.view.enabled = allowed;
  }

  /** @param {boolean} on */
  setActive(on) {
    if (on) {
      document.getElementById("tab-side-chat")?.append(this.badge);
      this.view.visible = this.side.current === "side-chat";
    } else {
      this.view.visible = false;
    }
  }

  /** @param {{ messages?: ChatMessageOut[], unread?: number, window?: ChatWindowState | null } | null | undefined} chat the snapshot's `chat` */
  snapshot(chat) {
    if (chat && chat.messages) {
      this.view.messages = chat.messages;
      this.view.unread = chat.unread || 0; // the badge survives a reload
    }
    this.window = (chat && chat.window) || null;
    this._pausedBase = callsPausedSeconds(this._timeline); // the server's end counts pauses so far
    this._openState();
  }

  // The customer's first message opens the conversation: their record pops (as the call list
  // says), and the composer opens until the simulation's time has run (server/chat/domain.py).
  /** @param {ChatMessageOut} message */
  _onMessage(message) {
    this.view.add(message);
    const w = this.window;
    if (message.author === "client" && w && !w.opened_at) {
      w.opened_at = message.at;
      w.closes_at = new Date(Date.parse(message.at) + w.minutes * 60000).toISOString();
      this._pausedBase = callsPausedSeconds(this._timeline);
      this._openState();
      this.onOpened();
    }
  }

  _openState() {
    clearTimeout(this._timer);
    const w = this.window;
    let reason = null;
    if (w && !w.opened_at) reason = "La conversation n'a pas commencé : le client écrit le premier message.";
    else if (w && w.closes_at) {
      const left = Date.parse(w.closes_at) - serverNow();
      if (left <= 0) reason = "La conversation est terminée : le temps de la simulation par messagerie est écoulé.";
      else this._timer = setTimeout(() => this._openState(), Math.min(left + 200, 60000));
    }
    this.view.closedReason = reason;
  }
}
