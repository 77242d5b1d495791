// The candidate's workstation (/candidat): one page for the whole exam. The server's timeline
// decides the view — waiting, préparation (dossier + notepad), appels (the agent desktop),
// rédaction (locked-down writing), done — and the page switches by itself, announced, without
// a reload. The dossier and the notepad are one element each, moved from view to view.
import { api, ApiError, requireMe } from "./api.js";
import { PlateauSocket } from "./socket.js";
import { byId } from "./components/dom.js";
import "./components/action-dialog.js";
import { LinkStatus } from "./components/link-status.js";
import { PhaseClock } from "./components/phase-clock.js";
import "./components/tab-panels.js";
import "./cti/dossier-viewer.js";
import "./cti/headset-check.js";
import "./cti/note-pad.js";
import { Lockdown } from "./cti/lockdown.js";
import { viewFor, VIEW_ANNOUNCEMENTS, VIEW_TITLES, notesStore } from "./candidate-views.js";
import { CallsDesk } from "./candidate-calls.js";
import { WritingDesk } from "./candidate-writing.js";
import { insideSeb, sebKeysReady } from "./seb.js";

/** @typedef {import("./candidate-http.js").CandidateSubject} CandidateSubject */
/** @typedef {import("./cti/dossier-viewer.js").DossierViewer} DossierViewer */
/** @typedef {import("./cti/note-pad.js").NotePad} NotePad */
/** @typedef {"loading" | ReturnType<typeof viewFor>} View */
/**
 * The timeline's state as the page reads it (`TimelineState` as JSON: the event types it as a
 * plain object).
 * @typedef {{ status?: string, phase?: string | null, pause_reason?: string | null, closure?: { reason_label: string } | null, phases?: { phase: string, paused_seconds?: number }[] } & Record<string, any>} TimelineState
 */
/**
 * Says a notice under the top bar.
 * @typedef {(text: string, options?: { level?: string, ms?: number }) => void} Announce
 */
/**
 * The page's nodes the desks share.
 * @typedef {object} CandidateUi
 * @property {HTMLElement} body
 * @property {HTMLElement} who
 * @property {PhaseClock} clock
 * @property {LinkStatus} link
 * @property {HTMLElement} fullscreen
 * @property {HTMLElement} announce
 * @property {HTMLElement} pause
 * @property {HTMLElement} error
 * @property {HTMLElement} main
 * @property {import("./cti/soft-phone.js").SoftPhone} phone
 * @property {import("./components/action-dialog.js").ActionDialog} dialog
 */
/**
 * The page's state (also `window.plateau`, for the browser tests).
 * @typedef {object} CandidatePage
 * @property {any} me who is signed in (GET /api/auth/me: `requireMe` answers any)
 * @property {string | null} cid
 * @property {PlateauSocket | null} socket
 * @property {TimelineState | null} timeline
 * @property {View} view
 * @property {CandidateSubject | null} subject
 * @property {Promise<void> | null} subjectLoading
 * @property {Promise<void> | null} briefsLoading
 * @property {Lockdown | null} lockdown
 * @property {CallsDesk | null} calls
 * @property {WritingDesk | null} writing
 */

/** @type {CandidateUi} */
const ui = {
  body: document.body,
  who: byId("who"),
  clock: byId("clock", PhaseClock),
  link: byId("link", LinkStatus),
  fullscreen: byId("fullscreen"),
  announce: byId("announce"),
  pause: byId("pause-banner"),
  error: byId("page-error"),
  main: byId("main"),
  phone: /** @type {import("./cti/soft-phone.js").SoftPhone} */ (byId("phone")),
  dialog: /** @type {import("./components/action-dialog.js").ActionDialog} */ (byId("dialog")),
};

const dossier = /** @type {DossierViewer} */ (document.createElement("dossier-viewer"));
const instructions = /** @type {DossierViewer} */ (document.createElement("dossier-viewer")); // the « consignes » only
const notes = /** @type {NotePad} */ (document.createElement("note-pad"));
/** @type {Record<string, string | undefined>} */
const DOSSIER_SLOT = { prep: "prep-dossier", calls: "calls-dossier", writing: "writing-dossier" };
/** @type {Record<string, string | undefined>} */
const NOTES_SLOT = { prep: "prep-notes", calls: "side-notes", writing: "writing-notes" };

