// <recordings-panel>: after the calls, every recorded call of the candidate (GET …/recordings),
// in order, with its metadata (simulation, direction, number, time, duration, qualification,
// SHA-256 of the file) and a player on the jury-only audio URL (served with HTTP range
// requests, so the browser seeks without downloading the whole file): play/pause, a seek bar,
// −10 s / +10 s, speed 1× · 1,25× · 1,5× · 2×, and the notes pinned to that call as markers on
// the bar and as a list — a click jumps to the note's moment. One recording plays at a time.
// A call that ends adds its recording by itself; notes pinned later appear live.
// Each named interval of the recording (hold, reconnection, server stall or loss, no audio,
// write error) is a band on the bar and a line of a list, and the talk analytics are one
// line under the metadata (see recording-evidence.js).
//
// The page controller reads the recordings and hands them over; the panel fetches nothing.
//
//   panel.bind(ctx);  panel.unbind();
//   panel.recordings = list;   // as the server lists them (GET …/recordings); read back the same
//   panel.error = message;     // the list could not be read
//   "recordings-wanted"        // the panel asks for the list again (a snapshot, a call ended)
//   panel.player(recordingId)  // its <audio> element (tests)
// Keyboard: every control is a button or a slider; on a player, Espace plays/pauses,
// ← / → jump 10 s.
import { el, keyedChildren, setText } from "../components/dom.js";
import {
  DIRECTION_LABELS,
  callsIn,
  clockTime,
  evaluationIn,
  formatOffset,
  formatSeconds,
  simulationLabel,
  upsertCall,
} from "./observer-common.js";
import { JuryPanel } from "./jury-panel.js";
import { showGapBands, showGapItems, talkLine } from "./recording-evidence.js";

export const SPEEDS = [1, 1.25, 1.5, 2];
const JUMP = 10;

/**
 * One recording on the panel: its nodes, the recording (as GET …/recordings lists it), its
 * place among its call's segments.
 * @typedef {{ li: HTMLLIElement, audio: HTMLAudioElement, rec: any, dragging: boolean, seekTo: (s: number) => void, duration: () => number, segment: { index: number, count: number, startMs: number, endMs: number }, order: number, [node: string]: any }} RecordingItem
 */
/** @param {number} s */
function speedLabel(s) {
  return `${String(s).replace(".", ",")}×`;
}

