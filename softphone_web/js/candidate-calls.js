// The calls phase — the agent desktop: the softphone bar and its audio, the CTI coupling (an
// inbound call pops its record before it is answered; outbound calls from the record or the
// call list), the wrap-up after each call, the CRM, the survey, the agenda (candidate-crm.js)
// and the chat (candidate-chat.js).
import { byId } from "./components/dom.js";
import { callCommands } from "./candidate-server.js";
import { ChatDesk } from "./candidate-chat.js";
import { CrmDesk } from "./candidate-crm.js";
import "./cti/call-list.js";
import "./cti/soft-phone.js";
import "./cti/wrap-up-form.js";
import { displayNumber } from "./cti/soft-phone.js";
import { CallAudio } from "./call-audio.js";

const LIVE = new Set(["sonnerie", "en_ligne", "en_attente"]);

/** @typedef {import("./types/events.js").CallOut} CallOut */
/** @typedef {import("./types/events.js").PendingCallOut} PendingCallOut */
/** @typedef {import("./candidate.js").TimelineState} TimelineState */
/** @typedef {import("./candidate-http.js").CandidateSubject} CandidateSubject */
/** @typedef {import("./candidate-http.js").PublicSimulation} PublicSimulation */
/** @param {Event} ev */
const detail = (ev) => /** @type {CustomEvent} */ (ev).detail;
/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));
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

export class CallsDesk {
  /** @type {CrmDesk} */
  crm;
  /** @type {Record<string, string> | undefined} call id → the contact note offered for its wrap-up */
  _notes;
  /** @type {import("./cti/wrap-up-form.js").WrapUpForm} */
  wrap;
  /** @type {import("./cti/call-list.js").CallList} */
  list;
  /** @type {ChatDesk} */
  chat;
  /** @type {import("./components/tab-panels.js").TabPanels} */
  tabs;
  /** @type {Set<string> | undefined} the calls whose record popped already */
  _popped;

  /**
   * @param {{ page: import("./candidate.js").CandidatePage, socket: import("./socket.js").PlateauSocket, ui: import("./candidate.js").CandidateUi, announce: import("./candidate.js").Announce, cid: string }} options
   */
  constructor({ page, socket, ui, announce, cid }) {
    this.page = page;
    this.socket = socket;
    this.announce = announce;
    this.phone = ui.phone;
    /** @type {Map<string, PageCall>} */
    this.calls = new Map();
    this.cmd = callCommands(socket);
    this.active = false;
    this.allowed = false;
    this.audio = new CallAudio({ socket, phone: this.phone, announce });
    this._build(ui, cid);
    this._wire();
  }

