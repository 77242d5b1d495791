// The calls phase — the agent desktop: the softphone bar and its audio, the CTI coupling (an
// inbound call pops its record before it is answered; outbound calls from the record or the
// call list), the wrap-up after each call, the CRM, the survey, the agenda and the chat.
import { el } from "./components/dom.js";
import { callCommands, chatCommands } from "./candidate-server.js";
import { CrmDesk } from "./candidate-crm.js";
import "./cti/call-list.js";
import "./cti/chat-window.js";
import { ChatOutbox } from "./cti/chat-outbox.js";
import "./cti/soft-phone.js";
import "./cti/wrap-up-form.js";
import { displayNumber } from "./cti/soft-phone.js";
import { CallAudio } from "./call-audio.js";
import { serverNow } from "./clock.js";

const LIVE = new Set(["sonnerie", "en_ligne", "en_attente"]);
const $ = (id) => document.getElementById(id);

/** @typedef {import("./types/events.js").CallOut} CallOut */
/** @typedef {import("./types/events.js").PendingCallOut} PendingCallOut */
/**
 * A call in the page's words: the server's call, with the names the softphone bar, the call
 * list and the wrap-up read (`call_id`, `ringing_at`, `record_id`, `number_display`…).
 * @typedef {(CallOut | PendingCallOut) & { line?: string, call_id: string, ringing_at: string, record_id: string | null, number_display: string, wrap_up_pending: boolean }} PageCall
 */
// The server's call (`CallOut`: a `call` event's `call`, a call of the snapshot — which adds its
// `line` —, the answer to a dial or a wrap-up), in the page's words.
/**
 * @param {CallOut | PendingCallOut | (CallOut & { line?: string }) | null | undefined} c
 * @returns {PageCall | null}
 */
export function normaliseCall(c) {
  if (!c) return null;
  const number = c.number || "";
  return {
    ...c,
    call_id: c.id,
    ringing_at: c.rang_at,
    record_id: c.crm_record_id || null,
    number,
    number_display: /\d/.test(number) ? displayNumber(number) : number,
    wrap_up_pending: Boolean(c.needs_wrap_up) && !c.disposition,
  };
}

// The calls phase's paused time so far (seconds), from the timeline state.
function callsPausedSeconds(state) {
  const phase = ((state && state.phases) || []).find((p) => p.phase === "appels");
  return phase ? Number(phase.paused_seconds) || 0 : 0;
}

export class CallsDesk {
  /** @type {CrmDesk} */
  crm;
  /** @type {any} */
  _notes;
  /** @type {import("./cti/wrap-up-form.js").WrapUpForm} */
  wrap;
  /** @type {import("./cti/call-list.js").CallList} */
  list;
  /** @type {import("./cti/chat-window.js").ChatWindow} */
  chat;
  /** @type {ChatOutbox} */
  outbox;
  /** @type {import("./components/tab-panels.js").TabPanels} */
  tabs;
  /** @type {import("./components/tab-panels.js").TabPanels} */
  side;
  /** @type {HTMLSpanElement} */
  chatBadge;
  /** @type {any} */
  _timeline;
  /** @type {any} */
  _chatPausedBase;
  /** @type {any} */
  chatWindow;
  /** @type {number} */
  _chatTimer;
  /** @type {any} */
  _popped;

  /**
   * @param {{ page: any, socket: import("./socket.js").PlateauSocket, ui: any, announce: (text: string, options?: object) => void, cid: string }} options
   */
  constructor({ page, socket, ui, announce, cid }) {
    this.page = page;
    this.socket = socket;
    this.announce = announce;
    this.phone = ui.phone;
    this.calls = new Map();
    this.cmd = callCommands(socket);
    this.chatCmd = chatCommands(socket);
    this.active = false;
    this.allowed = false;
    this.audio = new CallAudio({ socket, phone: this.phone, announce });
    this._build(ui, cid);
    this._wire();
  }

