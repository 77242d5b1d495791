// <crm-feed>: the candidate's actions in the CRM as they happen, each with its clock time — a
// record popped on an inbound call, a record's fields changed (old → new), a contact note, a
// callback or an appointment, an order, a payment agreement, a survey answer, and the call's
// qualification (disposition) at the wrap-up.
//   mode="live" (default): newest first, the snapshot's tail then `crm.change` / `call` events.
//   mode="log": the whole journal in order (GET …/crm/changes), for after the calls.
//
//   feed.bind(ctx);   feed.unbind();   feed.entries   // [{ key, at, kind, label, record, text }]
// The page reads the server for it (juror-review-feeds.js: feedCrm) and hands it:
//   feed.records = [...]            // the candidate's records (GET …/crm/records): their names
//   feed.journal = [...]            // mode="log": the whole journal (GET …/crm/changes)
//   feed.journalError = message     // « Journal du CRM illisible : … »
//   feed.addSurvey(simulationId, questions)   // a survey's questions word for word
// and hears what it asks:
//   "crm-journal-wanted"            // mode="log": read the journal again (a snapshot)
//   "crm-survey-wanted" { simulationId }  // an answer to a survey whose questions it lacks
//   feed.surveysWanted              // the surveys it asked for so far (those asked before the
//                                   // page listened included)
// The list is a role="log" region; a screen reader hears the new actions in live mode.
import { serverNow } from "../clock.js";
import { el } from "../components/dom.js";
import { dayText, instantText, recordName } from "../cti/crm-record.js";
import { euros, toCents } from "../cti/money.js";
import {
  DIRECTION_LABELS,
  callsIn,
  simulationLabel,
  timeElement,
  upsertCall,
} from "./observer-common.js";
import { JuryPanel } from "./jury-panel.js";

const LIVE_LIMIT = 200;
/** @type {Record<string, string>} */
export const KIND_LABELS = {
  edit: "Fiche modifiée",
  note: "Note de contact",
  appointment: "Rendez-vous",
  callback: "Rappel programmé",
  order: "Commande",
  payment_agreement: "Accord de paiement",
  survey_answer: "Questionnaire",
  disposition: "Qualification de l'appel",
  screen_pop: "Fiche ouverte",
};
/** @type {Record<string, string>} */
const FIELD_LABELS = {
  civility: "Civilité",
  last_name: "Nom",
  first_name: "Prénom",
  company: "Société",
  position: "Fonction",
  email: "Courriel",
  segment: "Segment",
  notes: "Remarques",
  consent: "Consentements",
  phones: "Téléphones",
  address: "Adresse",
};
/** @type {Record<string, string>} */
const CHANNELS = {
  telephone: "téléphone", courriel: "courriel", courrier: "courrier", sms: "SMS", chat: "chat",
  web: "web", agence: "agence",
};
/** @type {Record<string, string>} */
const CONSENT = { email: "courriel", sms: "SMS", phone: "téléphone" };

/**
 * A CRM field's value in words (any JSON value: CrmChangeOut's old and new).
 * @param {any} v
 * @returns {string}
 */