  /**
   * @param {import("./candidate.js").CandidateUi} ui
   * @param {string} cid
   */
  _build(ui, cid) {
    this.crm = new CrmDesk({
      cid,
      announce: this.announce,
      dialog: ui.dialog,
      slots: { crm: byId("calls-crm"), survey: byId("calls-survey"), agenda: byId("calls-agenda") },
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
    this.wrap = /** @type {import("./cti/wrap-up-form.js").WrapUpForm} */ (document.createElement("wrap-up-form"));
    this.wrap.hidden = true;
    this.crm.wrapSlot.append(this.wrap);
    this.list = /** @type {import("./cti/call-list.js").CallList} */ (document.createElement("call-list"));
    byId("calls-list").append(this.list);
    this.chat = new ChatDesk({ socket: this.socket, cid, onOpened: () => this._popChatRecord() });
    this.tabs = /** @type {import("./components/tab-panels.js").TabPanels} */ (byId("calls-tabs"));
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
    this.phone.addEventListener("phone-action", (ev) => this._phoneAction(detail(ev)));
    this.wrap.addEventListener("wrap-up-submit", (ev) => this._wrapUp(detail(ev)));
    this.list.addEventListener("dial", (ev) => this.dial(detail(ev).number, detail(ev).record));
    this.list.addEventListener("record-open", (ev) => this.crm.open(detail(ev).id));
    this.list.addEventListener("survey-open", (ev) => {
      if (this.crm.showSurvey(detail(ev).simulation)) this._selectTab("calls-survey");
    });
  }

  /** @param {string} id */
  _selectTab(id) {
    this.tabs.select(id);
  }

  /** @returns {PublicSimulation[]} */
  _simulations() {
    return this.page.subject?.simulations || [];
  }

  /** @param {CandidateSubject} subject */
  setSubject(subject) {
    this.crm.setSubject(subject);
    /** @type {Record<string, string>} */
    const principals = Object.fromEntries((subject.principals || []).map((p) => [p.id, p.name]));
    this.list.principals = principals;
    this.list.tasks = subject.simulations || [];
    const chatSim = (subject.simulations || []).find((s) => s.kind === "chat");
    if (chatSim) this.chat.setLine((chatSim.principal && principals[chatSim.principal]) || "");
    // The qualification codes come with the snapshot's calls (the subject has none).
    // Calls known before the subject (a reload during a call): their line from it now.
    for (const call of this.calls.values()) if (!call.line) call.line = this._lineOf(call.simulation_id);
    this._render();
  }

  /** @param {TimelineState | null} state */
  setTimeline(state) {
    this.allowed = Boolean(state && state.phase === "appels" && state.status === "running");
    this.chat.setTimeline(state, this.allowed);
    this.crm.setEditable(this.allowed);
    this._render();
  }

  /** @param {boolean} on */
  setActive(on) {
    if (on === this.active) return;
    this.active = on;
    this.chat.setActive(on);
    if (on) {
      this.crm.load();
      this.audio.start();
    } else {
      this.audio.stop();
    }
  }

  /** @param {import("./types/events.js").Snapshot["state"]} state the snapshot's parts (calls, chat…) */
  snapshot(state) {
    const calls = state.calls || {};
    this.calls = new Map();
    for (const raw of calls.calls || []) {
      const c = normaliseCall(raw);
      if (c && c.call_id) this.calls.set(c.call_id, c);
    }
    if (calls.dispositions) this.wrap.codes = calls.dispositions;
    this.chat.snapshot(state.chat);
    this._render();
    const live = this.liveCall();
    if (live && live.record_id && this.crm.current !== live.record_id) {
      this.crm.open(live.record_id).then(() => this._render());
    }
    if (live) this.audio.attach();
  }

  // The customer's first message opened the conversation: their record pops (as the call list
  // says), unless a call is on.
  _popChatRecord() {
    if (!this.crm.subjectGate.value) {
      // The chat's record is the subject's: popped once the subject is there.
      this.crm.subjectGate.known().then(() => this._popChatRecord());
      return;
    }
    const sim = this._simulations().find((s) => s.kind === "chat");
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

  // The line a call is on (its principal's name, the DNIS label), from the subject when the
  // event did not say (an outbound call: the candidate's subject lists it).
  /** @param {string | null | undefined} simulationId */
  _lineOf(simulationId) {
    const sim = this._simulations().find((s) => s.id === simulationId);
    const principal = sim && (this.page.subject?.principals || []).find((p) => p.id === sim.principal);
    return principal ? principal.name : "";
  }

  /** @param {string} callId */
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
    const now = { ...(before || {}), ...call };
    this.calls.set(call.call_id, now);
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
    // A call not known yet (the pop comes just before the call's own event, which completes
    // it): what the pop says of it, enough for the bar, the call list and the record.
    const call = /** @type {PageCall} */ ({ ...(this.calls.get(detail.call_id) || {}), call_id: detail.call_id });
    call.record_id = detail.crm_record_id || call.record_id || null;
    call.simulation_id = detail.simulation?.id || call.simulation_id;
    call.number = call.number || detail.number;
    // The pop is sent for a ringing inbound call, just before the call's own event.
    call.state = call.state || "sonnerie";
    call.direction = call.direction || "inbound";
    call.number_display = call.number_display || detail.number;
    call.line = detail.line || call.line || this._lineOf(call.simulation_id);
    this.calls.set(call.call_id, call);
    // The simulation's public part (SimulationPublic in the event).
    this.crm.popSimulation = detail.simulation || null;
    this._popRecord(call);
    this._render();
  }

  /** @param {PageCall} call */
  _popRecord(call) {
    // Once per call: a later event of the same call (answered, held…) must not bring the
    // record back in front of the questionnaire the candidate is reading.
    this._popped = this._popped || new Set();
    if (!call.record_id || this._popped.has(call.call_id)) return;
    this._popped.add(call.call_id);
    const dir = call.direction === "outbound" ? "Appel vers" : "Appel entrant du";
    this.crm.open(call.record_id, { pop: `${dir} ${call.number_display} — fiche ${call.record_id} ouverte automatiquement.` });
    this._selectTab("calls-crm");
    const recordId = call.record_id;
    const pop = this.crm.popSimulation;
    // A survey call: the questionnaire comes to the front (read word for word).
    const survey = () => {
      const sim = call.simulation_id || this.crm.surveyForRecord(recordId);
      return Boolean(sim && this.crm.showSurvey(sim, pop));
    };
    if (survey()) this._selectTab("calls-survey");
    else if (!this.crm.subjectGate.value) {
      // The subject names the survey calls (an outbound one): once it is there, unless the
      // candidate went to another record meanwhile.
      this.crm.subjectGate.known().then(() => {
        if (this.crm.current === recordId && survey()) this._selectTab("calls-survey");
      });
    }
  }

  /** @param {{ action: string, number?: string }} detail the soft phone's `phone-action` */
  async _phoneAction({ action, number }) {
    const call = this.liveCall();
    try {
      switch (action) {
        case "answer":
          if (!call) break; // the call ended as the button was pressed
          await this.audio.ensure().catch(() => null);
          await this.cmd.answer(call.call_id);
          break;
        case "reject":
          if (call) await this.cmd.reject(call.call_id);
          break;
        case "hangup":
          if (call) await this.cmd.hangup(call.call_id);
          break;
        case "hold":
          if (call) await this.cmd.hold(call.call_id);
          break;
        case "resume":
          if (call) await this.cmd.resume(call.call_id);
          break;
        case "mute":
          this.audio.setMuted(!this.audio.muted);
          this.phone.muted = this.audio.muted;
          break;
        case "dial":
          if (number) await this.dial(number);
          break;
        default:
          break;
      }
    } catch (err) {
      this.announce(messageOf(err), { level: "warn" });
    }
  }

  /**
   * @param {string} number
   * @param {string | null} [recordId] the record the number was dialled from, opened with it
   */
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
      if (result && "id" in result) this._onCall(normaliseCall(result));
    } catch (err) {
      this.announce(messageOf(err), { level: "warn" });
    }
  }

  /** @param {{ call_id: string, disposition: string, note: string }} detail the wrap-up form's `wrap-up-submit` */
  async _wrapUp({ call_id, disposition, note }) {
    this.wrap.busy = true;
    try {
      const result = await this.cmd.wrapUp(call_id, disposition, note);
      if (result && result.id) this._onCall(normaliseCall(result));
      this.wrap.error = "";
      this.announce("Appel clôturé.", { level: "phase", ms: 4000 });
      if (this.crm.current) this.crm.open(this.crm.current);
    } catch (err) {
      this.wrap.error = messageOf(err);
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
    if (showWrap && pending) {
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
