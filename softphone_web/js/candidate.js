// The candidate's workstation (/candidat): one page for the whole exam. The server's timeline
// decides the view — waiting, préparation (dossier + notepad), appels (the agent desktop),
// rédaction (locked-down writing), done — and the page switches by itself, announced, without
// a reload. The dossier and the notepad are one element each, moved from view to view.
import { api, ApiError, requireMe } from "./api.js";
import { PlateauSocket } from "./socket.js";
import "./components/action-dialog.js";
import "./components/link-status.js";
import "./components/phase-clock.js";
import "./components/tab-panels.js";
import "./cti/dossier-viewer.js";
import "./cti/headset-check.js";
import "./cti/note-pad.js";
import { Lockdown } from "./cti/lockdown.js";
import { viewFor, VIEW_ANNOUNCEMENTS, VIEW_TITLES, notesStore } from "./candidate-views.js";
import { CallsDesk } from "./candidate-calls.js";
import { WritingDesk } from "./candidate-writing.js";
import { insideSeb, sebKeysReady } from "./seb.js";

const $ = (id) => document.getElementById(id);
const ui = {
  body: document.body,
  who: $("who"),
  clock: /** @type {import("./components/phase-clock.js").PhaseClock} */ ($("clock")),
  link: /** @type {import("./components/link-status.js").LinkStatus} */ ($("link")),
  fullscreen: $("fullscreen"),
  announce: $("announce"),
  pause: $("pause-banner"),
  error: $("page-error"),
  main: $("main"),
  phone: $("phone"),
  dialog: $("dialog"),
};

const dossier = document.createElement("dossier-viewer");
const instructions = document.createElement("dossier-viewer"); // the « consignes » only
const notes = document.createElement("note-pad");
const DOSSIER_SLOT = { prep: "prep-dossier", calls: "calls-dossier", writing: "writing-dossier" };
const NOTES_SLOT = { prep: "prep-notes", calls: "side-notes", writing: "writing-notes" };

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

// Notices under the top bar: each line stays `ms` then goes; at most two at once, so a phase
// change is not pushed out at once by the next small notice.
function announce(text, { level = "info", ms = 7000 } = {}) {
  const line = document.createElement("p");
  line.className = `notice notice-${level}`;
  line.textContent = text;
  ui.announce.append(line);
  while (ui.announce.children.length > 2) ui.announce.firstElementChild.remove();
  ui.announce.hidden = false;
  setTimeout(() => {
    line.remove();
    ui.announce.hidden = ui.announce.children.length === 0;
  }, ms);
}

async function loadSubject() {
  if (page.subject || page.subjectLoading) return page.subjectLoading;
  page.subjectLoading = (async () => {
    try {
      page.subject = await api("GET", `/api/candidates/${encodeURIComponent(page.cid)}/subject`);
      dossier.documents = page.subject.dossier || [];
      instructions.documents = (page.subject.dossier || []).filter((d) => d.kind === "consignes");
      page.calls?.setSubject(page.subject);
      page.writing?.setSubject(page.subject);
      ui.error.textContent = "";
      if (page.view === "writing" && page.subject.writing_sealed) loadWritingBriefs();
    } catch (err) {
      // 409: not started yet (a timeline event will bring us back); else say it.
      if (!(err instanceof ApiError && err.status === 409)) ui.error.textContent = err.message;
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
  page.briefsLoading = (async () => {
    try {
      const fresh = await api("GET", `/api/candidates/${encodeURIComponent(page.cid)}/subject`);
      page.subject = fresh;
      page.writing?.setSubject(fresh);
    } catch (err) {
      ui.error.textContent = err.message;
    } finally {
      page.briefsLoading = null;
    }
  })();
  return page.briefsLoading;
}

function place(view) {
  const dSlot = DOSSIER_SLOT[view];
  const nSlot = NOTES_SLOT[view];
  if (dSlot && dossier.parentElement?.id !== dSlot) $(dSlot).append(dossier);
  if (nSlot && notes.parentElement?.id !== nSlot) $(nSlot).append(notes);
  notes.readOnly = view === "writing";
}

function showView(view) {
  const previous = page.view;
  if (view === previous) return;
  page.view = view;
  ui.body.dataset.view = view;
  for (const name of ["waiting", "prep", "calls", "writing", "done"]) {
    $(`view-${name}`).hidden = name !== view;
  }
  place(view);
  ui.phone.hidden = view !== "calls";
  if (view !== "writing") $("save-status").textContent = "";
  page.calls?.setActive(view === "calls");
  page.writing?.setActive(view === "writing");
  if (view === "writing") page.lockdown.start();
  else page.lockdown.stop();
  document.title = `${VIEW_TITLES[view] || "Épreuve"} — Plateau`;
  if (previous === "waiting" && view !== "waiting") notes.load(notesStore(page.cid));
  if (previous !== "loading") {
    announce(VIEW_ANNOUNCEMENTS[view] || `${VIEW_TITLES[view]}.`, { level: "phase" });
    ui.main.focus({ preventScroll: true });
  }
}

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
    ui.pause.textContent = `Épreuve en pause : ${state.pause_reason || "motif non précisé"}. Le temps est arrêté ; attendez la reprise.`;
  }
  if (view === "done") {
    $("done-title").textContent = state.closure
      ? `Épreuve close : ${state.closure.reason_label}`
      : state.status === "finished"
        ? "Épreuve terminée"
        : "Partie pratique terminée";
    $("seb-quit").hidden = !insideSeb(); // the session's quit URL: SEB asks to confirm, then closes
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
    else if (!(await page.lockdown.enterFullscreen())) announce("Le navigateur a refusé le plein écran (touche F11).");
  });
  document.addEventListener("fullscreenchange", update);
  update();
}

function wireKeys() {
  // Ctrl+F searches the dossier on screen (the browser's own search otherwise).
  document.addEventListener("keydown", (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.key.toLowerCase() !== "f") return;
    const shown = [...document.querySelectorAll("dossier-viewer")].find((v) => v.offsetParent);
    if (!shown) return;
    ev.preventDefault();
    shown.focusSearch();
  });
}

async function main() {
  await sebKeysReady(); // inside Safe Exam Browser, its Config Key for every call (seb.js)
  const me = await requireMe("candidate");
  if (!me) return;
  page.me = me;
  page.cid = me.subject_id;
  ui.who.textContent = me.display_name;
  const socket = new PlateauSocket();
  page.socket = socket;
  window.plateau = page; // for the browser tests and a curious supervisor's console
  page.lockdown = new Lockdown((kind, detail) => socket.send({ type: "lockdown.report", kind, detail }));
  page.lockdown.addEventListener("reported", (ev) => {
    if (ev.detail.kind === "paste") announce("Collage de texte extérieur signalé au surveillant.", { level: "warn" });
  });
  notes.key = `plateau.notes.${page.cid}`;
  $("prep-instructions").append(instructions);
  page.calls = new CallsDesk({ page, socket, ui, announce, cid: page.cid });
  page.writing = new WritingDesk({ page, ui, announce, cid: page.cid });
  socket.on("connection", (msg) => {
    ui.link.connected = msg.connected;
    ui.body.classList.toggle("is-offline", !msg.connected);
  });
  socket.on("snapshot", (msg) => {
    const state = msg.state || {};
    applyTimeline((state.exam || {}).timeline || null);
    page.calls.snapshot(state);
    page.writing.snapshot(state);
    if (page.view !== "waiting") notes.load(notesStore(page.cid));
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
