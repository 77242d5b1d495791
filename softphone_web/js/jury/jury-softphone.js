// <jury-softphone>: the phone of the juror who plays the customer, for one candidate. It calls
// the candidate for an inbound simulation (« Appeler le candidat »), rings when the candidate
// dials the customer (« Décrocher » / « Refuser »), hangs up, mutes the microphone (only the
// advisor puts a call on hold: the customer's phone shows « En attente » with its timer), and shows
// the call's state with its timer, what it is at this moment (ringing at the candidate's, in
// conversation, put on hold by the candidate) and the two audio levels (the « Candidat » meter
// stays at zero on hold: the hold tone is not the candidate). The audio
// link (call-audio.js) is opened on bind, so the juror is heard from the first second.
//
//   phone.bind(ctx);                 // ctx: { candidateId, socket, snapshot, announce, micDevice }
//   phone.simulation = sim;          // the run sheet's selected simulation (a juror card entry)
//   "call-simulation" event          // { id }: a call of that simulation started (select it)
//   "calls-change" event             // { calls }: every call of the candidate (run sheet states)
import { CallAudio } from "../call-audio.js";
import { formatRemaining, serverNow } from "../clock.js";
import { el } from "../components/dom.js";
import "../cti/level-meter.js";
import { CALL_STATE_LABELS, listen, liveCall } from "./observer-common.js";

// « En ligne 02:14 », « En attente 00:31 », « Sonnerie… » for a call at the server instant now.
/**
 * @param {import("../types/events.js").CallOut | null} call
 * @param {number} nowMs
 */
export function callStatus(call, nowMs) {
  if (!call) return "Libre";
  const label = CALL_STATE_LABELS[call.state] || call.state;
  if (call.state === "en_ligne" && call.answered_at) {
    return `${label} ${formatRemaining(nowMs - Date.parse(call.answered_at))}`;
  }
  if (call.state === "en_attente" && call.hold_started_at) {
    return `${label} ${formatRemaining(nowMs - Date.parse(call.hold_started_at))}`;
  }
  return label;
}

// What the call is for the customer at this moment (its state and who called whom).
/** @param {import("../types/events.js").CallOut} call */
export function callDetail(call) {
  const who = call.direction === "inbound" ? "vous l'avez appelé" : "il vous a appelé";
  if (call.state === "sonnerie") {
    return call.direction === "inbound" ? "Vous appelez le candidat : son poste sonne." : `Le candidat appelle le ${call.number || "client"}.`;
  }
  if (call.state === "en_ligne") return `En ligne avec le candidat (${who}).`;
  if (call.state === "en_attente") return "Le candidat vous a mis en attente : vous entendez la musique d'attente.";
  return "";
}

export class JurySoftphone extends HTMLElement {
  /** @type {HTMLHeadingElement} */
  _title;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {HTMLParagraphElement} */
  _detail;
  /** @type {HTMLButtonElement} */
  _call;
  /** @type {HTMLButtonElement} */
  _answer;
  /** @type {HTMLButtonElement} */
  _reject;
  /** @type {HTMLButtonElement} */
  _hangup;
  /** @type {HTMLButtonElement} */
  _mute;
  /** @type {import("../cti/level-meter.js").LevelMeter} */
  _mic;
  /** @type {import("../cti/level-meter.js").LevelMeter} */
  _ear;
  /** @type {HTMLSpanElement} */
  _earLabel;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {number} */
  _timer;
  /** @type {import("./observer-common.js").JuryContext} */
  _ctx;
  /** @type {AbortController} */
  _abort;
  /** @type {null | CallAudio} */
  _audio;

  constructor() {
    super();
    /** @type {import("../types/events.js").CallOut[]} */
    this._calls = [];
    this._sim = null;
    this._busy = false;
  }

