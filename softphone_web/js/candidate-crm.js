// The CRM side of the agent desktop: search and records, edits, contact notes, callbacks and
// appointments, orders and payment agreements, the agenda and the survey form. Every change
// goes to the server; the page shows the server's answer (and `crm.change` events).
import { el } from "./components/dom.js";
import { crmApi } from "./candidate-server.js";
import "./cti/agenda-view.js";
import "./cti/crm-record.js";
import "./cti/crm-search.js";
import "./cti/order-form.js";
import "./cti/payment-form.js";
import "./cti/survey-form.js";
import { recordName } from "./cti/crm-record.js";
import { bookSlot, recordAction } from "./crm-actions.js";
import { LatestValueQueue } from "./latest-value-queue.js";
import { SubjectGate } from "./subject-gate.js";
import {
  DONE,
  agendaFromRecords,
  markTaken,
  simulationFor,
  slotsFromSimulations,
  storyNoon,
} from "./crm-desk-state.js";

/** @typedef {import("./candidate-http.js").CandidateSubject} CandidateSubject */
/** @typedef {import("./candidate-http.js").CrmRecord} CrmRecord */
/** @typedef {import("./candidate-http.js").CrmMutation} CrmMutation */
/** @typedef {import("./candidate-http.js").PublicSimulation} PublicSimulation */
/** @typedef {import("./candidate-http.js").Slot} Slot */
/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));


export class CrmDesk {
  /** @type {HTMLDivElement} */
  wrapSlot;
  /** @type {HTMLParagraphElement} */
  pop;
  /** @type {import("./cti/crm-search.js").CrmSearch} */
  search;
  /** @type {import("./cti/crm-record.js").CrmRecord} */
  view;
  /** @type {import("./cti/order-form.js").OrderForm} */
  orderForm;
  /** @type {import("./cti/payment-form.js").PaymentForm} */
  paymentForm;
  /** @type {import("./cti/survey-form.js").SurveyForm} */
  survey;
  /** @type {import("./cti/agenda-view.js").AgendaView} */
  agenda;
  /** @type {Record<string, string>} principal id → name */
  principals;
  /** @type {boolean} */
  loaded;
  /** @type {Record<string, any>[] | undefined} the agenda's items (`AgendaItemOut`) */
  agendaItems;
  /** @type {Slot[] | undefined} */
  slots;
  /** @type {boolean} */
  slotsFromServer;
  /** the survey's answers, one request at a time per question (the latest value last) */
  _answering = new LatestValueQueue();
  /**
   * The subject once known: the records come from their own request and can be on screen
   * first; what reads the subject (a record's order, agreement, callback…) waits for it.
   * @type {SubjectGate<CandidateSubject>}
   */
  subjectGate = new SubjectGate();

  /**
   * @param {object} options
   * @param {string} options.cid
   * @param {import("./candidate.js").Announce} options.announce
   * @param {import("./components/action-dialog.js").ActionDialog} options.dialog
   * @param {{ crm: HTMLElement, survey: HTMLElement, agenda: HTMLElement }} options.slots where its panes go
   * @param {(number: string, record?: string | null) => void} options.onDial
   */
  constructor({ cid, announce, dialog, slots, onDial }) {
    this.api = crmApi(cid);
    this.announce = announce;
    this.dialog = dialog;
    this.onDial = onDial;
    /** @type {Map<string, CrmRecord>} */
    this.records = new Map();
    /** @type {string | null} */
    this.current = null;
    this.editable = false;
    /** @type {CandidateSubject | null} */
    this.subject = null;
    /** @type {string | null} */
    this.surveySim = null;
    // Set by the calls desk (candidate-calls.js): the simulation the last screen pop was for,
    // and what it does when the records load, a record opens, a note is written.
    /** @type {PublicSimulation | null} */
    this.popSimulation = null;
    /** @type {((records: Map<string, CrmRecord>) => void) | undefined} */
    this.onRecords = undefined;
    /** @type {((id: string) => void) | undefined} */
    this.onOpen = undefined;
    /** @type {((recordId: string, summary: string) => void) | undefined} */
    this.onNote = undefined;
    this._build(slots);
  }

