// <live-listen>: the observer hears the candidate's calls live — the server's mix of both sides,
// received only (neither party hears the observer). « Écouter » opens one receive-only
// RTCPeerConnection negotiated over the page's socket (`rtc.offer` with the candidate's id: the
// server gives the observer's role from the jury assignment), played in an <audio> element with
// a volume slider and a level meter. The call's state and timers come from the snapshot's
// « calls » part and the `call` events: ringing, in call (since the answer), on hold, the
// candidate's wrap-up (« Clôture »), with the simulation, the direction and the number.
// After a network cut, a server restart or `rtc.renegotiate`, it negotiates again by itself.
//
//   listen.bind(ctx);          // ctx: { candidateId, socket, snapshot, … } (see juror.js)
//   listen.unbind();
//   listen.listening           // true while listening (the button then reads « Arrêter l'écoute »)
//   listen.peerConnection      // the RTCPeerConnection (tests read getStats() inbound-rtp)
//   listen.currentCall         // the call on the line, or null
// Keyboard: the button (Space/Enter) and the slider (arrows) are ordinary controls.
import { CallAudio } from "../call-audio.js";
import { serverNow } from "../clock.js";
import { el } from "../components/dom.js";
import "../cti/level-meter.js";
import {
  CALL_STATE_LABELS,
  DIRECTION_LONG,
  callsIn,
  clockTime,
  formatOffset,
  liveCall,
  simulationLabel,
  upsertCall,
  wrapUpCall,
} from "./observer-common.js";
import { JuryPanel } from "./jury-panel.js";

const VOLUME_KEY = "plateau.jury.volume";
/** @type {Record<string, string>} */
const AUDIO_LABELS = {
  new: "connexion…",
  connecting: "connexion…",
  connected: "connecté",
  disconnected: "coupé, reconnexion…",
  failed: "échec, nouvel essai…",
  closed: "fermé",
};

/**
 * @param {string | null | undefined} iso
 * @param {number} now
 */
function since(iso, now) {
  return iso ? formatOffset(now - Date.parse(iso)) : "";
}

// « En ligne 02:14 », « En attente 00:31 », « Sonnerie… 00:05 », « Clôture 00:40 », « Libre ».
/**
 * @param {import("../types/events.js").CallOut | null} call the call on the line
 * @param {import("../types/events.js").CallOut | null} wrap the ended call waiting for its wrap-up
 * @param {number} now
 */
export function liveStatus(call, wrap, now) {
  if (call) {
    const label = CALL_STATE_LABELS[call.state] || call.state;
    if (call.state === "en_ligne" && call.answered_at) return `${label} ${since(call.answered_at, now)}`;
    if (call.state === "en_attente" && call.hold_started_at) return `${label} ${since(call.hold_started_at, now)}`;
    if (call.state === "sonnerie") return `${label} ${since(call.rang_at, now)}`;
    return label;
  }
  if (wrap) return `Clôture ${since(wrap.ended_at, now)}`;
  return "Libre";
}

/**
 * @param {import("../types/events.js").CallOut} call
 * @param {number} now
 */
function heldSeconds(call, now) {
  let s = call.held_seconds || 0;
  if (call.state === "en_attente" && call.hold_started_at) s += (now - Date.parse(call.hold_started_at)) / 1000;
  return s;
}

export class LiveListen extends JuryPanel {
  /** @type {number} */
  _timer;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {HTMLParagraphElement} */
  _detail;
  /** @type {HTMLParagraphElement} */
  _timers;
  /** @type {HTMLButtonElement} */
  _toggle;
  /** @type {HTMLInputElement} */
  _volume;
  /** @type {import("../cti/level-meter.js").LevelMeter} */
  _meter;
  /** @type {HTMLSpanElement} */
  _link;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {boolean} */
  _dropped;

  constructor() {
    super();
    /** @type {import("../types/events.js").CallOut[]} */
    this._calls = [];
    this._sims = new Map();
    /** @type {import("./observer-common.js").JuryContext | null} */
    this._ctx = null;
    /** @type {import("../call-audio.js").CallAudio | null} */
    this._audio = null;
  }