  connectedCallback() {
    if (this._status) {
      // Put back in the page: its clock again (stopped when taken out).
      clearInterval(this._timer);
      this._timer = setInterval(() => this._renderStatus(), 500);
      this._renderStatus();
      return;
    }
    this.classList.add("jury-softphone");
    this._title = el("h2", "", "Téléphone du client");
    this._status = el("p", "jsp-status", "Libre");
    this._status.setAttribute("role", "status");
    this._status.setAttribute("aria-live", "polite");
    this._detail = el("p", "jsp-detail muted small");
    this._call = this._button("Appeler le candidat", "primary", () => this._ring());
    this._answer = this._button("Décrocher", "primary", () => this._command("call.answer"));
    this._reject = this._button("Refuser", "", () => this._command("call.reject"));
    this._hangup = this._button("Raccrocher", "danger", () => this._command("call.hangup"));
    this._mute = this._button("Couper le micro", "", () => this._toggleMute());
    this._mute.setAttribute("aria-pressed", "false");
    const buttons = el("div", "jsp-buttons");
    buttons.append(this._call, this._answer, this._reject, this._hangup, this._mute);
    this._mic = /** @type {import("../cti/level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    this._ear = /** @type {import("../cti/level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    const levels = el("div", "jsp-levels");
    // « Candidat »: the candidate's voice only. On hold the customer hears the hold tone, which
    // is not the candidate speaking: the meter stays at zero and says so.
    this._earLabel = el("span", "small jsp-ear-label", "Candidat");
    levels.append(el("span", "small", "Micro"), this._mic, this._earLabel, this._ear);
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this.append(this._title, this._status, this._detail, buttons, levels, this._error);
    this._timer = setInterval(() => this._renderStatus(), 500);
    this._render();
  }

  disconnectedCallback() {
    clearInterval(this._timer);
  }

  /**
   * @param {string} text
   * @param {string} className
   * @param {() => void} action
   */
  _button(text, className, action) {
    const b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", action);
    return b;
  }

  /** @param {import("./observer-common.js").JuryContext} ctx */
  bind(ctx) {
    this.unbind();
    this._ctx = ctx;
    this._abort = new AbortController();
    const on = listen(ctx, this._abort.signal);
    on("snapshot", (msg) => this._load(msg.state));
    on("call", (msg) => {
      if (msg.candidate_id !== ctx.candidateId) return;
      const i = this._calls.findIndex((c) => c.id === msg.call.id);
      const isNew = i < 0;
      if (isNew) this._calls.push(msg.call);
      else this._calls[i] = msg.call;
      if (isNew && msg.call.simulation_id) this._emit("call-simulation", { id: msg.call.simulation_id });
      this._changed();
    });
    on("rtc.peer_state", (msg) => {
      if (msg.candidate_id === ctx.candidateId) this._audio?.peerState(msg, "client");
    });
    on("media.alert", (msg) => {
      if (msg.candidate_id === ctx.candidateId) this.error = msg.message;
    });
    // A hang-up, hold or resume waiting for the database: the page says so, then clears it.
    on("call.pending", (msg) => {
      if (msg.candidate_id === ctx.candidateId) this.error = msg.message;
    });
    this._load(ctx.snapshot());
    this._audio = new CallAudio({
      socket: ctx.socket,
      phone: this,
      announce: (text) => (this.error = text),
      candidateId: ctx.candidateId,
      micDevice: ctx.micDevice || (() => ""),
    });
    this._audio.start();
  }

  unbind() {
    this._abort?.abort();
    this._audio?.dispose();
    this._audio = null;
    this._calls = [];
    this._render();
  }

  // The microphone changed in the mic check: use it from now on.
  async useMicrophone() {
    if (!this._audio) return;
    for (const t of this._audio.stream?.getTracks() || []) t.stop();
    this._audio.stream = null;
    await this._audio.ensure().catch(() => null);
  }

  get peerConnection() {
    return this._audio?.pc || null;
  }

  get calls() {
    return [...this._calls];
  }

  /** @param {import("./observer-common.js").JurySimulation | null} sim the simulation the juror plays */
  set simulation(sim) {
    this._sim = sim || null;
    this._render();
  }

  /** @param {number} v */
  set micLevel(v) {
    if (this._mic) this._mic.level = v;
  }

  /** @param {number} v */
  set earLevel(v) {
    if (this._ear) this._ear.level = this._onHold() ? 0 : v;
  }

  _onHold() {
    return liveCall(this._calls)?.state === "en_attente";
  }

  /** @param {string} text */
  set error(text) {
    if (this._error) this._error.textContent = text || "";
  }

  /** @param {any} state */
  _load(state) {
    if (!state || !this._ctx) return;
    this._calls = [...(((state.calls || {}).by_candidate || {})[this._ctx.candidateId] || [])];
    this._changed();
  }

  _changed() {
    this._render();
    this._emit("calls-change", { calls: this.calls });
  }

  /**
   * @param {string} type
   * @param {object} detail
   */
  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  async _ring() {
    const sim = this._sim;
    if (!sim || !this._ctx) return;
    await this._send({ type: "call.ring", candidate_id: this._ctx.candidateId, simulation_id: sim.id });
  }

  /** @param {string} type */
  async _command(type) {
    const call = liveCall(this._calls);
    if (call) await this._send({ type, call_id: call.id });
  }

  /** @param {{ type: string, [field: string]: unknown }} message */
  async _send(message) {
    if (this._busy) return;
    this._busy = true;
    this.error = "";
    this._render();
    try {
      const call = await this._ctx.socket.request(message); // the call as it is now
      if (call && call.pending_message) this.error = call.pending_message;
      else if (call && call.queued) this.error = call.message;
      if (call && call.id && call.state) {
        const i = this._calls.findIndex((c) => c.id === call.id);
        if (i < 0) this._calls.push(call);
        else this._calls[i] = call;
        this._changed();
      }
    } catch (err) {
      this.error = /** @type {Error} */ (err).message;
    } finally {
      this._busy = false;
      this._render();
    }
  }

  _toggleMute() {
    const muted = !this._audio?.muted;
    this._audio?.setMuted(muted);
    this._mute.setAttribute("aria-pressed", String(muted));
    this._mute.textContent = muted ? "Rétablir le micro" : "Couper le micro";
    this.dataset.muted = String(muted);
  }

  _renderStatus() {
    if (!this._status) return;
    const call = liveCall(this._calls);
    const text = callStatus(call, serverNow());
    if (this._status.textContent !== text) this._status.textContent = text;
  }

  _render() {
    if (!this._status) return;
    const call = liveCall(this._calls);
    const sim = this._sim;
    const state = call ? call.state : "libre";
    this.dataset.state = state;
    const incoming = call && call.state === "sonnerie" && call.direction === "outbound";
    const isCall = sim && sim.kind !== "chat";
    const show = (/** @type {HTMLButtonElement} */ b, /** @type {unknown} */ visible) => {
      b.hidden = !visible;
      b.disabled = this._busy || !this._ctx;
    };
    show(this._call, !call && isCall && sim.kind === "appel_entrant");
    show(this._answer, Boolean(incoming));
    show(this._reject, Boolean(incoming));
    show(this._hangup, Boolean(call) && !incoming);
    this._mute.disabled = !this._ctx;
    const held = state === "en_attente";
    this._earLabel.textContent = held ? "Candidat (en attente)" : "Candidat";
    if (held) this._ear.level = 0;
    if (incoming) this._detail.textContent = `Le candidat appelle le ${call.number || "client"}.`;
    else if (call) this._detail.textContent = callDetail(call);
    else if (sim && sim.kind === "appel_sortant") this._detail.textContent = "Appel sortant : attendez que le candidat vous appelle.";
    else if (!isCall && sim) this._detail.textContent = "Simulation par messagerie : écrivez au candidat ci-dessous.";
    else this._detail.textContent = sim ? "" : "Choisissez une simulation dans la feuille de route.";
    this._renderStatus();
  }
}

if (!customElements.get("jury-softphone")) customElements.define("jury-softphone", JurySoftphone);