  _build(ui, cid) {
    this.crm = new CrmDesk({
      cid,
      announce: this.announce,
      dialog: ui.dialog,
      slots: { crm: $("calls-crm"), survey: $("calls-survey"), agenda: $("calls-agenda") },
      onDial: (number, record) => this.dial(number, record),
    });
    this.crm.onRecords = (records) => {
      this.list.records = Object.fromEntries(records);
      this._render(); // the caller's name on the bar once the records are there (a reload)
    };
    this.crm.onOpen = () => this._selectTab("calls-crm");
    // A contact note written on the caller's record during the call or its wrap-up is offered
    // as the wrap-up's note (not asked again); kept per call over a reload.
    this.crm.onNote = (recordId, summary) => {
      const call = this.liveCall() || this.pendingWrapUp();
      if (!call || call.record_id !== recordId) return;
      try {
        sessionStorage.setItem(`plateau.wrapnote.${call.call_id}`, summary);
      } catch {
        /* private mode: offered while the page lives */
      }
      this._notes = { ...(this._notes || {}), [call.call_id]: summary };
      this._render();
    };
    this.wrap = document.createElement("wrap-up-form");
    this.wrap.hidden = true;
    this.crm.wrapSlot.append(this.wrap);
    this.list = document.createElement("call-list");
    $("calls-list").append(this.list);
    this.chat = document.createElement("chat-window");
    this.chat.setAttribute("outbox", "");
    $("side-chat").append(this.chat);
    this.outbox = new ChatOutbox({
      socket: this.socket,
      key: `plateau.chat.outbox.${cid}`,
      send: async (text, id) => (await this.chatCmd.send(text, id))?.message,
    });
    this.chat.outgoing = this.outbox.items; // what a reload found unsent: sent on connection
    this.tabs = /** @type {import("./components/tab-panels.js").TabPanels} */ ($("calls-tabs"));
    this.side = /** @type {import("./components/tab-panels.js").TabPanels} */ ($("side-tabs"));
    this.chatBadge = el("span", "tab-badge");
    this.chatBadge.setAttribute("aria-label", "messages non lus");
  }

  _wire() {
    const s = this.socket;
    s.on("call", (msg) => this._onCall(normaliseCall(msg.call)));
    s.on("call.screen_pop", (msg) => this._onPop(msg));
    s.on("call.unassigned", (msg) => {
      this.phone.padClose();
      this.announce(`${msg.message || "Numéro non attribué."} (${displayNumber(msg.number)})`, { level: "warn" });
      this.audio.unassignedTone();
    });
    s.on("rtc.peer_state", (msg) => this.audio.peerState(msg));
    // A hang-up, hold or resume waiting for the database: said, then said written.
    s.on("call.pending", (msg) => {
      this.announce(msg.message, { level: msg.pending ? "warn" : "info", ms: 20000 });
    });
    s.on("call.warning", (msg) => {
      this.announce(msg.message || "L'appel va être coupé : fin de la phase d'appels.", { level: "warn", ms: 20000 });
    });
    s.on("crm.change", (msg) => this.crm.changed(msg));
    s.on("chat.message", (msg) => this._onChatMessage(msg.message));
    s.on("chat.typing", (msg) => {
      if (msg.author !== "candidate") this.chat.peerTyping = true;
    });
    this.phone.addEventListener("phone-action", (ev) => this._phoneAction(ev.detail));
    this.wrap.addEventListener("wrap-up-submit", (/** @type {CustomEvent} */ ev) => this._wrapUp(ev.detail));
    this.list.addEventListener("dial", (/** @type {CustomEvent} */ ev) => this.dial(ev.detail.number, ev.detail.record));
    this.list.addEventListener("record-open", (/** @type {CustomEvent} */ ev) => this.crm.open(ev.detail.id));
    this.list.addEventListener("survey-open", (/** @type {CustomEvent} */ ev) => {
      if (this.crm.showSurvey(ev.detail.simulation)) this._selectTab("calls-survey");
    });
    this.chat.addEventListener("chat-send", (/** @type {CustomEvent} */ ev) => this.outbox.push(ev.detail.text));
    this.outbox.addEventListener("change", () => (this.chat.outgoing = this.outbox.items));
    this.outbox.addEventListener("sent", (/** @type {CustomEvent} */ ev) => {
      this.chat.error = "";
      if (ev.detail.message) this.chat.add(ev.detail.message);
    });
    this.outbox.addEventListener("refused", (/** @type {CustomEvent} */ ev) => {
      this.chat.error = `${ev.detail.message} Votre message est revenu dans la zone de saisie.`;
      this.chat.restore(ev.detail.text);
    });
    this.chat.addEventListener("chat-typing", () => this.chatCmd.typing());
    this.chat.addEventListener("chat-read", (/** @type {CustomEvent} */ ev) => this.chatCmd.read(ev.detail.last_id));
    this.chat.addEventListener("unread", (/** @type {CustomEvent} */ ev) => {
      this.chatBadge.textContent = ev.detail.count ? String(ev.detail.count) : "";
    });
    this.side.addEventListener("tab-change", () => (this.chat.visible = this.side.current === "side-chat"));
  }