export class RecordingsPanel extends JuryPanel {
  /** @type {any[]} */
  _recordings;
  /** @type {Map<string, RecordingItem>} */
  _items;
  /** @type {import("../types/events.js").CallOut[]} */
  _calls;
  /** @type {Map<string, import("../types/events.js").NoteOut>} */
  _notes;
  /** @type {Map<string, import("./observer-common.js").JurySimulation>} */
  _sims;
  /** @type {HTMLParagraphElement} */
  _summary;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLOListElement} */
  _list;

  constructor() {
    super();
    this._reset();
  }

  _reset() {
    this._recordings = [];
    this._items = new Map(); // recording id -> { li, audio, … }
    this._calls = [];
    this._notes = new Map();
    this._sims = new Map();
  }

  _build() {
    if (this._list) return;
    this.classList.add("recordings-panel");
    this._summary = el("p", "rp-summary small muted");
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this._list = el("ol", "rp-list");
    this._list.setAttribute("aria-label", "Appels enregistrés");
    this.append(el("h2", "", "Enregistrements des appels"), this._summary, this._error, this._list);
  }

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", (msg) => {
      this._loadState(msg.state);
      this._want();
    });
    on("call", (msg) => {
      if (!mine(msg) || !msg.call) return;
      upsertCall(this._calls, msg.call);
      // A call that ended was recorded: the recording is listed once the call is told ended.
      if (msg.call.ended_at && !this._recordings.some((r) => r.call_id === msg.call.id)) this._wantSoon();
      this._renderMeta();
    });
    on("evaluation.note", (msg) => {
      if (!mine(msg) || !msg.note) return;
      this._notes.set(msg.note.id, msg.note);
      this._renderNotes();
    });
    this._summary.textContent = "Chargement…";
    this._loadState(ctx.snapshot());
    this.whenSimulations(ctx, (sims) => {
      this._sims = sims;
      this._renderMeta();
    });
  }

  unbound() {
    for (const item of this._items.values()) {
      item.audio.pause();
      item.audio.removeAttribute("src");
      item.audio.load();
    }
    this._reset();
    if (this._list) {
      this._list.replaceChildren();
      this._summary.textContent = "";
      this._error.textContent = "";
    }
  }

  get recordings() {
    return [...this._recordings];
  }

  /** @param {Array<any>} list the candidate's recordings, as GET …/recordings lists them */
  set recordings(list) {
    if (!this._ctx) return;
    this._recordings = list;
    this._error.textContent = "";
    this._render();
  }

  /** @param {string} message */
  set error(message) {
    if (this._ctx) this._error.textContent = `Enregistrements illisibles : ${message}`;
  }

  /** @param {string} recordingId */
  player(recordingId) {
    return this._items.get(recordingId)?.audio || null;
  }

  /** @param {any} state */
  _loadState(state) {
    if (!state || !this._ctx) return;
    this._calls = callsIn(state, this._ctx.candidateId);
    const ev = evaluationIn(state, this._ctx.candidateId);
    for (const n of (ev && ev.notes) || []) this._notes.set(n.id, n);
    this._renderMeta();
    this._renderNotes();
  }

  _want() {
    this.dispatchEvent(new CustomEvent("recordings-wanted"));
  }

  // Out of the page, once put back (`_later`: jury-panel.js).
  _wantSoon() {
    this._later("recordings", () => this._want(), 300);
  }

  // ---- rendering ------------------------------------------------------------------------------

  _render() {
    const ids = new Set(this._recordings.map((r) => r.id));
    for (const [id, item] of this._items) {
      if (!ids.has(id)) {
        item.audio.pause();
        item.li.remove();
        this._items.delete(id);
      }
    }
    // A call whose media worker died mid-call has several files (segments), in order: the
    // position of each in its call, and where it starts in the call (pinned notes' offsets
    // count from the call's first segment).
    const segments = new Map(); // call id -> its recordings
    for (const r of this._recordings) segments.set(r.call_id, [...(segments.get(r.call_id) || []), r]);
    let order = 0;
    this._recordings.forEach((r, i) => {
      let item = this._items.get(r.id);
      if (!item) {
        item = this._item(r);
        this._items.set(r.id, item);
      }
      const own = segments.get(r.call_id);
      const index = own.indexOf(r) + 1;
      const from = (/** @type {any} */ rec) => Date.parse(rec.started_at) - Date.parse(own[0].started_at);
      item.rec = r;
      item.segment = { index, count: own.length, startMs: from(r), endMs: index < own.length ? from(own[index]) : Infinity };
      if (item.segment.index === 1) order += 1;
      item.order = order;
      // In the server's order; a node already in place is not moved (a playing one goes on).
      if (this._list.children[i] !== item.li) this._list.insertBefore(item.li, this._list.children[i] || null);
    });
    const n = segments.size;
    this._summary.textContent = n
      ? `${n} appel${n > 1 ? "s" : ""} enregistré${n > 1 ? "s" : ""} (canal gauche : candidat, canal droit : client).`
      : "Aucun appel enregistré pour le moment.";
    this._renderMeta();
    this._renderNotes();
  }

  /**
   * @param {any} r a recording, as GET …/recordings lists it
   * @returns {RecordingItem}
   */
  _item(r) {
    const li = el("li", "rp-item");
    li.dataset.id = r.id;
    li.dataset.call = r.call_id;
    const title = el("h3", "rp-title");
    const meta = el("p", "rp-meta small muted");
    const audio = document.createElement("audio");
    audio.preload = "metadata";
    audio.src = r.audio_url;
    audio.className = "rp-audio";
    const play = el("button", "primary rp-play", "Lecture");
    play.type = "button";
    const back = el("button", "rp-back", "−10 s");
    back.type = "button";
    back.setAttribute("aria-label", "Reculer de 10 secondes");
    const fwd = el("button", "rp-fwd", "+10 s");
    fwd.type = "button";
    fwd.setAttribute("aria-label", "Avancer de 10 secondes");
    const seek = document.createElement("input");
    seek.type = "range";
    seek.className = "rp-seek";
    seek.min = "0";
    seek.step = "0.1";
    seek.value = "0";
    seek.max = String(r.duration_s || 0);
    seek.setAttribute("aria-label", "Position dans l'enregistrement");
    const time = el("span", "rp-time small", `00:00 / ${formatSeconds(r.duration_s)}`);
    const speeds = el("div", "rp-speeds");
    speeds.setAttribute("role", "group");
    speeds.setAttribute("aria-label", "Vitesse de lecture");
    const speedButtons = SPEEDS.map((s) => {
      const b = el("button", "rp-speed small-button", speedLabel(s));
      b.type = "button";
      b.dataset.speed = String(s);
      b.setAttribute("aria-pressed", String(s === 1));
      b.addEventListener("click", () => {
        audio.playbackRate = s;
        audio.defaultPlaybackRate = s;
        for (const x of speedButtons) x.setAttribute("aria-pressed", String(x === b));
      });
      return b;
    });
    speeds.append(...speedButtons);
    const controls = el("div", "rp-controls");
    controls.append(play, back, fwd, time, speeds);
    const track = el("div", "rp-track");
    const markers = el("div", "rp-markers");
    const bands = el("div", "rp-gaps");
    track.append(bands, seek, markers);
    const talk = el("p", "rp-talk small");
    const gaps = el("ol", "rp-gap-list small");
    gaps.setAttribute("aria-label", "Interruptions et mises en attente de cet enregistrement");
    const notes = el("ol", "rp-notes");
    notes.setAttribute("aria-label", "Notes épinglées sur cet appel");
    li.append(title, meta, talk, controls, track, gaps, notes, audio);

    const item = /** @type {RecordingItem} */ (/** @type {unknown} */ ({ li, audio, title, meta, play, seek, time, markers, bands, gaps, talk, notes, rec: r, dragging: false }));
    const duration = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : item.rec.duration_s || 0);
    const showTime = () => {
      const d = duration();
      seek.max = String(d);
      if (!item.dragging) seek.value = String(audio.currentTime);
      time.textContent = `${formatSeconds(audio.currentTime)} / ${formatSeconds(d)}`;
      seek.setAttribute("aria-valuetext", `${formatSeconds(audio.currentTime)} sur ${formatSeconds(d)}`);
    };
    item.seekTo = (/** @type {number} */ s) => {
      audio.currentTime = Math.max(0, Math.min(duration() || s, s));
      showTime();
    };
    item.duration = duration;
    play.addEventListener("click", () => (audio.paused ? audio.play().catch((/** @type {Error} */ e) => this._playError(e)) : audio.pause()));
    back.addEventListener("click", () => item.seekTo(audio.currentTime - JUMP));
    fwd.addEventListener("click", () => item.seekTo(audio.currentTime + JUMP));
    seek.addEventListener("input", () => {
      item.dragging = true;
      time.textContent = `${formatSeconds(Number(seek.value))} / ${formatSeconds(duration())}`;
    });
    seek.addEventListener("change", () => {
      item.dragging = false;
      item.seekTo(Number(seek.value));
    });
    audio.addEventListener("timeupdate", showTime);
    audio.addEventListener("loadedmetadata", () => {
      showTime();
      this._renderNotes();
    });
    audio.addEventListener("durationchange", showTime);
    audio.addEventListener("play", () => {
      play.textContent = "Pause";
      li.dataset.playing = "true";
      for (const other of this._items.values()) if (other.audio !== audio) other.audio.pause();
    });
    audio.addEventListener("pause", () => {
      play.textContent = "Lecture";
      li.dataset.playing = "false";
    });
    audio.addEventListener("ended", () => (play.textContent = "Lecture"));
    audio.addEventListener("error", () => {
      this._error.textContent = "Lecture impossible : le fichier d'enregistrement est inaccessible.";
    });
    li.addEventListener("keydown", (ev) => {
      const target = /** @type {HTMLElement} */ (ev.target);
      if (target.closest("input, textarea, select") && target !== seek) return;
      if (ev.key === " " && target.tagName !== "BUTTON") {
        ev.preventDefault();
        play.click();
      } else if ((ev.key === "ArrowLeft" || ev.key === "ArrowRight") && ev.target !== seek) {
        ev.preventDefault();
        item.seekTo(audio.currentTime + (ev.key === "ArrowLeft" ? -JUMP : JUMP));
      }
    });
    return item;
  }

  /** @param {Error} err */
  _playError(err) {
    this._error.textContent = `Lecture impossible : ${err.message}`;
  }

  _renderMeta() {
    const byId = new Map(this._calls.map((c) => [c.id, c]));
    for (const item of this._items.values()) {
      const r = item.rec;
      const call = byId.get(r.call_id);
      const part = item.segment.count > 1 ? ` (partie ${item.segment.index}/${item.segment.count} : le serveur audio a changé en cours d'appel)` : "";
      item.title.textContent = `Appel ${item.order} — ${call ? simulationLabel(this._sims, call.simulation_id) : "simulation inconnue"}${part}`;
      const parts = [];
      if (call) {
        parts.push(DIRECTION_LABELS[/** @type {"inbound" | "outbound"} */ (call.direction)] || call.direction);
        if (call.number) parts.push(call.number);
      }
      parts.push(`le ${new Date(r.started_at).toLocaleDateString("fr-FR")} à ${clockTime(r.started_at)}`);
      parts.push(`durée ${formatSeconds(r.duration_s)}`);
      if (call && call.disposition_label) parts.push(`qualifié « ${call.disposition_label} »`);
      const cuts = (r.gaps || []).filter((/** @type {{ reason: string }} */ g) => g.reason !== "hold").length;
      const holds = (r.gaps || []).length - cuts;
      if (cuts) parts.push(`${cuts} interruption${cuts > 1 ? "s" : ""} signalée${cuts > 1 ? "s" : ""}`);
      if (holds) parts.push(`${holds} mise${holds > 1 ? "s" : ""} en attente`);
      item.talk.textContent = talkLine(r.analytics);
      const sha = el("code", "rp-sha", `SHA-256 ${String(r.sha256 || "").slice(0, 12)}…`);
      sha.title = r.sha256 || "";
      item.meta.replaceChildren(`${parts.join(" · ")} · `, sha);
    }
  }

  // The notes' markers and « aller à » buttons, and the intervals' bands and buttons, kept
  // across renders (keyed by note, by interval) and updated in place: each note pinned live
  // draws them again, and a button rebuilt between the press and the release of a click fires
  // no `click` (lost under load, as <crm-search>'s). A button jumps to the moment it shows now.
  _renderNotes() {
    for (const item of this._items.values()) {
      const d = item.duration();
      const jump = (/** @type {number} */ s) => {
        item.seekTo(s);
        item.audio.play().catch((/** @type {Error} */ e) => this._playError(e));
      };
      showGapBands(item.bands, item.rec, d, jump);
      showGapItems(item.gaps, item.rec, jump);
      const { startMs, endMs, index } = item.segment;
      // A note without a moment goes with the first segment; one with a moment, where it fell.
      const inSegment = (/** @type {import("../types/events.js").NoteOut} */ n) => (n.offset_ms === null || n.offset_ms === undefined ? index === 1 : n.offset_ms >= startMs && n.offset_ms < endMs);
      const notes = [...this._notes.values()]
        .filter((n) => n.call_id === item.rec.call_id && inSegment(n))
        .sort((a, b) => (a.offset_ms ?? Infinity) - (b.offset_ms ?? Infinity) || Date.parse(a.at) - Date.parse(b.at));
      keyedChildren(item.markers, notes.filter((n) => n.offset_ms !== null && n.offset_ms !== undefined), {
        key: (n) => n.id,
        create: () => {
          const m = el("button", "rp-marker");
          m.type = "button";
          m.tabIndex = -1; // the same note is a button in the list below
          m.addEventListener("click", () => this._jump(item, Number(m.dataset.offset)));
          return m;
        },
        update: (m, n) => {
          const offset = /** @type {number} */ (n.offset_ms);
          m.dataset.offset = String(offset);
          m.style.left = `${d > 0 ? Math.min(100, ((offset - startMs) / 1000 / d) * 100) : 0}%`;
          m.title = `${formatOffset(offset)} — ${n.text}`;
          m.setAttribute("aria-label", `Note à ${formatOffset(offset)}`);
        },
      });
      keyedChildren(item.notes, notes, {
        key: (n) => n.id,
        create: () => {
          const li = el("li", "rp-note");
          li.append(el("span", "small muted", "sans moment"), " ", el("span", "rp-note-text"));
          return li;
        },
        update: (li, n) => this._showNote(item, li, n),
      });
    }
  }

  /**
   * A note's line: its « aller à » button while it has a moment (kept as long as it has one),
   * else « sans moment », and its text.
   * @param {RecordingItem} item
   * @param {HTMLElement} li
   * @param {import("../types/events.js").NoteOut} n
   */
  _showNote(item, li, n) {
    li.dataset.id = n.id;
    const has = n.offset_ms !== null && n.offset_ms !== undefined;
    let lead = /** @type {HTMLElement} */ (li.firstElementChild);
    if (has !== lead.classList.contains("rp-note-jump")) {
      let next;
      if (has) {
        const b = el("button", "rp-note-jump small-button");
        b.type = "button";
        b.addEventListener("click", () => this._jump(item, Number(b.dataset.offset)));
        next = b;
      } else {
        next = el("span", "small muted", "sans moment");
      }
      lead.replaceWith(next);
      lead = next;
    }
    if (has) {
      lead.dataset.offset = String(n.offset_ms);
      setText(lead, formatOffset(n.offset_ms));
      lead.setAttribute("aria-label", `Aller à ${formatOffset(n.offset_ms)} : ${n.text}`);
    }
    setText(/** @type {HTMLElement} */ (li.querySelector(".rp-note-text")), n.text);
  }

  /**
   * @param {RecordingItem} item
   * @param {number} offsetMs the note's moment in the call
   */
  _jump(item, offsetMs) {
    item.seekTo((offsetMs - item.segment.startMs) / 1000);
    item.audio.play().catch((/** @type {Error} */ e) => this._playError(e));
  }
}

if (!customElements.get("recordings-panel")) customElements.define("recordings-panel", RecordingsPanel);
