// <interview-notes>: the jury's notes of the interviews — the technical interview, one notes
// field per competence the RC assigns to it, and the final interview when the format has one
// (the topics are the server's: `evaluation-wanted`, GET …/evaluation → interview_topics, "final"
// for the final interview). Each field autosaves (`interview-save`: PUT …/evaluation/interviews/{topic}) about a second after
// typing stops (at most every 5 s while typing, at once on leaving the field), one request at a
// time; every keystroke is also kept in localStorage (js/cti/autosave.js) so a reload or a
// dropped connection loses nothing: what the server has not acknowledged is restored and sent
// again. Under each field: « Enregistré à hh:mm » or « Hors ligne — sera envoyé ». The other
// juror's notes appear live (`evaluation.interview`); if they arrive while this juror is typing,
// their version is shown beside (the last save wins on the server, so nothing is silently lost).
// Each interview shows its state from the timeline (à venir, en attente d'ouverture, en cours,
// clos).
//
// The page serves its requests (juror-grid-feeds.js: the notes, the timeline, the saves).
//
//   notes.bind(ctx);  notes.unbind();   // ctx: see the jury page's contract
//   notes.flush();                      // send what is pending now
// For the page's #interview-open / #interview-close buttons (the command itself is the
// controller's: interviewCommand in juror-grid-feeds.js):
//   import { interviewButtons } from "./jury/interview-notes.js";
//   const b = interviewButtons(timeline);   // { open: { visible, label }, close: { visible, label } }
import { el } from "../components/dom.js";
import { Autosaver } from "../cti/autosave.js";
import { FINAL_TOPIC, INTERVIEW_PHASES, interviewButtons, interviewState } from "./interview-phases.js";
import { NoteSaver } from "./note-saver.js";
import { errorText, evaluationOf, hhmm, isFinal, timelineOf, timeNode } from "./review-common.js";
import { RequestingPanel } from "./requesting-panel.js";

// The interviews' phases (interview-phases.js), as the page imported them from here.
export { FINAL_TOPIC, INTERVIEW_PHASES, interviewButtons, interviewState };
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

