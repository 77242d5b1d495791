// <interview-notes>'s fields (interview-notes.js tells what the panel is and does): its parts
// built once, an interview's section with its state badge, and each topic's notes field with
// its autosaver (note-saver.js) and its status under it (« Enregistré à hh:mm », « Hors ligne —
// sera envoyé »…). What the server's and the other juror's notes do to a field is defined by
// the class above this one.
import { el } from "../components/dom.js";
import { FINAL_TOPIC, INTERVIEW_PHASES } from "./interview-phases.js";
import { NoteSaver } from "./note-saver.js";
import { isFinal, timeNode } from "./review-common.js";
import { RequestingPanel } from "./requesting-panel.js";

/** @typedef {import("../types/events.js").InterviewOut} InterviewOut */
/** @typedef {import("../cti/autosave.js").SaveError} SaveError */
/**
 * The candidate's timeline as the server gives it (`timeline` events, the snapshot,
 * GET …/timeline): the phase now, its status, every phase's record, the server's `now`.
 * @typedef {import("../types/events.js").TimelineState} Timeline
 * @typedef {import("../types/events.js").PhaseRecord} PhaseRecord
 */
/**
 * One topic's notes field.
 * @typedef {object} Field
 * @property {string} topic
 * @property {HTMLElement} wrap
 * @property {HTMLTextAreaElement} textarea
 * @property {HTMLElement} status
 * @property {HTMLElement} remote
 * @property {NoteSaver} saver
 * @property {string | null} serverAt when the server's text was saved (ISO 8601)
 * @property {string} serverText
 * @property {string} [by] who saved it
 */

const MAX_TEXT = 20000;

export class InterviewFields extends RequestingPanel {
  /** @type {HTMLParagraphElement} */
  _help;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLDivElement} */
  _body;
  /** @type {null | string} */
  _actor;
  /** @type {Timeline | null} */
  _timeline;
  /** @type {Map<string, { sec: HTMLElement, state: HTMLElement }>} */
  _sections;

  constructor() {
    super();
    /** @type {Map<string, Field>} */
    this._fields = new Map(); // topic -> its field
    this._load = 0;
  }

  _build() {
    if (this._body) return;
    this.classList.add("interview-notes");
    this.append(el("h2", "", "Notes des entretiens"));
    this._help = el("p", "small muted", "Les notes s'enregistrent d'elles-mêmes pendant la saisie ; elles sont communes aux deux jurés et figurent dans la grille et l'archive.");
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    this._body = el("div", "in-body");
    this.append(this._help, this._error, this._body);
  }

  /** @param {string} topic */
  _key(topic) {
    return `plateau.interview.${this._ctx?.candidateId}.${topic}`;
  }

  // ---- rendering --------------------------------------------------------------------------

  /**
   * @param {string[]} topics
   * @param {Map<string, string>} names competence code → name
   */
  _render(topics, names) {
    for (const f of this._fields.values()) f.saver.stop();
    this._fields = new Map();
    this._sections = new Map();
    const technical = topics.filter((t) => t !== FINAL_TOPIC);
    const parts = [];
    if (technical.length) {
      const sec = this._section("entretien_technique", "Compétences que le référentiel évalue à l'entretien technique.");
      for (const t of technical) sec.append(this._field(t, `${t} — ${names.get(t) || ""}`.replace(/ — $/, "")));
      parts.push(sec);
    }
    if (topics.includes(FINAL_TOPIC)) {
      const sec = this._section("entretien_final", "Dont l'échange sur le dossier professionnel du candidat.");
      sec.append(this._field(FINAL_TOPIC, "Notes de l'entretien final"));
      parts.push(sec);
    }
    if (!parts.length) parts.push(el("p", "muted", "Aucun entretien n'est prévu dans ce format."));
    this._body.replaceChildren(...parts);
  }

  /**
   * @param {string} kind
   * @param {string} help
   */
  _section(kind, help) {
    const sec = el("section", "in-interview");
    sec.dataset.phase = kind;
    const head = el("div", "in-head");
    const h = el("h3", "", INTERVIEW_PHASES[kind].title);
    h.id = `in-${kind}-${Math.random().toString(36).slice(2, 8)}`;
    sec.setAttribute("aria-labelledby", h.id);
    const state = el("span", "badge in-state");
    head.append(h, state);
    sec.append(head, el("p", "small muted", help));
    this._sections.set(kind, { sec, state });
    return sec;
  }

  /**
   * @param {string} topic
   * @param {string} labelText
   */
  _field(topic, labelText) {
    const wrap = el("div", "in-topic");
    wrap.dataset.topic = topic;
    const textarea = document.createElement("textarea");
    textarea.id = `in-${topic}-${Math.random().toString(36).slice(2, 8)}`;
    textarea.className = "in-text";
    textarea.rows = topic === FINAL_TOPIC ? 8 : 4;
    textarea.maxLength = MAX_TEXT;
    textarea.spellcheck = true;
    textarea.lang = "fr";
    const label = el("label", "in-label", labelText);
    label.htmlFor = textarea.id;
    const status = el("p", "in-status small");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const remote = el("div", "in-remote");
    remote.hidden = true;
    wrap.append(label, textarea, status, remote);

    const cid = /** @type {import("./observer-common.js").JuryContext} */ (this._ctx).candidateId;
    const saver = new NoteSaver({
      key: this._key(topic),
      save: async (/** @type {string} */ value) => {
        try {
          const out = await this.ask("interview-save", { candidateId: cid, topic, text: value });
          return { ...out, saved_at: out.updated_at };
        } catch (caught) {
          const err = /** @type {SaveError} */ (caught);
          if (isFinal(err)) err.final = true;
          throw err;
        }
      },
    });
    /** @type {Field} */
    const f = { topic, wrap, textarea, status, remote, saver, serverAt: null, serverText: "" };
    saver.addEventListener("state", (ev) => this._saverState(f, /** @type {CustomEvent} */ (ev).detail));
    textarea.addEventListener("input", () => {
      saver.changed(textarea.value, f.serverAt);
    });
    textarea.addEventListener("blur", () => saver.flush());
    this._fields.set(topic, f);
    this._status(f, "Pas encore de notes.", "empty");
    return wrap;
  }

  /**
   * @param {Field} f
   * @param {string} text
   * @param {string} state
   */
  _status(f, text, state) {
    f.status.textContent = text;
    f.wrap.dataset.state = state;
  }

  /**
   * @param {Field} f
   * @param {{ state: string, at?: Date, result?: any, message?: string }} detail the saver's `state` event
   */
  _saverState(f, detail) {
    switch (detail.state) {
      case "saving":
        this._status(f, "Enregistrement…", "saving");
        break;
      case "saved": {
        const r = detail.result || {};
        f.serverAt = r.updated_at || f.serverAt;
        f.serverText = r.text ?? f.serverText;
        if (!f.saver.dirty) {
          f.status.replaceChildren(document.createTextNode("Enregistré à "), timeNode(r.updated_at || (detail.at || new Date()).toISOString()));
          f.wrap.dataset.state = "saved";
        }
        break;
      }
      case "offline":
        this._status(f, "Hors ligne — sera envoyé", "offline");
        break;
      case "dirty":
        if (f.saver.offline) this._status(f, "Hors ligne — sera envoyé", "offline");
        else if (!f.saver.inflight) this._status(f, "Modifications non enregistrées…", "dirty");
        break;
      case "refused":
        this._status(f, `Non enregistré : ${detail.message} (le texte reste sur ce poste)`, "refused");
        break;
      default:
        break;
    }
  }
}