/** @type {CandidatePage} */
const page = {
  me: null,
  cid: null,
  socket: null,
  timeline: null,
  view: "loading",
  subject: null,
  subjectLoading: null,
  briefsLoading: null,
  lockdown: null,
  calls: null,
  writing: null,
};

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

// Notices under the top bar: each line stays `ms` then goes; at most two at once, so a phase
// change is not pushed out at once by the next small notice.
/** @type {Announce} */
function announce(text, { level = "info", ms = 7000 } = {}) {
  const line = document.createElement("p");
  line.className = `notice notice-${level}`;
  line.textContent = text;
  ui.announce.append(line);
  while (ui.announce.children.length > 2) ui.announce.firstElementChild?.remove();
  ui.announce.hidden = false;
  setTimeout(() => {
    line.remove();
    ui.announce.hidden = ui.announce.children.length === 0;
  }, ms);
}

/** @param {string} cid */
const subjectPath = (cid) => `/api/candidates/${encodeURIComponent(cid)}/subject`;

async function loadSubject() {
  if (page.subject || page.subjectLoading) return page.subjectLoading;
  const cid = page.cid;
  if (!cid) return null; // signed in first (main): no timeline comes before
  page.subjectLoading = (async () => {
    try {
      /** @type {CandidateSubject} */
      const subject = await api("GET", subjectPath(cid));
      page.subject = subject;
      dossier.documents = subject.dossier || [];
      instructions.documents = (subject.dossier || []).filter((d) => d.kind === "consignes");
      page.calls?.setSubject(subject);
      page.writing?.setSubject(subject);
      ui.error.textContent = "";
      if (page.view === "writing" && subject.writing_sealed) loadWritingBriefs();
    } catch (err) {
      // 409: not started yet (a timeline event will bring us back); else say it.
      if (!(err instanceof ApiError && err.status === 409)) ui.error.textContent = messageOf(err);
    } finally {
      page.subjectLoading = null;
    }
  })();
  return page.subjectLoading;
}

// The written briefs reach the page from the start of the rédaction only (the server seals
// them before: they name callers of calls not yet rung): fetch the subject again then.
async function loadWritingBriefs() {
  if (page.briefsLoading) return page.briefsLoading;
  const cid = page.cid;
  if (!cid) return null;
  page.briefsLoading = (async () => {
    try {
      /** @type {CandidateSubject} */
      const fresh = await api("GET", subjectPath(cid));
      page.subject = fresh;
      page.writing?.setSubject(fresh);
    } catch (err) {
      ui.error.textContent = messageOf(err);
    } finally {
      page.briefsLoading = null;
    }
  })();
  return page.briefsLoading;
}

/** @param {View} view */
function place(view) {
  const dSlot = DOSSIER_SLOT[view];
  const nSlot = NOTES_SLOT[view];
  if (dSlot && dossier.parentElement?.id !== dSlot) byId(dSlot).append(dossier);
  if (nSlot && notes.parentElement?.id !== nSlot) byId(nSlot).append(notes);
  notes.readOnly = view === "writing";
}

/** @param {ReturnType<typeof viewFor>} view */
function showView(view) {
  const previous = page.view;
  if (view === previous) return;
  page.view = view;
  ui.body.dataset.view = view;
  for (const name of ["waiting", "prep", "calls", "writing", "done"]) {
    byId(`view-${name}`).hidden = name !== view;
  }
  place(view);
  ui.phone.hidden = view !== "calls";
  if (view !== "writing") byId("save-status").textContent = "";
  page.calls?.setActive(view === "calls");
  page.writing?.setActive(view === "writing");
  if (view === "writing") page.lockdown?.start();
  else page.lockdown?.stop();
  document.title = `${VIEW_TITLES[view] || "Épreuve"} — Plateau`;
  if (previous === "waiting" && view !== "waiting" && page.cid) notes.load(notesStore(page.cid));
  if (previous !== "loading") {
    announce(VIEW_ANNOUNCEMENTS[view] || `${VIEW_TITLES[view]}.`, { level: "phase" });
    ui.main.focus({ preventScroll: true });
  }
}