  /** @param {{ crm: HTMLElement, survey: HTMLElement, agenda: HTMLElement }} slots */
  _build(slots) {
    const pane = el("div", "crm-pane pane-fill");
    this.wrapSlot = el("div", "wrap-slot");
    this.pop = el("p", "screen-pop");
    this.pop.setAttribute("role", "status");
    const desk = el("div", "crm-desk");
    const col = el("div", "crm-col");
    this.search = /** @type {import("./cti/crm-search.js").CrmSearch} */ (document.createElement("crm-search"));
    col.append(this.search);
    this.view = /** @type {import("./cti/crm-record.js").CrmRecord} */ (document.createElement("crm-record"));
    desk.append(col, this.view);
    pane.append(this.wrapSlot, this.pop, desk);
    slots.crm.append(pane);
    this.orderForm = /** @type {import("./cti/order-form.js").OrderForm} */ (document.createElement("order-form"));
    this.paymentForm = /** @type {import("./cti/payment-form.js").PaymentForm} */ (document.createElement("payment-form"));
    document.body.append(this.orderForm, this.paymentForm);
    this.survey = /** @type {import("./cti/survey-form.js").SurveyForm} */ (document.createElement("survey-form"));
    slots.survey.append(this.survey);
    this.agenda = /** @type {import("./cti/agenda-view.js").AgendaView} */ (document.createElement("agenda-view"));
    slots.agenda.append(this.agenda);

    /** @param {Event} ev */
    const detail = (ev) => /** @type {CustomEvent} */ (ev).detail;
    this.search.addEventListener("record-open", (ev) => this.open(detail(ev).id));
    // Opening a record shows the CRM tab (open's `show`, through onOpen).
    this.agenda.addEventListener("record-open", (ev) => this.open(detail(ev).id));
    this.view.addEventListener("dial", (ev) => this.onDial(detail(ev).number, detail(ev).record));
    this.view.addEventListener("record-save", (ev) => this._save(detail(ev)));
    this.view.addEventListener("record-action", (ev) => this._action(detail(ev)));
    this.survey.addEventListener("survey-answer", (ev) => this._answer(detail(ev)));
    this.agenda.addEventListener("slot-pick", (ev) => this._book(detail(ev).slot));
  }

  /** @param {CandidateSubject} subject */
  setSubject(subject) {
    this.subject = subject;
    this.principals = Object.fromEntries((subject.principals || []).map((p) => [p.id, p.name]));
    this.view.principals = this.principals;
    // Until the server copy arrives: the records as seeded (same shape, no `version` yet).
    if (!this.records.size) this._setRecords(/** @type {CrmRecord[]} */ (subject.crm || []));
    this._refreshSlots();
    // A questionnaire shown from a screen pop before the subject: its principal's name now.
    const sim = this.surveySim ? this._surveySimulation(this.surveySim, this.popSimulation) : null;
    if (sim) this.survey.title = this._surveyTitle(sim);
    this.subjectGate.set(subject); // what waited for it runs now
  }

  /** @param {boolean} value */
  setEditable(value) {
    this.editable = Boolean(value);
    this.view.editable = this.editable;
    this.survey.disabled = !this.editable;
    this.agenda.canBook = this.editable;
  }

  async load() {
    try {
      this._setRecords(await this.api.records()); // a list (GET …/crm/records)
      this.loaded = true;
    } catch (err) {
      this.announce(`CRM : ${messageOf(err)}`, { level: "warn" });
    }
    this._loadAgenda();
  }

  // The agenda and the representatives' slots (those booked marked taken) from the server.
  async _loadAgenda() {
    try {
      const data = await this.api.agenda();
      this.agendaItems = data.items || [];
      if (data.slots) {
        this.slots = data.slots;
        this.slotsFromServer = true;
      }
    } catch {
      this.agendaItems = this._agendaFromRecords();
    }
    this.agenda.items = this.agendaItems;
    this.agenda.slots = this.slots || [];
  }

  _agendaFromRecords() {
    return agendaFromRecords(this.records.values(), recordName);
  }


  /** @param {CrmRecord[]} list */
  _setRecords(list) {
    this.records = new Map(list.map((r) => [r.id, r]));
    this.search.records = list;
    const current = this.current ? this.records.get(this.current) : undefined;
    if (current) this.view.record = current;
    this.onRecords?.(this.records);
  }

  /** @param {string} id */
  recordName(id) {
    const r = this.records.get(id);
    return r ? recordName(r) : "";
  }

  // Shows a record; `pop` says it was opened by an incoming call (the CTI screen pop).
  /**
   * @param {string | null | undefined} id
   * @param {{ pop?: string, show?: boolean }} [options]
   */
  async open(id, { pop = "", show = true } = {}) {
    if (!id) return;
    this.current = id;
    this.search.selected = id;
    this.pop.textContent = pop;
    this.view.record = this.records.get(id) || null;
    // The tab is chosen now, never after the fetch: a later answer must not bring the record
    // back in front of what the candidate went to meanwhile (the questionnaire…).
    if (show) this.onOpen?.(id);
    try {
      const fresh = await this.api.record(id);
      this._upsert(fresh);
    } catch {
      /* the list copy is shown */
    }
  }

  clearPop() {
    this.pop.textContent = "";
  }

  /** @param {CrmRecord | null | undefined} record */
  _upsert(record) {
    if (!record || !record.id) return;
    this.records.set(record.id, record);
    this.search.records = [...this.records.values()];
    if (this.current === record.id) this.view.record = record;
    this.onRecords?.(this.records);
  }

