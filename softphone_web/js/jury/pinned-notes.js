// <pinned-notes>: the observer's « Noter » box — a note pinned to the moment of the call being
// listened to. The moment is taken at the first keystroke (what the juror heard, not when the
// note is sent): the offset from the answer, i.e. the position in the call's recording. Sent
// with `evaluation.pin_note` (candidate_id, call_id, offset_ms, text); with no call on the line
// the note is only dated. Below, every pinned note of the candidate (both jurors', live from
// `evaluation.note`), newest first, with its offset and its simulation.
//
//   notes.bind(ctx);  notes.unbind();  notes.notes  // as the server gives them
// A note is sent with an id made once (`client_note_id`): a cut does not drop it — it goes again
// by itself when the link is back (request-again.js), is kept by the browser until answered
// (waiting-saves.js: the page opened after a reload sends it), and is pinned once. A note sent
// leaves the box at once, free for the next: while the link is down, note after note waits in
// the list (« en attente de la connexion »); a note the server refuses comes back to the box.
// Keyboard: Ctrl+Entrée (or ⌘+Entrée) pins; Échap forgets the moment taken.
// Used inside <evaluation-grid>; works on its own too.
import { serverNow } from "../clock.js";
import { el } from "../components/dom.js";
import {
  callsIn,
  clockTime,
  evaluationIn,
  formatOffset,
  liveCall,
  simulationLabel,
  upsertCall,
} from "./observer-common.js";
import { JuryPanel } from "./jury-panel.js";
import { requestAgainWhenBack } from "../request-again.js";
import { WaitingSaves } from "./waiting-saves.js";

/** @typedef {{ type: "evaluation.pin_note", candidate_id: string, text: string, call_id?: string, offset_ms?: number }} PinMessage */

export class PinnedNotes extends JuryPanel {
  /** @type {number} */
  _timer;
  /** @type {HTMLParagraphElement} */
  _context;
  /** @type {HTMLTextAreaElement} */
  _text;
  /** @type {HTMLButtonElement} */
  _button;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {HTMLOListElement} */
  _list;
  /** @type {HTMLParagraphElement} */
  _empty;
  /** @type {null | string} */
  _actor;
  /** @type {WaitingSaves | null} the notes sent but not answered yet, kept beyond the page */
  _waiting = null;
  /** @type {Map<string, { message: PinMessage, at: number }>} by id: shown as waiting */
  _sending = new Map();

  constructor() {
    super();
    this._notes = new Map();
    /** @type {import("../types/events.js").CallOut[]} */
    this._calls = [];
    this._sims = new Map();
    this._moment = null; // { callId, offsetMs } taken at the first keystroke
  }