/** @param {TimelineState | null} state */
function applyTimeline(state) {
  page.timeline = state;
  ui.clock.state = state;
  const view = viewFor(state);
  if (view !== "waiting" && !page.subject) loadSubject();
  else if (view === "writing" && page.subject?.writing_sealed) loadWritingBriefs();
  showView(view);
  const paused = state && state.status === "paused";
  ui.pause.hidden = !paused;
  ui.body.classList.toggle("is-paused", Boolean(paused));
  if (paused) {
    ui.pause.textContent = `Épreuve en pause : ${state?.pause_reason || "motif non précisé"}. Le temps est arrêté ; attendez la reprise.`;
  }
  if (view === "done") {
    byId("done-title").textContent = state?.closure
      ? `Épreuve close : ${state.closure.reason_label}`
      : state?.status === "finished"
        ? "Épreuve terminée"
        : "Partie pratique terminée";
    byId("seb-quit").hidden = !insideSeb(); // the session's quit URL: SEB asks to confirm, then closes
  }
  page.calls?.setTimeline(state);
  page.writing?.setTimeline(state);
}

function wireFullscreen() {
  const update = () => {
    const on = Boolean(document.fullscreenElement);
    ui.fullscreen.textContent = on ? "Quitter le plein écran" : "Plein écran";
    ui.fullscreen.setAttribute("aria-pressed", String(on));
    ui.body.classList.toggle("is-fullscreen", on);
  };
  ui.fullscreen.addEventListener("click", async () => {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => null);
    else if (!(await page.lockdown?.enterFullscreen())) announce("Le navigateur a refusé le plein écran (touche F11).");
  });
  document.addEventListener("fullscreenchange", update);
  update();
}

function wireKeys() {
  // Ctrl+F searches the dossier on screen (the browser's own search otherwise).
  document.addEventListener("keydown", (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.key.toLowerCase() !== "f") return;
    const viewers = /** @type {NodeListOf<DossierViewer>} */ (document.querySelectorAll("dossier-viewer"));
    const shown = [...viewers].find((v) => v.offsetParent);
    if (!shown) return;
    ev.preventDefault();
    shown.focusSearch();
  });
}

async function main() {
  await sebKeysReady(); // inside Safe Exam Browser, its Config Key for every call (seb.js)
  const me = await requireMe("candidate");
  if (!me) return;
  /** @type {string} */
  const cid = me.subject_id;
  page.me = me;
  page.cid = cid;
  ui.who.textContent = me.display_name;
  const socket = new PlateauSocket();
  page.socket = socket;
  window.plateau = page; // for the browser tests and a curious supervisor's console
  const lockdown = new Lockdown((kind, detail) => socket.send({ type: "lockdown.report", kind, detail }));
  page.lockdown = lockdown;
  lockdown.addEventListener("reported", (ev) => {
    const { kind } = /** @type {CustomEvent<{ kind: string, detail: string }>} */ (ev).detail;
    if (kind === "paste") announce("Collage de texte extérieur signalé au surveillant.", { level: "warn" });
  });
  notes.key = `plateau.notes.${cid}`;
  byId("prep-instructions").append(instructions);
  const calls = new CallsDesk({ page, socket, ui, announce, cid });
  const writing = new WritingDesk({ page, ui, announce, cid });
  page.calls = calls;
  page.writing = writing;
  socket.on("connection", (msg) => {
    ui.link.connected = msg.connected;
    ui.body.classList.toggle("is-offline", !msg.connected);
  });
  socket.on("snapshot", (msg) => {
    const state = msg.state || {};
    applyTimeline((state.exam || {}).timeline || null);
    calls.snapshot(state);
    writing.snapshot();
    if (page.view !== "waiting") notes.load(notesStore(cid));
  });
  socket.on("timeline", (msg) => {
    if (msg.candidate_id === page.cid) applyTimeline(msg.state);
  });
  socket.on("timeline.warning", (msg) => {
    if (msg.candidate_id !== page.cid) return;
    const m = msg.minutes;
    announce(`${msg.phase_label} : plus que ${m} minute${m > 1 ? "s" : ""}.`, { level: "warn", ms: 15000 });
  });
  wireFullscreen();
  wireKeys();
  window.addEventListener("pagehide", () => {
    notes.flush();
    page.writing?.flushAll();
  });
  socket.connect();
}

main();
