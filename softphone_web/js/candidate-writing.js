// The writing phase (locked down): one editor per writing task, shaped by its channel, saved
// on the server at most every 5 s and when the editor loses focus (« enregistré à hh:mm:ss »);
// every keystroke is also kept on this computer, so a reload or a lost connection gives back
// every character. At the deadline the server freezes the texts: the editors turn read-only.
import { ApiError } from "./api.js";
import { byId, el } from "./components/dom.js";
import { writingApi } from "./candidate-server.js";
import { Autosaver, timeOfDay } from "./cti/autosave.js";
import { CHANNEL_LABELS } from "./cti/writing-editor.js";
import "./cti/writing-editor.js";

const SAVE_EVERY_MS = 5000;

/** @typedef {import("./candidate-http.js").CandidateSubject} CandidateSubject */
/** @typedef {import("./candidate-http.js").WritingTask} WritingTask */
/** @typedef {import("./candidate-http.js").DraftOut} DraftOut */
/** @typedef {import("./candidate.js").TimelineState} TimelineState */
/** @typedef {import("./cti/writing-editor.js").WritingEditor} WritingEditor */
/**
 * One writing task on the desk: its editor, its autosaver, its status line, the version the
 * next save is based on.
 * @typedef {object} DraftEntry
 * @property {WritingTask} task
 * @property {WritingEditor} editor
 * @property {HTMLSpanElement} status
 * @property {number} version
 * @property {string} key
 * @property {Autosaver} saver
 * @property {HTMLParagraphElement} brief
 * @property {HTMLParagraphElement} replaced
 * @property {"paused" | "lost" | null} [offline]
 */
/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

export class WritingDesk {
  /** @type {import("./components/tab-panels.js").TabPanels} */
  tabs;
  /** @type {boolean} */
  frozen;
  /** @type {boolean} */
  loaded;
  /** @type {boolean} */
  writable;

  /**
   * @param {{ page: import("./candidate.js").CandidatePage, ui: import("./candidate.js").CandidateUi, announce: import("./candidate.js").Announce, cid: string }} options
   */
  constructor({ page, ui, announce, cid }) {
    this.page = page;
    this.ui = ui;
    this.announce = announce;
    this.cid = cid;
    this.api = writingApi(cid);
    /** @type {WritingTask[]} */
    this.tasks = [];
    /** @type {Map<string, DraftEntry>} task id → its entry */
    this.editors = new Map();
    this.open = false;
    this.active = false;
    this.root = byId("writing-main");
    this.desk = el("div", "writing-desk");
    this.fsAsk = el("div", "fs-ask");
    this.fsAsk.setAttribute("role", "note");
    const fsText = el("span", "", "La rédaction se fait en plein écran : sortir du plein écran, changer d'onglet ou de fenêtre et coller un texte venu d'ailleurs sont signalés au surveillant.");
    const fsButton = el("button", "primary", "Passer en plein écran");
    fsButton.type = "button";
    fsButton.addEventListener("click", () => this.page.lockdown?.enterFullscreen());
    this.fsAsk.append(fsText, fsButton);
    this.placeholder = el("p", "muted", "Chargement des sujets de rédaction…");
    this.desk.append(this.fsAsk, this.placeholder);
    this.root.append(this.desk);
    document.addEventListener("fullscreenchange", () => this._fs());
    this._fs();
  }

  _fs() {
    this.fsAsk.hidden = Boolean(document.fullscreenElement) || !this.active;
  }

  /** @param {CandidateSubject} subject */
  setSubject(subject) {
    const tasks = subject.writing_tasks || [];
    if (this.tabs || !tasks.length) return;
    this.tasks = tasks;
    this.tabs = /** @type {import("./components/tab-panels.js").TabPanels} */ (document.createElement("tab-panels"));
    this.tabs.className = "writing-tabs pane-fill";
    tasks.forEach((task, i) => {
      const section = el("section", "writing-task");
      section.id = `task-${task.id}`;
      const channel = CHANNEL_LABELS[/** @type {keyof typeof CHANNEL_LABELS} */ (task.channel)] || task.channel;
      section.dataset.tab = `${i + 1}. ${channel}`;
      const head = el("div", "task-head");
      const status = el("span", "draft-status muted", "");
      status.setAttribute("role", "status");
      head.append(el("h2", "", `${channel} ${i + 1} sur ${tasks.length}`), status);
      const brief = el("p", "task-brief", task.brief);
      // When the call this reply follows did not take place, the server hands out the task's
      // replacement brief (it stands on its own); the candidate is told so.
      const replaced = el("p", "task-replaced", "Cette consigne remplace celle prévue : la simulation à laquelle elle faisait suite n'a pas eu lieu.");
      replaced.hidden = !task.replaced;
      const editor = /** @type {WritingEditor} */ (document.createElement("writing-editor"));
      editor.task = task;
      section.append(head, replaced, brief, editor);
      this.tabs.append(section);
      const key = `plateau.draft.${this.cid}.${task.id}`;
      /** @type {DraftEntry} */
      const entry = {
        task,
        editor,
        status,
        version: 0,
        key,
        saver: new Autosaver({ key, interval: SAVE_EVERY_MS, save: (content) => this._save(entry, content) }),
        brief,
        replaced,
      };
      entry.saver.addEventListener("state", (ev) => this._status(entry, /** @type {CustomEvent} */ (ev).detail));
      editor.addEventListener("draft-input", () => entry.saver.changed(editor.value, entry.version));
      editor.addEventListener("draft-blur", () => entry.saver.flush());
      this.editors.set(task.id, entry);
    });
    this.placeholder.replaceWith(this.tabs);
    this.tabs.addEventListener("tab-change", () => this._topStatus());
    if (this.active) this.load();
  }