  connectedCallback() {
    super.connectedCallback();
    clearInterval(this._timer);
    this._timer = setInterval(() => this._tick(), 500);
    this._render();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  _build() {
    if (this._status) return;
    this.classList.add("live-listen");
    const head = el("div", "ll-head");
    head.append(el("h2", "", "Écoute en direct"));
    this._status = el("p", "ll-status", "Libre");
    this._status.setAttribute("role", "status");
    this._status.setAttribute("aria-live", "polite");
    this._detail = el("p", "ll-detail");
    this._timers = el("p", "ll-timers small muted");
    this._toggle = el("button", "primary ll-toggle", "Écouter");
    this._toggle.type = "button";
    this._toggle.disabled = true;
    this._toggle.addEventListener("click", () => (this.listening ? this.stop() : this.start()));
    this._volume = document.createElement("input");
    this._volume.type = "range";
    this._volume.min = "0";
    this._volume.max = "100";
    this._volume.step = "5";
    this._volume.className = "ll-volume";
    this._volume.id = `ll-volume-${Math.random().toString(36).slice(2, 8)}`;
    this._volume.value = localStorage.getItem(VOLUME_KEY) || "80";
    this._volume.addEventListener("input", () => this._applyVolume());
    const volumeLabel = el("label", "ll-volume-label small", "Volume");
    volumeLabel.htmlFor = this._volume.id;
    this._meter = /** @type {import("../cti/level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    this._meter.setAttribute("aria-label", "Niveau de l'écoute");
    this._meter.className = "ll-meter";
    this._link = el("span", "ll-link small muted", "Écoute coupée");
    const controls = el("div", "ll-controls");
    const volume = el("div", "ll-volume-row");
    volume.append(volumeLabel, this._volume);
    controls.append(this._toggle, volume);
    const level = el("div", "ll-level-row");
    level.append(el("span", "small", "Niveau"), this._meter, this._link);
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this.append(head, this._status, this._detail, this._timers, controls, level, this._error);
    // CallAudio writes the link's state on data-audio: say it at once.
    new MutationObserver(() => this._tick()).observe(this, { attributes: true, attributeFilter: ["data-audio"] });
  }

  // ---- the page contract -------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => {
      this._load(msg.state);
      // Back after a cut (or the server restarted): a fresh peer connection, the old one may
      // look alive for a while although the server forgot it.
      if (this._dropped && this.listening) this._audio?.connect();
      this._dropped = false;
    });
    on("connection", (msg) => {
      if (!msg.connected) this._dropped = true;
    });
    on("call", (msg) => {
      if (!mine(msg) || !msg.call) return;
      upsertCall(this._calls, msg.call);
      this._render();
    });
    on("rtc.renegotiate", (msg) => {
      if (mine(msg) && this.listening) this._audio?.connect();
    });
    on("rtc.peer_state", (msg) => {
      if (mine(msg)) this._audio?.peerState(msg, "observer");
    });
    on("media.alert", (msg) => {
      if (mine(msg)) this.error = msg.message;
    });
    on("call.warning", (msg) => {
      if (mine(msg)) this.error = msg.message;
    });
    this._load(ctx.snapshot());
    this.whenSimulations(ctx, (sims) => {
      this._sims = sims;
      this._render();
    });
    this._toggle.disabled = false;
    this._render();
  }

  unbound() {
    this.stop();
    this._audio?.dispose();
    this._audio = null;
    this._calls = [];
    this._sims = new Map();
    this._dropped = false;
    if (this._status) {
      this._toggle.disabled = true;
      this.error = "";
      this._render();
    }
  }

  // ---- listening -------------------------------------------------------------------------

  get listening() {
    return Boolean(this._audio && this._audio.active);
  }

  get peerConnection() {
    return this._audio?.pc || null;
  }

  get currentCall() {
    return liveCall(this._calls);
  }

  get calls() {
    return [...this._calls];
  }

  start() {
    if (!this._ctx) return;
    if (!this._audio) {
      this._audio = new CallAudio({
        socket: this._ctx.socket,
        phone: this,
        announce: (text) => (this.error = text),
        candidateId: this._ctx.candidateId,
        receiveOnly: true,
        micDevice: () => "",
      });
      const player = this._audio.player;
      player.classList.add("ll-player");
      player.setAttribute("aria-label", "Écoute de l'appel");
      this.append(player); // the <audio> that plays the mix lives in the component
    }
    this.error = "";
    this._applyVolume();
    this._audio.start();
    this._audio.player.play().catch(() => null);
    this._render();
  }

  stop() {
    if (this._audio) this._audio.stop();
    this.earLevel = 0;
    delete this.dataset.audio;
    if (this._status) this._render();
  }

  // CallAudio writes these on its "phone".
  // No call on the line: the server sends nothing (the browser's jitter buffer may still fade
  // the last sound out), so the meter shows silence.
  /** @param {number} v */
  set earLevel(v) {
    const call = liveCall(this._calls);
    if (this._meter) this._meter.level = call && call.state !== "sonnerie" ? v : 0;
  }

  /** @param {number} _v */
  set micLevel(_v) {}

  /** @param {string} text */
  set error(text) {
    if (this._error) this._error.textContent = text || "";
  }

  _applyVolume() {
    const v = Number(this._volume.value);
    localStorage.setItem(VOLUME_KEY, String(v));
    this._volume.setAttribute("aria-valuetext", `${v} %`);
    if (this._audio) {
      this._audio.player.volume = v / 100;
      this._audio.player.muted = v === 0;
    }
  }

  // ---- the call ----------------------------------------------------------------------------

  /** @param {any} state */
  _load(state) {
    if (!state || !this._ctx) return;
    this._calls = callsIn(state, this._ctx.candidateId);
    this._render();
  }

  _render() {
    if (!this._status) return;
    const on = this.listening;
    this._toggle.textContent = on ? "Arrêter l'écoute" : "Écouter";
    this._toggle.dataset.on = String(on); // the label says the action: no aria-pressed
    this._toggle.classList.toggle("primary", !on);
    const call = liveCall(this._calls);
    const wrap = call ? null : wrapUpCall(this._calls);
    this.dataset.state = call ? call.state : wrap ? "cloture" : "libre";
    const shown = call || wrap;
    if (shown) {
      const parts = [simulationLabel(this._sims, shown.simulation_id), DIRECTION_LONG[shown.direction] || shown.direction];
      if (shown.number) parts.push(shown.number);
      this._detail.textContent = parts.join(" · ");
    } else {
      const last = this._calls[this._calls.length - 1];
      this._detail.textContent = last
        ? `Dernier appel : ${simulationLabel(this._sims, last.simulation_id)} — ${CALL_STATE_LABELS[last.state] || last.state}` +
          (last.disposition_label ? ` — ${last.disposition_label}` : "")
        : this._ctx
          ? "Aucun appel pour le moment."
          : "";
    }
    this._tick();
  }

  // The timers, twice a second (server time).
  _tick() {
    if (!this._status) return;
    const now = serverNow();
    const call = liveCall(this._calls);
    const wrap = call ? null : wrapUpCall(this._calls);
    const status = liveStatus(call, wrap, now);
    if (this._status.textContent !== status) this._status.textContent = status;
    let timers = "";
    if (call && call.answered_at) {
      timers = `Décroché à ${clockTime(call.answered_at)} · durée ${since(call.answered_at, now)}`;
      const held = heldSeconds(call, now);
      if (held >= 1) timers += ` · attente cumulée ${formatOffset(held * 1000)}`;
    } else if (call) {
      timers = `Sonne depuis ${clockTime(call.rang_at)}`;
    } else if (wrap) {
      const length = wrap.answered_at ? formatOffset(Date.parse(wrap.ended_at ?? "") - Date.parse(wrap.answered_at)) : "—";
      timers = `Appel terminé à ${clockTime(wrap.ended_at)} (durée ${length}) : le candidat le qualifie.`;
    }
    if (this._timers.textContent !== timers) this._timers.textContent = timers;
    const audio = this.dataset.audio;
    const link = !this.listening
      ? "Écoute coupée"
      : `Audio : ${AUDIO_LABELS[audio ?? ""] || "connexion…"}${audio === "connected" && !call ? " — en attente d'un appel" : ""}`;
    if (this._link.textContent !== link) this._link.textContent = link;
  }
}

if (!customElements.get("live-listen")) customElements.define("live-listen", LiveListen);