export function valueText(v) {
  if (v === null || v === undefined || v === "") return "(vide)";
  if (typeof v === "boolean") return v ? "oui" : "non";
  if (Array.isArray(v)) return v.length ? v.map(valueText).join(", ") : "(vide)";
  if (typeof v === "object") {
    if (v.display) return v.display;
    if ("street" in v || "postcode" in v || "city" in v) {
      return [v.street, [v.postcode, v.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
    }
    if (Object.keys(v).every((k) => k in CONSENT)) {
      return Object.entries(v).map(([k, x]) => `${CONSENT[k]} : ${x ? "oui" : "non"}`).join(", ");
    }
    return Object.entries(v).map(([k, x]) => `${k} : ${valueText(x)}`).join(" ; ");
  }
  return String(v);
}

/** @param {string | number | null | undefined} v */
function money(v) {
  return euros(toCents(v));
}

// One change of the log as French text; `questions` maps "sim.question" to the question.
/**
 * @param {import("../types/events.js").CrmChangeOut} change
 * @param {Map<string, string>} questions the survey's questions, id → text
 */
export function describeChange(change, questions) {
  const n = change.new || {};
  switch (change.kind) {
    case "edit":
      return `${FIELD_LABELS[change.field ?? ""] || change.field} : ${valueText(change.old)} → ${valueText(change.new)}`;
    case "note":
      return `Note (${CHANNELS[n.channel] || n.channel || "—"}) : ${n.summary || ""}`;
    case "appointment": {
      const who = [n.contact, n.representative && `avec ${n.representative}`].filter(Boolean).join(", ");
      const what = n.kind === "rappel" ? "Rappel" : "Rendez-vous";
      return `${what} le ${instantText(n.at)}${who ? ` (${who})` : ""} — ${n.subject || ""}`;
    }
    case "order": {
      const lines = (n.lines || []).map((/** @type {any} */ l) => `${l.quantity} × ${l.label || l.ref}`).join(", ");
      const pay = n.payment_method ? `, ${n.payment_method}` : "";
      return `Commande ${n.ref || ""} : ${lines} — total ${money(n.total)}${pay}`;
    }
    case "payment_agreement": {
      const first = (n.installments || [])[0];
      const start = first ? `, 1re échéance le ${dayText(first.date)}` : "";
      const pay = n.payment_method ? `, ${n.payment_method}` : "";
      return `Accord « ${n.plan || ""} » : ${money(n.amount)} (total ${money(n.total || n.amount)})${start}${pay}`;
    }
    case "survey_answer": {
      const q = questions.get(change.field ?? "");
      return `${q ? `« ${q} »` : `Question ${String(change.field || "").split(".").pop()}`} : ${valueText(change.new)}`;
    }
    default:
      return `${change.field ? `${change.field} : ` : ""}${valueText(change.new)}`;
  }
}

/** @param {import("../types/events.js").CrmChangeOut} change */
function changeKind(change) {
  if (change.kind === "appointment" && change.new && change.new.kind === "rappel") return "callback";
  return change.kind;
}

export class CrmFeed extends JuryPanel {
  /** @type {HTMLParagraphElement} */
  _summary;
  /** @type {HTMLOListElement} */
  _list;
  /** @type {HTMLParagraphElement} */
  _empty;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {{ key: string; order: any; at: any; kind: any; label: any; record: any; text: string; }[]} */
  _entries;

  constructor() {
    super();
    this._changes = new Map(); // id -> change
    /** @type {import("../types/events.js").CallOut[]} */
    this._calls = [];
    this._names = new Map(); // record id -> name
    this._questions = new Map(); // "sim.question" -> question text
    this._surveysAsked = new Set();
    this._sims = new Map();
    this._wrappedAt = new Map(); // call id -> when the disposition was heard live
    this._seen = null; // keys already shown (new ones are highlighted)
  }

  get mode() {
    return this.getAttribute("mode") === "log" ? "log" : "live";
  }

  _build() {
    if (this._list) return;
    this.classList.add("crm-feed");
    this._summary = el("p", "cf-summary small muted");
    this._list = el("ol", "cf-list");
    this._list.setAttribute("role", "log");
    this._list.setAttribute("aria-label", this.mode === "log" ? "Journal du CRM" : "Actions du candidat dans le CRM");
    this._empty = el("p", "muted", "Aucune action dans le CRM pour le moment.");
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this.append(this._summary, this._empty, this._list, this._error);
  }

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => {
      this._load(msg.state);
      this._wantJournal();
    });
    on("crm.change", (msg) => {
      if (!mine(msg) || !msg.change) return;
      if (msg.record && msg.record.id) this._names.set(msg.record.id, recordName(msg.record));
      this._changes.set(msg.change.id, msg.change);
      this._render();
    });
    on("call", (msg) => {
      if (!mine(msg) || !msg.call) return;
      const before = this._calls.find((c) => c.id === msg.call.id);
      if (msg.call.disposition && !(before && before.disposition)) {
        this._wrappedAt.set(msg.call.id, new Date(serverNow()).toISOString());
      }
      upsertCall(this._calls, msg.call);
      this._render();
    });
    this._load(ctx.snapshot());
    this._wantJournal();
    this.whenSimulations(ctx, (sims) => {
      this._sims = sims;
      this._render();
    });
  }

  unbound() {
    this._changes = new Map();
    this._calls = [];
    this._names = new Map();
    this._questions = new Map();
    this._surveysAsked = new Set();
    this._sims = new Map();
    this._wrappedAt = new Map();
    this._seen = null;
    if (this._list) {
      this._error.textContent = "";
      this._render();
    }
  }

  get entries() {
    return this._entries ? this._entries.map((e) => ({ ...e })) : [];
  }

  /** @param {any} state the snapshot's state */
  _load(state) {
    const ctx = this._ctx;
    if (!ctx) return;
    if (state) {
      this._calls = callsIn(state, ctx.candidateId);
      const part = (((state.crm || {}).by_candidate || {})[ctx.candidateId] || {}).changes || [];
      for (const c of part) this._changes.set(c.id, c);
    }
    this._render();
  }

  // The snapshot holds the tail of the log; the journal reads it all (the page, on this event).
  _wantJournal() {
    if (this.mode === "log") this.dispatchEvent(new CustomEvent("crm-journal-wanted"));
  }

  /** @param {any[]} changes the whole journal (GET …/crm/changes) */
  set journal(changes) {
    if (!this._ctx) return;
    for (const c of changes) this._changes.set(c.id, c);
    this._error.textContent = "";
    this._render();
  }

  /** @param {string} message why the journal could not be read */
  set journalError(message) {
    if (this._ctx) this._error.textContent = `Journal du CRM illisible : ${message}`;
  }

  /** @param {any[]} records the candidate's CRM records (GET …/crm/records): their names */
  set records(records) {
    if (!this._ctx) return;
    for (const r of records) if (!this._names.has(r.id)) this._names.set(r.id, recordName(r));
    this._render();
  }

  // The survey's questions word for word (the question id is shown until they come).
  /**
   * @param {string} simulationId
   * @param {Array<{ id: string, text: string }>} questions
   */
  addSurvey(simulationId, questions) {
    if (!this._ctx) return;
    for (const q of questions) this._questions.set(`${simulationId}.${q.id}`, q.text);
    this._render();
  }

  /** @returns {string[]} the simulations whose survey this feed asked for */
  get surveysWanted() {
    return [...this._surveysAsked];
  }

  /** @param {string} simulationId */
  _wantSurvey(simulationId) {
    if (!this._ctx || this._surveysAsked.has(simulationId)) return;
    this._surveysAsked.add(simulationId);
    this.dispatchEvent(new CustomEvent("crm-survey-wanted", { detail: { simulationId } }));
  }

  /** @param {string | null | undefined} id */
  _recordLabel(id) {
    if (!id) return "";
    const name = this._names.get(id);
    return name ? `${name} · ${id}` : id;
  }

  _buildEntries() {
    const out = [];
    for (const c of this._changes.values()) {
      if (c.kind === "survey_answer" && c.field) {
        const sim = String(c.field).split(".")[0];
        this._wantSurvey(sim);
      }
      const kind = changeKind(c);
      out.push({
        key: `change-${c.id}`,
        order: c.id,
        at: c.at,
        kind,
        label: KIND_LABELS[kind] || c.kind,
        record: c.record_id || "",
        text: describeChange(c, this._questions),
      });
    }
    for (const call of this._calls) {
      const where = `${simulationLabel(this._sims, call.simulation_id)} (${DIRECTION_LABELS[/** @type {"inbound" | "outbound"} */ (call.direction)] || call.direction})`;
      if (call.direction === "inbound" && call.crm_record_id) {
        out.push({
          key: `pop-${call.id}`,
          order: 0,
          at: call.rang_at,
          kind: "screen_pop",
          label: KIND_LABELS.screen_pop,
          record: call.crm_record_id,
          text: `Fiche remontée automatiquement à la sonnerie — ${where}, ${call.number || ""}`,
        });
      }
      if (call.disposition) {
        const note = call.disposition_note ? ` — « ${call.disposition_note} »` : "";
        out.push({
          key: `disposition-${call.id}`,
          order: Number.MAX_SAFE_INTEGER,
          // The call's end until the server tells when the wrap-up was saved (heard live: then).
          at: this._wrappedAt.get(call.id) || call.ended_at || call.rang_at,
          kind: "disposition",
          label: KIND_LABELS.disposition,
          record: call.crm_record_id || "",
          text: `${call.disposition_label || call.disposition}${note} — ${where}`,
        });
      }
    }
    out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order || (a.key < b.key ? -1 : 1));
    return out;
  }

  _render() {
    if (!this._list) return;
    const all = this._buildEntries();
    this._entries = all;
    const live = this.mode === "live";
    const shown = live ? all.slice(-LIVE_LIMIT).reverse() : all;
    const first = this._seen === null;
    const seen = this._seen || new Set();
    this._list.replaceChildren(
      ...shown.map((e) => {
        const li = el("li", `cf-item cf-${e.kind}${!first && live && !seen.has(e.key) ? " fresh" : ""}`);
        li.dataset.kind = e.kind;
        li.dataset.key = e.key;
        const head = el("div", "cf-head");
        head.append(timeElement(e.at), el("span", `badge cf-kind kind-${e.kind}`, e.label));
        if (e.record) head.append(el("span", "cf-record", this._recordLabel(e.record)));
        li.append(head, el("p", "cf-text", e.text));
        return li;
      }),
    );
    this._seen = this._ctx ? new Set(all.map((e) => e.key)) : null;
    this._empty.hidden = all.length > 0 || !this._ctx;
    const count = all.length;
    this._summary.textContent = !this._ctx
      ? ""
      : live
        ? `${count} action${count > 1 ? "s" : ""} — la plus récente en haut.`
        : `${count} action${count > 1 ? "s" : ""}, dans l'ordre chronologique.`;
  }
}

if (!customElements.get("crm-feed")) customElements.define("crm-feed", CrmFeed);