export class InterviewNotes extends RequestingPanel {
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

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   * @param {AbortSignal} signal
   */
  bound(ctx, on, signal) {
    this._actor = ctx.me ? `${ctx.me.role}:${ctx.me.subject_id}` : null;
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => {
      this._showTimeline(timelineOf(msg.state, ctx.candidateId));
      this.reload();
    });
    on("timeline", (msg) => {
      if (mine(msg)) this._showTimeline(this._newer(msg.state, this._timeline));
    });
    on("evaluation.interview", (msg) => {
      if (mine(msg) && msg.interview) this._heard(msg.interview);
    });
    // Back online: send at once what waited.
    on("connection", (msg) => {
      if (msg.connected) this.flush();
    });
    window.addEventListener("online", () => this.flush(), { signal });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    }, { signal });
    this._body.replaceChildren(el("p", "muted", "Chargement des entretiens…"));
    this.reload();
  }

  unbound() {
    this._load++;
    // What was typed for the previous candidate still goes to the server (and stays local
    // until it did).
    for (const f of this._fields.values()) {
      if (f.saver.dirty) f.saver.flush();
      else f.saver.stop();
    }
    this._fields = new Map();
    this._timeline = null;
    if (this._body) {
      this._body.replaceChildren();
      this._error.textContent = "";
    }
  }

  flush() {
    return Promise.all([...this._fields.values()].map((f) => f.saver.flush()));
  }

  get topics() {
    return [...this._fields.keys()];
  }

  /** @param {string} topic */
  _key(topic) {
    return `plateau.interview.${this._ctx?.candidateId}.${topic}`;
  }

  async reload() {
    const ctx = this._ctx;
    if (!ctx) return;
    const load = ++this._load;
    try {
      // The timeline too: the page's snapshot may be older than the last `timeline` event.
      const [data, timeline] = await Promise.all([
        this.ask("evaluation-wanted", { candidateId: ctx.candidateId }),
        this.ask("timeline-wanted", { candidateId: ctx.candidateId }).catch(() => null),
      ]);
      if (load !== this._load) return;
      this._error.textContent = "";
      /** @type {Map<string, string>} */
      const names = new Map((data.competences || []).map((/** @type {{ code: string, name: string }} */ c) => [c.code, c.name]));
      /** @type {string[]} */
      const topics = data.interview_topics || [];
      const known = this._fields.size && topics.every((t) => this._fields.has(t)) && topics.length === this._fields.size;
      if (!known) this._render(topics, names);
      for (const row of data.interviews || []) this._serverText(row);
      for (const topic of topics) this._restore(topic);
      this._showTimeline(this._newer(timeline, this._timeline || timelineOf(ctx.snapshot && ctx.snapshot(), ctx.candidateId)));
    } catch (err) {
      if (load !== this._load) return;
      this._error.textContent = `Entretiens non chargés : ${errorText(err)}`;
      // The snapshot's notes at least (the topics are unknown without the grid).
      const ev = evaluationOf(ctx.snapshot && ctx.snapshot(), ctx.candidateId);
      if (!this._fields.size && ev && (ev.interviews || []).length) {
        this._render(ev.interviews.map((/** @type {InterviewOut} */ i) => i.topic), new Map());
        for (const row of ev.interviews) this._serverText(row);
      } else if (!this._fields.size) {
        this._body.replaceChildren();
      }
    }
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

  // The server's text for a topic (a load, a snapshot): shown unless this juror is typing.
  /** @param {InterviewOut} row */
  _serverText(row) {
    const f = this._fields.get(row.topic);
    if (!f) return;
    const newer = !f.serverAt || new Date(row.updated_at) >= new Date(f.serverAt);
    if (!newer) return;
    f.serverAt = row.updated_at;
    f.serverText = row.text || "";
    f.by = row.by;
    if (!f.saver.dirty && !f.saver.inflight) {
      if (f.textarea.value !== f.serverText) this._setValue(f, f.serverText);
      f.status.replaceChildren(document.createTextNode("Enregistré à "), timeNode(row.updated_at));
      f.wrap.dataset.state = "saved";
    }
  }

  // What this post typed and the server never acknowledged (a reload, a crash): back in the
  // field and sent again.
  /** @param {string} topic */
  _restore(topic) {
    const f = this._fields.get(topic);
    if (!f || f.saver.dirty || f.saver.inflight) return;
    const pending = Autosaver.pending(this._key(topic));
    if (!pending || typeof pending.value !== "string") return;
    if (pending.value === f.serverText) {
      Autosaver.forget(this._key(topic));
      return;
    }
    const otherSaved = f.serverAt && pending.base !== f.serverAt && f.serverText;
    const theirs = f.serverText;
    this._setValue(f, pending.value);
    f.saver.changed(pending.value, f.serverAt);
    this._status(f, "Texte non envoyé retrouvé sur ce poste : envoi…", "dirty");
    if (otherSaved) this._showRemote(f, { text: theirs, updated_at: f.serverAt, by: f.by }, "restored");
  }

  /**
   * @param {Field} f
   * @param {string} text
   */
  _setValue(f, text) {
    const ta = f.textarea;
    const focused = document.activeElement === ta;
    const [start, end] = [ta.selectionStart, ta.selectionEnd];
    ta.value = text;
    if (focused) ta.setSelectionRange(Math.min(start, text.length), Math.min(end, text.length));
  }

  /** @param {InterviewOut} row */
  _heard(row) {
    const f = this._fields.get(row.topic);
    if (!f) return;
    const typing = f.saver.dirty || f.saver.inflight;
    if (row.by === this._actor) {
      // Our own save echoed back (the saver already knows), or one from another tab of ours.
      if (!typing && row.text !== f.textarea.value) this._serverText(row);
      else if (!f.saver.dirty) f.serverAt = row.updated_at;
      return;
    }
    if (typing) {
      f.serverAt = row.updated_at;
      f.serverText = row.text || "";
      this._showRemote(f, row, "typing");
      return;
    }
    this._serverText(row);
    this._showRemote(f, row, "applied");
  }

  /**
   * @param {Field} f
   * @param {{ text: string, updated_at: string | null, by?: string }} row
   * @param {"applied" | "typing" | "restored"} why
   */
  _showRemote(f, row, why) {
    const when = hhmm(row.updated_at);
    f.remote.hidden = false;
    f.remote.replaceChildren();
    if (why === "applied") {
      f.remote.className = "in-remote small muted";
      f.remote.textContent = `Mis à jour par l'autre juré à ${when}.`;
      return;
    }
    f.remote.className = "in-remote in-remote-conflict";
    const msg =
      why === "typing"
        ? `L'autre juré a enregistré ces notes à ${when} pendant votre saisie. Votre texte sera enregistré par-dessus : reprenez ci-dessous ce qui doit être gardé de sa version.`
        : `Ces notes ont été modifiées par l'autre juré (${when}) depuis votre dernière saisie sur ce poste. Votre texte est renvoyé ; sa version est ci-dessous.`;
    const p = el("p", "", msg);
    p.setAttribute("role", "alert");
    const det = el("details");
    det.append(el("summary", "", "Version de l'autre juré"), el("div", "in-remote-text", row.text || "(vide)"));
    const dismiss = el("button", "small-button", "Masquer");
    dismiss.type = "button";
    dismiss.addEventListener("click", () => {
      f.remote.hidden = true;
      f.textarea.focus();
    });
    f.remote.append(p, det, dismiss);
  }

  // The more recent of two timeline states (each carries the server's `now`).
  /**
   * @param {Timeline | null | undefined} a
   * @param {Timeline | null | undefined} b
   */
  _newer(a, b) {
    if (!a || !b) return a || b;
    return new Date(a.now || "") >= new Date(b.now || "") ? a : b;
  }

  /** @param {Timeline | null | undefined} timeline */
  _showTimeline(timeline) {
    if (!timeline) return;
    this._timeline = timeline;
    for (const [kind, s] of (this._sections || new Map()).entries()) {
      const st = interviewState(timeline, kind);
      s.sec.dataset.state = st.state;
      s.state.textContent = st.text;
      s.state.className = `badge in-state in-state-${st.state}`;
    }
  }
}

if (!customElements.get("interview-notes")) customElements.define("interview-notes", InterviewNotes);