  _selectTab(id) {
    this.tabs.select(id);
  }

  setSubject(subject) {
    this.crm.setSubject(subject);
    /** @type {Record<string, string>} */
    const principals = Object.fromEntries((subject.principals || []).map((/** @type {{ id: string, name: string }} */ p) => [p.id, p.name]));
    this.list.principals = principals;
    this.list.tasks = subject.simulations || [];
    const chatSim = (subject.simulations || []).find((/** @type {{ kind: string }} */ s) => s.kind === "chat");
    if (chatSim) this.chat.header = `Messagerie — ${principals[chatSim.principal] || ""}`;
    if (subject.dispositions) this.wrap.codes = subject.dispositions;
  }

  setTimeline(state) {
    this._timeline = state;
    // A pause of the exam does not count in the chat's time: its end moves by the pause.
    const w = this.chatWindow;
    const paused = callsPausedSeconds(state);
    if (w && w.closes_at && this._chatPausedBase !== undefined && paused !== this._chatPausedBase) {
      w.closes_at = new Date(Date.parse(w.closes_at) + (paused - this._chatPausedBase) * 1000).toISOString();
    }
    this._chatPausedBase = paused;
    this._chatOpenState();
    this.allowed = Boolean(state && state.phase === "appels" && state.status === "running");
    this.crm.setEditable(this.allowed);
    this.chat.enabled = this.allowed;
    this._render();
  }

  setActive(on) {
    if (on === this.active) return;
    this.active = on;
    if (on) {
      document.getElementById("tab-side-chat")?.append(this.chatBadge);
      this.chat.visible = this.side.current === "side-chat";
      this.crm.load();
      this.audio.start();
    } else {
      this.chat.visible = false;
      this.audio.stop();
    }
  }

  snapshot(state) {
    const calls = state.calls || {};
    this.calls = new Map();
    for (const raw of calls.calls || []) {
      const c = normaliseCall(raw);
      if (c && c.call_id) this.calls.set(c.call_id, c);
    }
    if (calls.dispositions) this.wrap.codes = calls.dispositions;
    const chat = state.chat;
    if (chat && chat.messages) {
      this.chat.messages = chat.messages;
      this.chat.unread = chat.unread || 0; // the badge survives a reload
    }
    this.chatWindow = (chat && chat.window) || null;
    this._chatPausedBase = callsPausedSeconds(this._timeline); // the server's end counts pauses so far
    this._chatOpenState();
    this._render();
    const live = this.liveCall();
    if (live && live.record_id && this.crm.current !== live.record_id) {
      this.crm.open(live.record_id).then(() => this._render());
    }
    if (live) this.audio.attach();
  }

  // The customer's first message opens the conversation: their record pops (as the call list
  // says), and the composer opens until the simulation's time has run (server/chat/domain.py).
  _onChatMessage(message) {
    this.chat.add(message);
    const w = this.chatWindow;
    if (message.author === "client" && w && !w.opened_at) {
      w.opened_at = message.at;
      w.closes_at = new Date(Date.parse(message.at) + w.minutes * 60000).toISOString();
      this._chatPausedBase = callsPausedSeconds(this._timeline);
      this._chatOpenState();
      this._popChatRecord();
    }
  }

