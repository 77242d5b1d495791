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
// Its parts: interview-fields.js builds the fields and shows each saver's state; this module
// binds it to the page, loads the notes and handles the other juror's; interview-phases.js and
// note-saver.js have no DOM.
import { el, keyedChildren, setText } from "../components/dom.js";
import { Autosaver } from "../cti/autosave.js";
import { InterviewFields } from "./interview-fields.js";
import { FINAL_TOPIC, INTERVIEW_PHASES, interviewButtons, interviewState } from "./interview-phases.js";
import { errorText, evaluationOf, hhmm, timelineOf, timeNode } from "./review-common.js";

// The interviews' phases (interview-phases.js), as the page imported them from here.
export { FINAL_TOPIC, INTERVIEW_PHASES, interviewButtons, interviewState };
/** @typedef {import("../types/events.js").InterviewOut} InterviewOut */
/** @typedef {import("./interview-fields.js").Field} Field */
/** @typedef {import("./interview-phases.js").Timeline} Timeline */

export class InterviewNotes extends InterviewFields {
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
   * The other juror's save, beside the field: a line when applied, else the message, their
   * version and « Masquer », kept across their next saves and updated in place (a button
   * rebuilt between the press and the release of a click fires no `click`, lost under load as
   * <crm-search>'s; their version stays open if it was read).
   * @param {Field} f
   * @param {{ text: string, updated_at: string | null, by?: string }} row
   * @param {"applied" | "typing" | "restored"} why
   */
  _showRemote(f, row, why) {
    const when = hhmm(row.updated_at);
    f.remote.hidden = false;
    if (why === "applied") {
      f.remote.className = "in-remote small muted";
      keyedChildren(f.remote, ["applied"], {
        key: (part) => part,
        create: () => el("span"),
        update: (node) => setText(node, `Mis à jour par l'autre juré à ${when}.`),
      });
      return;
    }
    f.remote.className = "in-remote in-remote-conflict";
    const msg =
      why === "typing"
        ? `L'autre juré a enregistré ces notes à ${when} pendant votre saisie. Votre texte sera enregistré par-dessus : reprenez ci-dessous ce qui doit être gardé de sa version.`
        : `Ces notes ont été modifiées par l'autre juré (${when}) depuis votre dernière saisie sur ce poste. Votre texte est renvoyé ; sa version est ci-dessous.`;
    keyedChildren(f.remote, ["message", "version", "dismiss"], {
      key: (part) => part,
      create: (part) => {
        if (part === "message") {
          const p = el("p");
          p.setAttribute("role", "alert");
          return p;
        }
        if (part === "version") {
          const det = el("details");
          det.append(el("summary", "", "Version de l'autre juré"), el("div", "in-remote-text"));
          return det;
        }
        const dismiss = el("button", "small-button", "Masquer");
        dismiss.type = "button";
        dismiss.addEventListener("click", () => {
          f.remote.hidden = true;
          f.textarea.focus();
        });
        return dismiss;
      },
      update: (node, part) => {
        if (part === "message") setText(node, msg);
        else if (part === "version") setText(/** @type {HTMLElement} */ (node.lastElementChild), row.text || "(vide)");
      },
    });
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