  // One save; a 409 is read against the server's drafts: frozen (final), paused (retry
  // later), or saved meanwhile from another tab (this tab, where the candidate types, wins).
  /**
   * @param {DraftEntry} entry
   * @param {Record<string, unknown>} content
   */
  async _save(entry, content) {
    try {
      const result = await this.api.save(entry.task.id, content, entry.version);
      entry.version = result.version;
      return result;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 409) throw err;
      const data = await this.api.drafts().catch(() => null);
      if (data && data.frozen) {
        Object.assign(err, { final: true });
        throw err;
      }
      if (!data || !data.writable) {
        Object.assign(err, { paused: true });
        throw err;
      }
      const current = (data.drafts || []).find((d) => d.task_id === entry.task.id);
      entry.version = current ? current.version : 0;
      const result = await this.api.save(entry.task.id, content, entry.version);
      entry.version = result.version;
      this.announce("Ce texte était aussi ouvert dans un autre onglet : la version de cet onglet est enregistrée.", { level: "warn" });
      return result;
    }
  }

  // The server's drafts; a local copy typed after the last save wins and is sent at once.
  async load() {
    if (!this.editors.size) return;
    /** @type {import("./candidate-http.js").DraftsOut | null} */
    let data = null;
    try {
      data = await this.api.drafts();
    } catch (err) {
      this.announce(`Brouillons : ${messageOf(err)}`, { level: "warn" });
    }
    if (!data) return;
    const drafts = new Map((data.drafts || []).map((d) => [d.task_id, d]));
    this.frozen = Boolean(data.frozen);
    // Writable or not follows the timeline's events (newer than this answer may be).
    this.loaded = true; // the editors open once the texts are back (no typing over them)
    this.root.dataset.loaded = "true";
    for (const entry of this.editors.values()) {
      const d = drafts.get(entry.task.id);
      if (d && d.brief && d.brief !== entry.brief.textContent) entry.brief.textContent = d.brief;
      if (d) entry.replaced.hidden = !d.replaced;
      const server = (d && d.content) || {};
      entry.version = (d && d.version) || 0;
      const local = Autosaver.pending(entry.key);
      const localNewer = local && !this.frozen && (local.base ?? 0) >= entry.version && JSON.stringify(local.value) !== JSON.stringify(server);
      entry.editor.value = localNewer ? local.value : server;
      if (localNewer) entry.saver.changed(local.value, entry.version);
      else Autosaver.forget(entry.key);
      if (d && d.saved_at) this._status(entry, { state: "saved", at: new Date(d.saved_at) });
      if (d && d.frozen) this._freeze(entry);
    }
    if (this.frozen) this.freezeAll();
    this._applyWritable();
  }

  /** @param {TimelineState | null} state */
  setTimeline(state) {
    const writable = Boolean(state && state.phase === "redaction" && state.status === "running");
    const was = this.writable;
    this.writable = writable;
    this._applyWritable();
    // Leaving the writing phase (deadline): flush what is left, then freeze.
    if (was && !writable && state && state.phase !== "redaction") {
      this.flushAll().finally(() => this.freezeAll());
    }
  }

  _applyWritable() {
    for (const entry of this.editors.values()) {
      entry.editor.readOnly = !this.loaded || !this.writable || entry.saver.frozen;
    }
  }

  /** @param {boolean} on */
  setActive(on) {
    this.active = on;
    this._fs();
    if (on) this.load();
  }

  snapshot() {
    if (this.active) this.load();
  }

  async flushAll() {
    await Promise.all([...this.editors.values()].map((e) => e.saver.flush()));
  }

  freezeAll() {
    for (const entry of this.editors.values()) this._freeze(entry);
  }

  /** @param {DraftEntry} entry */
  _freeze(entry) {
    entry.saver.freeze();
    entry.editor.readOnly = true;
  }

  /**
   * @param {DraftEntry} entry
   * @param {{ state: string, at?: Date, message?: string, paused?: boolean }} status
   */
  _status(entry, { state, at, message, paused }) {
    // Lost is lost until a save goes through: typing more does not make it « non enregistré ».
    if (state === "offline") entry.offline = paused ? "paused" : "lost";
    else if (state === "saved" || state === "refused") entry.offline = null;
    else if (entry.offline) return;
    const text = {
      dirty: "Modifications non enregistrées…",
      saving: "Enregistrement…",
      saved: at ? `Enregistré à ${timeOfDay(at)}` : "Enregistré",
      offline: paused
        ? "En pause : le texte est gardé sur ce poste et sera enregistré à la reprise."
        : "Connexion perdue : le texte est gardé sur ce poste et sera envoyé.",
      refused: message || "Temps écoulé : le texte est figé.",
    }[state];
    if (!text) return;
    entry.status.textContent = text;
    entry.status.classList.toggle("bad", state === "offline" || state === "refused");
    entry.status.dataset.state = state;
    if (state === "refused") {
      this._freeze(entry);
      this.announce(text, { level: "warn" });
    }
    this._topStatus();
  }

  _topStatus() {
    const box = this.ui && document.getElementById("save-status");
    if (!box || !this.tabs) return;
    const entry = this.editors.get((this.tabs.current || "").replace(/^task-/, ""));
    box.textContent = entry ? entry.status.textContent : "";
    box.classList.toggle("bad", Boolean(entry && entry.status.classList.contains("bad")));
  }
}