  _popChatRecord() {
    const sim = (this.page.subject?.simulations || []).find((s) => s.kind === "chat");
    if (!sim || !sim.crm_record) return;
    if (this.liveCall()) {
      // A call is on: its caller's record stays in front; the chat's is named, one click away.
      this.announce(`Conversation ouverte par le client (fiche ${sim.crm_record}) : onglet « Chat ».`, { level: "phase" });
      return;
    }
    this.crm.open(sim.crm_record, {
      pop: `Conversation ouverte par le client — fiche ${sim.crm_record} ouverte automatiquement.`,
    });
    this._selectTab("calls-crm");
  }

  _chatOpenState() {
    clearTimeout(this._chatTimer);
    const w = this.chatWindow;
    let reason = null;
    if (w && !w.opened_at) reason = "La conversation n'a pas commencé : le client écrit le premier message.";
    else if (w && w.closes_at) {
      const left = Date.parse(w.closes_at) - serverNow();
      if (left <= 0) reason = "La conversation est terminée : le temps de la simulation par messagerie est écoulé.";
      else this._chatTimer = setTimeout(() => this._chatOpenState(), Math.min(left + 200, 60000));
    }
    this.chat.closedReason = reason;
  }

  // The line a call is on (its principal's name, the DNIS label), from the subject when the
  // event did not say (an outbound call: the candidate's subject lists it).
  _lineOf(simulationId) {
    const sim = (this.page.subject?.simulations || []).find((s) => s.id === simulationId);
    const principal = sim && (this.page.subject.principals || []).find((p) => p.id === sim.principal);
    return principal ? principal.name : "";
  }

  _noteOf(callId) {
    if (this._notes && this._notes[callId]) return this._notes[callId];
    try {
      return sessionStorage.getItem(`plateau.wrapnote.${callId}`) || "";
    } catch {
      return "";
    }
  }

  liveCall() {
    return [...this.calls.values()].find((c) => LIVE.has(c.state)) || null;
  }

  pendingWrapUp() {
    return [...this.calls.values()].find((c) => c.wrap_up_pending) || null;
  }

  /** @param {PageCall | null} call */
  _onCall(call) {
    if (!call || !call.call_id) return;
    const before = this.calls.get(call.call_id);
    this.calls.set(call.call_id, { ...(before || {}), ...call });
    const now = this.calls.get(call.call_id);
    if (!now.line) now.line = this._lineOf(now.simulation_id);
    if (!before && now.state === "sonnerie" && now.direction !== "outbound") {
      this.announce(`Appel entrant : ${now.number_display}`, { level: "phase" });
    }
    if (now.record_id && (!before || !before.record_id) && now.direction === "outbound") this._popRecord(now);
    if (before && LIVE.has(before.state) && !LIVE.has(now.state)) {
      this.crm.clearPop();
      if (now.state === "manque") this.announce("Appel manqué.", { level: "warn" });
      if (now.state === "refuse" && now.direction === "outbound") this.announce("Le correspondant n'a pas décroché.", { level: "warn" });
    }
    if (LIVE.has(now.state)) this.audio.attach();
    else this.audio.detach();
    this._render();
  }

  // CTI: the inbound call's record (and its simulation's public part) before the answer.
  /** @param {import("./types/events.js").ScreenPop} detail */
  _onPop(detail) {
    const call = { ...(this.calls.get(detail.call_id) || {}), call_id: detail.call_id };
    call.record_id = detail.crm_record_id || call.record_id || null;
    call.simulation_id = detail.simulation?.id || call.simulation_id;
    call.number = call.number || detail.number;
    // The pop is sent for a ringing inbound call, just before the call's own event.
    call.state = call.state || "sonnerie";
    call.direction = call.direction || "inbound";
    call.number_display = call.number_display || detail.number;
    call.line = detail.line || call.line || this._lineOf(call.simulation_id);
    this.calls.set(call.call_id, call);
    this.crm.popSimulation = detail.simulation || null;
    this._popRecord(call);
    this._render();
  }

