// The page's one WebSocket: snapshot on connect, numbered events, heartbeats, reconnect and
// resync by itself. Listeners get ("snapshot", state) then (event.type, event).
// The link is judged by what arrives, not by the socket's state (a cut network leaves a socket
// « open » for minutes): after PING_AFTER_MS of silence the page asks the server's time, and
// after LOST_AFTER_MS without any message the link is lost — `connection` {connected: false},
// every page's indicator says « Connexion perdue » — and a new socket is opened.
import { recordServerTime, recordTimeSample, setClockRate } from "./clock.js";
import { sebPageKey } from "./seb.js";
import { sequenceStep } from "./socket-sequence.js";

/** @typedef {import("./types/events.js").ServerEvent} ServerEvent */
/**
 * What `socket.on(type, fn)` hands `fn` for each type: the server's event of that type as its
 * model types it (types/events.js, generated), `connection` the link's state, `message` any event.
 * @typedef {{ [K in ServerEvent["type"]]: Extract<ServerEvent, { type: K }> } & { connection: { connected: boolean }, message: ServerEvent }} SocketEvents
 */
// The server answered « non » (its French message): a refusal, not a cut; `refused` tells them
// apart (a command lost on a cut may be sent again, a refused one not).
/**
 * @param {{ message: string, code?: string }} msg
 * @returns {Error & { refused: boolean, code?: string }}
 */
function refusal(msg) {
  const err = /** @type {Error & { refused: boolean, code?: string }} */ (new Error(msg.message));
  err.refused = true;
  err.code = msg.code;
  return err;
}

export const PING_AFTER_MS = 2000;
export const LOST_AFTER_MS = 6000;

export class PlateauSocket extends EventTarget {
  /** @type {number} */
  _againTimer;

  constructor(query = "") {
    super();
    this.query = query;
    this.seq = 0;
    this.ws = null;
    this.retry = 0;
    this.pending = new Map();
    this.lastMessageAt = 0;
    this.connected = false;
    setInterval(() => this._watchdog(), 1000);
  }

  /**
   * Listens to one type of event; `fn` gets the event itself (the CustomEvent's detail), typed
   * by the server's model of that type.
   * @template {keyof SocketEvents} K
   * @param {K} type
   * @param {(msg: SocketEvents[K]) => void} fn
   * @param {AddEventListenerOptions} [options]
   */
  on(type, fn, options) {
    this.addEventListener(type, (ev) => fn(/** @type {CustomEvent<SocketEvents[K]>} */ (ev).detail), options);
  }

  connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const sebKey = sebPageKey(); // inside Safe Exam Browser: its Config Key (see seb.js)
    const query = sebKey ? `${this.query}${this.query ? "&" : "?"}seb=${encodeURIComponent(sebKey)}` : this.query;
    const ws = new WebSocket(`${proto}://${location.host}/ws${query}`);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.retry = 0;
      this.lastMessageAt = Date.now();
      this._setConnected(true);
      this.syncTime();
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this._onMessage(JSON.parse(ev.data));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._setConnected(false);
      // 4401: this person's sessions were revoked (signed out, code renewed, removed).
      if (ev.code === 4401) {
        window.location.replace("/connexion");
        return;
      }
      this._again();
    };
  }

  _again() {
    const delay = Math.min(10000, 500 * 2 ** this.retry++);
    clearTimeout(this._againTimer);
    this._againTimer = setTimeout(() => {
      if (!this.ws) this.connect();
    }, delay);
  }

  // Another query (e.g. the organiser switching session): close and reconnect at once.
  reconnect(query = this.query) {
    this.query = query;
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
    this.retry = 0;
    this.connect();
  }

  close() {
    clearTimeout(this._againTimer);
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
  }

  syncTime() {
    for (let i = 0; i < 3; i++) {
      setTimeout(() => this.send({ type: "time_sync", client_time: Date.now() }), i * 300);
    }
  }

  /** @param {{ type: string, [field: string]: unknown }} message a command */
  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  // A command that expects an acknowledgement (or an error) from the server.
  /**
   * @param {{ type: string, [field: string]: unknown }} message
   * @param {number} [timeoutMs]
   * @returns {Promise<any>} the acknowledgement's result
   */
  request(message, timeoutMs = 10000) {
    const requestId = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error("Pas de réponse du serveur."));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      if (!this.send({ ...message, request_id: requestId })) {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(new Error("Connexion au serveur interrompue."));
      }
    });
  }

  /** @param {boolean} value */
  _setConnected(value) {
    this.connected = value;
    // Answers come on the connection that carried the command: those still awaited are lost.
    if (!value) {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(new Error("Connexion au serveur interrompue."));
      }
    }
    this.dispatchEvent(new CustomEvent("connection", { detail: { connected: value } }));
  }

  _watchdog() {
    if (!this.connected || !this.ws) return;
    const silent = Date.now() - this.lastMessageAt;
    if (silent > LOST_AFTER_MS) {
      // Silent too long: the link is lost, whatever the socket says; a new one is opened.
      const ws = this.ws;
      this.ws = null;
      ws.close();
      this._setConnected(false);
      this._again();
    } else if (silent > PING_AFTER_MS) {
      this.send({ type: "time_sync", client_time: Date.now() });
    }
  }

  /** @param {any} msg the message as parsed (typed by its `type`: types/events.js) */
  _onMessage(msg) {
    this.lastMessageAt = Date.now();
    if (msg.type === "time") {
      recordTimeSample(msg.client_time, msg.server_time, Date.now());
      return;
    }
    if ((msg.type === "ack" || msg.type === "error") && msg.request_id) {
      const p = this.pending.get(msg.request_id);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(msg.request_id);
        if (msg.type === "ack") p.resolve(msg.result);
        else p.reject(refusal(msg));
        return;
      }
    }
    if (msg.seq !== undefined && msg.type === "snapshot") {
      if (msg.state && msg.state.clock) setClockRate(msg.state.clock.rate);
      if (msg.server_time) recordServerTime(msg.server_time, this.lastMessageAt);
    }
    const step = sequenceStep(this.seq, msg);
    this.seq = step.seq;
    if (step.resync) {
      this.send({ type: "resync" });
      return;
    }
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    this.dispatchEvent(new CustomEvent("message", { detail: msg }));
  }
}