  connectedCallback() {
    super.connectedCallback();
    clearInterval(this._timer);
    this._timer = setInterval(() => this._tick(), 500);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  _build() {
    if (this._text) return;
    this.classList.add("pinned-notes");
    const title = el("h3", "pn-title", "Noter");
    this._context = el("p", "pn-context small muted");
    this._context.setAttribute("aria-live", "off");
    this._text = document.createElement("textarea");
    this._text.className = "pn-text";
    this._text.rows = 2;
    this._text.maxLength = 4000;
    this._text.placeholder = "Ce que vous venez d'entendre… (Ctrl+Entrée pour épingler)";
    this._text.setAttribute("aria-label", "Note à épingler au moment de l'appel");
    this._text.addEventListener("input", () => this._takeMoment());
    this._text.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        this.pin();
      } else if (ev.key === "Escape" && this._moment) {
        ev.preventDefault();
        this._moment = null;
        this._tick();
      }
    });
    this._button = el("button", "primary pn-pin", "Épingler la note");
    this._button.type = "button";
    this._button.addEventListener("click", () => this.pin());
    this._status = el("p", "pn-status small");
    this._status.setAttribute("role", "status");
    const row = el("div", "pn-row");
    row.append(this._text, this._button);
    this._list = el("ol", "pn-list");
    this._list.setAttribute("aria-label", "Notes épinglées");
    this._empty = el("p", "muted small", "Aucune note épinglée.");
    this.append(title, this._context, row, this._status, this._empty, this._list);
    this._enable();
  }

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    this._actor = ctx.me ? `${ctx.me.role}:${ctx.me.subject_id}` : null;
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => this._load(msg.state));
    on("call", (msg) => {
      if (!mine(msg) || !msg.call) return;
      upsertCall(this._calls, msg.call);
      this._tick();
    });
    on("evaluation.note", (msg) => {
      if (mine(msg) && msg.note) this._add(msg.note);
    });
    this._load(ctx.snapshot());
    this.whenSimulations(ctx, (sims) => {
      this._sims = sims;
      this._render();
    });
    this._waiting = new WaitingSaves(this._actor && `plateau:notes:${this._actor}:${ctx.candidateId}`, isWaitingNote);
    this._enable();
    // The notes an earlier page of this juror left unanswered (a reload during a cut): sent again.
    for (const [name, left] of this._waiting.entries()) {
      if (!this._sending.has(left.id)) this._send(ctx, /** @type {PinMessage} */ (left.message), name, left.id);
    }
  }

  unbound() {
    this._notes = new Map();
    this._calls = [];
    this._sims = new Map();
    this._moment = null;
    this._sending = new Map();
    if (this._text) {
      this._text.value = "";
      this._status.textContent = "";
      this._enable();
      this._render();
    }
  }

  get notes() {
    return [...this._notes.values()];
  }

  // Notes loaded over HTTP by the grid (GET …/evaluation) join those of the snapshot.
  /** @param {import("../types/events.js").NoteOut[]} list */
  addNotes(list) {
    for (const n of list || []) this._notes.set(n.id, n);
    this._render();
  }

  /** @param {any} state */
  _load(state) {
    if (!state || !this._ctx) return;
    this._calls = callsIn(state, this._ctx.candidateId);
    const ev = evaluationIn(state, this._ctx.candidateId);
    this.addNotes(ev ? ev.notes : []);
    this._tick();
  }

  /** @param {import("../types/events.js").NoteOut} note */
  _add(note) {
    this._notes.set(note.id, note);
    this._render();
  }

  _enable() {
    const on = Boolean(this._ctx);
    this._text.disabled = !on;
    this._button.disabled = !on;
  }

  /** @param {import("../types/events.js").CallOut | null} call */
  _offsetNow(call) {
    return call && call.answered_at ? Math.max(0, serverNow() - Date.parse(call.answered_at)) : null;
  }

  _takeMoment() {
    if (!this._text.value.trim()) {
      this._moment = null;
    } else if (!this._moment) {
      const call = liveCall(this._calls);
      this._moment = call ? { callId: call.id, offsetMs: this._offsetNow(call) } : { callId: null, offsetMs: null };
    }
    this._tick();
  }

  async pin() {
    const text = this._text.value.trim();
    if (!this._ctx) return;
    if (!text) {
      this._say("Écrivez d'abord la note.", true);
      this._text.focus();
      return;
    }
    const call = liveCall(this._calls);
    const moment = this._moment || { callId: call ? call.id : null, offsetMs: this._offsetNow(call) };
    /** @type {PinMessage} */
    const message = { type: "evaluation.pin_note", candidate_id: this._ctx.candidateId, text };
    if (moment.callId) {
      message.call_id = moment.callId;
      if (moment.offsetMs !== null) message.offset_ms = Math.round(moment.offsetMs);
    }
    const waiting = this._waiting || new WaitingSaves(null, isWaitingNote);
    const name = `note:${crypto.randomUUID()}`;
    const id = waiting.put(name, { message });
    this._text.value = ""; // sent: the box is free for the next note
    this._moment = null;
    await this._send(this._ctx, message, name, id);
  }

  /**
   * Sends a note until the server answers (through cuts), with its id made once; it shows in
   * the list as waiting meanwhile.
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {PinMessage} message
   * @param {string} name its place among the waiting saves
   * @param {string} id
   */
  async _send(ctx, message, name, id) {
    const waiting = this._waiting;
    this._sending.set(id, { message, at: serverNow() });
    this._render();
    if (!ctx.socket.connected) this._say("Connexion perdue : la note partira dès le retour de la connexion.");
    try {
      const res = await requestAgainWhenBack(ctx.socket, { ...message, client_note_id: id });
      waiting?.drop(name, id); // answered: stored
      if (this._ctx !== ctx) return;
      this._sending.delete(id);
      const note = res.note;
      this._add(note);
      if (this._sending.size) return; // others still wait: their message stays
      this._say(
        note.offset_ms !== null && note.offset_ms !== undefined
          ? `Note épinglée à ${formatOffset(note.offset_ms)} de l'appel.`
          : `Note épinglée à ${clockTime(note.at)}.`,
      );
    } catch (caught) {
      const err = /** @type {Error & { refused?: boolean }} */ (caught);
      if (err && err.refused) waiting?.drop(name, id); // answered « non »: said, not kept
      if (this._ctx !== ctx) return;
      this._sending.delete(id);
      this._render();
      let kept = `Texte : « ${message.text} »`;
      if (!this._text.value.trim()) {
        this._text.value = message.text; // back in the box, to correct and pin again
        kept = "Son texte est remis dans la case.";
      }
      this._say(`Note non épinglée : ${err.message} ${kept}`, true);
    } finally {
      if (this._text) this._enable();
      this._tick();
    }
  }

  /**
   * @param {string} text
   * @param {boolean} [bad]
   */
  _say(text, bad = false) {
    this._status.textContent = text;
    this._status.classList.toggle("error", bad);
  }

  _tick() {
    if (!this._context) return;
    const state = this._waitingState();
    for (const meta of this._list.querySelectorAll(".pn-waiting .pn-meta")) {
      if (meta.textContent !== state) meta.textContent = state;
    }
    let text;
    const call = liveCall(this._calls);
    if (!this._ctx) text = "";
    else if (this._moment && this._moment.callId) {
      text = `Moment retenu : ${formatOffset(this._moment.offsetMs)} de l'appel (pris à la première frappe ; Échap pour l'oublier).`;
    } else if (call && call.answered_at) {
      text = `Appel en cours : ${simulationLabel(this._sims, call.simulation_id)} — ${formatOffset(this._offsetNow(call))}.`;
    } else if (call) {
      text = "L'appel sonne : la note sera rattachée à l'appel, sans moment.";
    } else {
      text = "Aucun appel en cours : la note sera seulement datée.";
    }
    if (this._context.textContent !== text) this._context.textContent = text;
  }

  /** What a note sent and not answered yet is waiting for. */
  _waitingState() {
    return this._ctx?.socket.connected ? "envoi…" : "en attente de la connexion";
  }

  _render() {
    if (!this._list) return;
    const notes = [...this._notes.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1));
    const callSim = new Map(this._calls.map((c) => [c.id, c.simulation_id]));
    const waiting = [...this._sending.values()].sort((a, b) => b.at - a.at);
    this._list.replaceChildren(
      ...waiting.map(({ message }) => {
        const li = el("li", "pn-note pn-waiting");
        const head = el("div", "pn-head");
        head.append(el("span", "pn-offset", message.offset_ms !== undefined ? `${formatOffset(message.offset_ms)} dans l'appel` : "sans moment"));
        head.append(el("span", "pn-meta small muted", this._waitingState()));
        li.append(head, el("p", "pn-body", message.text));
        return li;
      }),
      ...notes.map((n) => {
        const li = el("li", "pn-note");
        li.dataset.id = n.id;
        const head = el("div", "pn-head");
        const hasOffset = n.offset_ms !== null && n.offset_ms !== undefined;
        head.append(el("span", "pn-offset", hasOffset ? `${formatOffset(n.offset_ms)} dans l'appel` : "sans moment"));
        if (n.call_id) head.append(el("span", "pn-sim small", simulationLabel(this._sims, callSim.get(n.call_id))));
        const who = this._actor && n.by === this._actor ? "vous" : "l'autre juré";
        head.append(el("span", "pn-meta small muted", `${who} · ${clockTime(n.at)}`));
        li.append(head, el("p", "pn-body", n.text));
        return li;
      }),
    );
    this._empty.hidden = notes.length + waiting.length > 0;
  }
}

/** @param {any} r a note kept by an earlier page */
const isWaitingNote = (r) =>
  Boolean(r.message) && r.message.type === "evaluation.pin_note" && typeof r.message.text === "string" && typeof r.message.candidate_id === "string";

if (!customElements.get("pinned-notes")) customElements.define("pinned-notes", PinnedNotes);