  // A `crm.change` event: a record changed (by this page or, later, by the server).
  /** @param {import("./types/events.js").CrmChanged} event */
  changed(event) {
    if (event.survey) {
      if (this.surveySim && event.survey.simulation_id === this.surveySim) this.survey.answers = event.survey.answers || {};
      return;
    }
    // The event's record is `record_out`, with its id and version (the catalogue types it loosely).
    if (event.record) this._upsert(/** @type {CrmRecord} */ (event.record));
    else if (event.record_id && event.record_id === this.current) this.open(event.record_id, { show: false });
    if (["appointments", "callbacks"].includes(event.change?.field ?? "")) this._loadAgenda();
  }

  // `label` names the action in a refusal; `done` is the whole sentence of its success (French
  // agreement is the word's gender, not its last letter: « Rendez-vous planifié. »).
  /**
   * @param {string} label
   * @param {() => Promise<CrmMutation | null>} fn
   * @param {string} [done]
   */
  async _do(label, fn, done = DONE[label] || `${label} : c'est enregistré.`) {
    try {
      const result = await fn();
      if (result && result.record) this._upsert(result.record);
      else if (this.current) await this.open(this.current, { show: false });
      this.view.message = done;
      this._loadAgenda();
      return result;
    } catch (err) {
      this.announce(`${label} : ${messageOf(err)}`, { level: "warn" });
      this.view.message = "";
      return null;
    }
  }

  /** @param {{ id: string, changes: Record<string, unknown> }} detail */
  async _save({ id, changes }) {
    if (!Object.keys(changes).length) {
      this.view.stopEditing();
      return;
    }
    const done = await this._do("Fiche", () => this.api.update(id, changes));
    if (done) this.view.stopEditing();
  }

  // A record's action and a slot booked: crm-actions.js.
  /** @param {{ action: string, id: string }} detail */
  async _action(detail) {
    await recordAction(this, detail);
  }

  _storyNoon() {
    return storyNoon(this.subject?.story_date);
  }


  /** @returns {PublicSimulation[]} */
  _simulations() {
    return this.subject?.simulations || [];
  }

  /**
   * @param {string} recordId
   * @returns {PublicSimulation | null}
   */
  _simulationFor(recordId) {
    return simulationFor(recordId, this.popSimulation, this._simulations());
  }


  // The survey form for a simulation (by id, or the one of a record).
  // Shows the questionnaire at once (true when the simulation has one); the answers saved so
  // far follow from the server.
  /**
   * @param {string | null | undefined} simulationId
   * @param {PublicSimulation | null} [known] the screen pop's simulation (not in the subject: inbound)
   */
  showSurvey(simulationId, known = null) {
    const sim = this._surveySimulation(simulationId, known);
    if (!sim) return false;
    if (this.surveySim !== sim.id) {
      this.surveySim = sim.id;
      this.survey.title = this._surveyTitle(sim);
      this.survey.survey = sim.survey;
      this.survey.answers = {};
    }
    this.api
      .survey(sim.id)
      .then((data) => {
        if (this.surveySim === sim.id) this.survey.answers = data.answers || {};
      })
      .catch(() => null);
    return true;
  }

  /**
   * @param {string | null | undefined} simulationId
   * @param {PublicSimulation | null} known
   */
  _surveySimulation(simulationId, known) {
    const sims = [...(known ? [known] : []), ...this._simulations()];
    return sims.find((s) => s.id === simulationId && s.survey) || null;
  }

  /** @param {PublicSimulation} sim */
  _surveyTitle(sim) {
    return `Questionnaire — ${(sim.principal && this.principals?.[sim.principal]) || ""}`;
  }

  /** @param {string} recordId */
  surveyForRecord(recordId) {
    const sim = this._simulations().find((s) => s.crm_record === recordId && s.survey);
    return sim ? sim.id : null;
  }

  // One request at a time per question, the latest value last (latest-value-queue.js): two
  // quick clicks on a multiple choice must not race each other (the later answer is kept).
  /** @param {{ question_id: string, value: unknown }} detail */
  async _answer({ question_id, value }) {
    const sim = this.surveySim;
    if (!sim) return;
    await this._answering.send(`${sim}/${question_id}`, value, async (current) => {
      try {
        await this.api.answer(sim, question_id, current);
        if (this.surveySim === sim) this.survey.markSaved(question_id);
      } catch (err) {
        if (this.surveySim === sim) this.survey.markFailed(question_id, messageOf(err));
      }
    });
  }


  // Until the server's agenda answers: the slots from the subject.
  _refreshSlots() {
    if (this.slotsFromServer) return;
    this.slots = slotsFromSimulations(this._simulations());
    this._markTaken();
  }


  _markTaken() {
    this.agenda.slots = markTaken(this.slots, this.agendaItems);
  }


  /** @param {Slot} slot */
  async _book(slot) {
    await bookSlot(this, slot);
  }
}
