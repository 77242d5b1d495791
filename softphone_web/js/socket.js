// The page's one WebSocket: snapshot on connect, numbered events, heartbeats, reconnect and
// resync by itself. Listeners get ("snapshot", state) then (event.type, event).
import { recordServerTime, recordTimeSample, setClockRate } from "./clock.js";
import { sebPageKey } from "./seb.js";

export class PlateauSocket extends EventTarget {
  constructor(query = "") {
    super();
    this.query = query;
    this.seq = 0;
    this.ws = null;
    this.retry = 0;
    this.pending = new Map();
    this.lastMessageAt = 0;
    this.connected = false;
    setInterval(() => this._watchdog(), 5000);
  }

  connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const sebKey = sebPageKey(); // inside Safe Exam Browser: its Config Key (see seb.js)
    const query = sebKey ? `${this.query}${this.query ? "&" : "?"}seb=${encodeURIComponent(sebKey)}` : this.query;
    const ws = new WebSocket(`${proto}://${location.host}/ws${query}`);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this._setConnected(true);
      this.syncTime();
    };
    ws.onmessage = (ev) => this._onMessage(JSON.parse(ev.data));
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this._setConnected(false);
      // 4401: this person's sessions were revoked (signed out, code renewed, removed).
      if (ev.code === 4401) {
        window.location.replace("/connexion");
        return;
      }
      const delay = Math.min(10000, 500 * 2 ** this.retry++);
      setTimeout(() => this.connect(), delay);
    };
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
    const old = this.ws;
    this.ws = null;
    if (old) old.close();
  }

  syncTime() {
    for (let i = 0; i < 3; i++) {
      setTimeout(() => this.send({ type: "time_sync", client_time: Date.now() }), i * 300);
    }
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  // A command that expects an acknowledgement (or an error) from the server.
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

  _setConnected(value) {
    this.connected = value;
    this.dispatchEvent(new CustomEvent("connection", { detail: { connected: value } }));
  }

  _watchdog() {
    if (this.connected && Date.now() - this.lastMessageAt > 35000) {
      this.ws.close();
    }
  }

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
        msg.type === "ack" ? p.resolve(msg.result) : p.reject(new Error(msg.message));
        return;
      }
    }
    if (msg.seq !== undefined) {
      if (msg.type === "snapshot") {
        if (msg.state && msg.state.clock) setClockRate(msg.state.clock.rate);
        if (msg.server_time) recordServerTime(msg.server_time, this.lastMessageAt);
        this.seq = msg.seq;
      } else if (msg.seq !== this.seq + 1) {
        this.send({ type: "resync" });
        return;
      } else {
        this.seq = msg.seq;
      }
    }
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    this.dispatchEvent(new CustomEvent("message", { detail: msg }));
  }
}