  _popRecord(call) {
    // Once per call: a later event of the same call (answered, held…) must not bring the
    // record back in front of the questionnaire the candidate is reading.
    this._popped = this._popped || new Set();
    if (!call.record_id || this._popped.has(call.call_id)) return;
    this._popped.add(call.call_id);
    const dir = call.direction === "outbound" ? "Appel vers" : "Appel entrant du";
    this.crm.open(call.record_id, { pop: `${dir} ${call.number_display} — fiche ${call.record_id} ouverte automatiquement.` });
    this._selectTab("calls-crm");
    const sim = call.simulation_id || this.crm.surveyForRecord(call.record_id);
    // A survey call: the questionnaire comes to the front (read word for word).
    if (sim && this.crm.showSurvey(sim, this.crm.popSimulation)) this._selectTab("calls-survey");
  }

  async _phoneAction({ action, number }) {
    const call = this.liveCall();
    try {
      switch (action) {
        case "answer":
          await this.audio.ensure().catch(() => null);
          await this.cmd.answer(call.call_id);
          break;
        case "reject":
          await this.cmd.reject(call.call_id);
          break;
        case "hangup":
          await this.cmd.hangup(call.call_id);
          break;
        case "hold":
          await this.cmd.hold(call.call_id);
          break;
        case "resume":
          await this.cmd.resume(call.call_id);
          break;
        case "mute":
          this.audio.setMuted(!this.audio.muted);
          this.phone.muted = this.audio.muted;
          break;
        case "dial":
          await this.dial(number);
          break;
        default:
          break;
      }
    } catch (err) {
      this.announce(err.message, { level: "warn" });
    }
  }

  async dial(number, recordId = null) {
    if (!this.allowed) {
      this.announce("Les appels ne sont possibles que pendant la phase d'appels.", { level: "warn" });
      return;
    }
    if (this.pendingWrapUp()) {
      this.announce("Clôturez d'abord l'appel précédent (code et note).", { level: "warn" });
      this.wrap.focus();
      return;
    }
    if (this.liveCall()) return;
    if (recordId) this.crm.open(recordId);
    try {
      await this.audio.ensure().catch(() => null);
      const result = await this.cmd.dial(number);
      this.phone.padClose();
      // « Numéro non attribué » comes as a `call.unassigned` event too (said once, there).
      if (result && result.id) this._onCall(normaliseCall(result));
    } catch (err) {
      this.announce(err.message, { level: "warn" });
    }
  }

  async _wrapUp({ call_id, disposition, note }) {
    this.wrap.busy = true;
    try {
      const result = await this.cmd.wrapUp(call_id, disposition, note);
      if (result && result.id) this._onCall(normaliseCall(result));
      this.wrap.error = "";
      this.announce("Appel clôturé.", { level: "phase", ms: 4000 });
      if (this.crm.current) this.crm.open(this.crm.current);
    } catch (err) {
      this.wrap.error = err.message;
    } finally {
      this.wrap.busy = false;
    }
    this._render();
  }

  _render() {
    const live = this.liveCall();
    const pending = this.pendingWrapUp();
    this.phone.available = this.allowed;
    this.phone.call = live;
    this.phone.callerName = live && live.record_id ? this.crm.recordName(live.record_id) : "";
    this.phone.wrapUpPending = Boolean(pending);
    this.list.canDial = this.allowed && !live && !pending;
    this.list.log = [...this.calls.values()];
    const showWrap = Boolean(pending) && !live;
    const wasHidden = this.wrap.hidden;
    this.wrap.hidden = !showWrap;
    if (showWrap) {
      this.wrap.call = pending;
      this.wrap.recordName = pending.record_id ? this.crm.recordName(pending.record_id) : "";
      this.wrap.offeredNote = this._noteOf(pending.call_id);
      if (wasHidden) {
        this._selectTab("calls-crm");
        this.wrap.focus();
      }
    }
  }
}
