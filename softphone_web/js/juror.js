// The jury's page (/jury): the juror picks one of their candidates; the page shows the console
// of the juror's capacity for that candidate — the client's (run sheet, juror card, phone, chat,
// mic check) or the observer's (live listening, chat and CRM feed, grid and pinned notes, then
// recordings, written replies, interviews, deliberation and documents). One WebSocket for all
// candidates; each component is bound to the chosen candidate with the same context:
//   ctx = { candidateId, capacity, socket, snapshot: () => latest state, me, micDevice }
import { api, logout, requireMe } from "./api.js";
import "./components/action-dialog.js";
import "./components/link-status.js";
import "./components/phase-clock.js";
import "./components/tab-panels.js";
import "./cti/chat-window.js";
import { interviewButtons } from "./jury/interview-notes.js";
import { bindChat } from "./jury/jury-chat.js";
import "./jury/juror-card.js";
import "./jury/mic-check.js";
import "./jury/run-sheet.js";
import { runSheetStates } from "./jury/run-sheet-states.js";
import { feedProgress, feedRecordings } from "./juror-feeds.js";
import { feedGridPanels, interviewCommand } from "./juror-grid-feeds.js";
import "./jury/simulation-progress.js";
import "./jury/jury-softphone.js";
import { feedCrm, feedDocuments, feedWrittenReplies, withSimulations } from "./juror-review-feeds.js";
import { PlateauSocket } from "./socket.js";

/** @typedef {import("./jury/observer-common.js").JuryContext} JuryContext */
/** @typedef {import("./jury/observer-common.js").JurySimulation} JurySimulation */
/**
 * One of the juror's candidates (GET /api/jury/assignments).
 * @typedef {{ candidate_id: string, name: string, capacity: string }} Assignment
 */

// The page's own elements (juror.html has every id asked here).
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const enc = encodeURIComponent;
const STORAGE = "plateau.jury.candidate";

// The jury's shared parts (both jurors deliberate and sign), then the observer's components;
// each loaded when a console that shows it is first opened.
const JURY_MODULES = ["./jury/deliberation-panel.js", "./jury/documents-panel.js"];
// The observer's components.
const OBSERVER_MODULES = [
  "./jury/live-listen.js",
  "./jury/crm-feed.js",
  "./jury/evaluation-grid.js",
  "./jury/recordings-panel.js",
  "./jury/written-replies.js",
  "./jury/interview-notes.js",
  ...JURY_MODULES,
];
const OBSERVER_PARTS = ["observer-progress", "live-listen", "crm-feed", "grid", "recordings", "crm-log", "writing", "interviews", "deliberation", "documents"];

/**
 * @type {{ me: import("./types/events.js").Me | null, assignments: Assignment[], current: Assignment | null,
 *   state: Record<string, any> | null, unbinds: Array<() => void>, socket?: PlateauSocket, switched?: boolean,
 *   listening?: boolean, unheard?: boolean, heard: number }}
 */
const page = { me: null, assignments: [], current: null, state: null, unbinds: [], heard: 0 };

/**
 * @param {Assignment} assignment
 * @returns {JuryContext}
 */
function ctxFor(assignment) {
  if (!page.socket) throw new Error("La connexion au serveur n'est pas ouverte.");
  return {
    candidateId: assignment.candidate_id,
    capacity: assignment.capacity,
    socket: page.socket,
    snapshot: () => page.state,
    me: page.me,
    micDevice: () => /** @type {import("./jury/mic-check.js").MicCheck} */ ($("mic-check")).deviceId || "",
  };
}

/** @param {string} cid */
function timelineOf(cid) {
  return (((page.state || {}).exam || {}).candidates || {})[cid]?.timeline || null;
}

function renderPicker() {
  const nav = $("picker");
  nav.replaceChildren(
    ...page.assignments.map((a) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.candidate = a.candidate_id;
      b.textContent = `${a.name} · ${a.capacity === "client" ? "client" : "observation"}`;
      b.setAttribute("aria-pressed", String(a.candidate_id === page.current?.candidate_id));
      b.addEventListener("click", () => select(a.candidate_id));
      return b;
    }),
  );
}

function applyTimeline() {
  const a = page.current;
  if (!a) return;
  const state = timelineOf(a.candidate_id);
  for (const id of ["client-clock", "observer-clock"]) /** @type {import("./components/phase-clock.js").PhaseClock} */ ($(id)).state = state;
  const buttons = interviewButtons(state);
  for (const action of /** @type {const} */ (["open", "close"])) {
    const button = $(`interview-${action}`);
    button.hidden = !buttons[action].visible;
    button.textContent = buttons[action].label || button.textContent;
  }
}

/** @param {"open" | "close"} action */
async function interviewAction(action) {
  const a = page.current;
  if (!a) return;
  try {
    await interviewCommand(a.candidate_id, action);
    $("page-error").textContent = "";
  } catch (err) {
    $("page-error").textContent = /** @type {Error} */ (err).message;
  }
}

/** @param {JuryContext} ctx */
async function bindClient(ctx) {
  const sheet = /** @type {import("./jury/run-sheet.js").RunSheet} */ ($("run-sheet"));
  const card = /** @type {import("./jury/juror-card.js").JurorCard} */ ($("juror-card"));
  const phone = /** @type {import("./jury/jury-softphone.js").JurySoftphone} */ ($("softphone"));
  const chat = /** @type {import("./cti/chat-window.js").ChatWindow} */ ($("client-chat"));
  /** @type {JurySimulation[]} */
  let sims = [];
  try {
    sims = (await api("GET", `/api/candidates/${enc(ctx.candidateId)}/subject/jury`)).simulations || [];
  } catch (err) {
    $("page-error").textContent = /** @type {Error} */ (err).message;
  }
  const show = (/** @type {string | null} */ id) => {
    const sim = sims.find((s) => s.id === id) || null;
    sheet.selected = id;
    card.simulation = sim;
    phone.simulation = sim;
    chat.hidden = !sim || sim.kind !== "chat";
  };
  const progress = /** @type {import("./jury/simulation-progress.js").SimulationProgress} */ ($("client-progress"));
  const refreshStates = () => {
    const conv = (((page.state || {}).chat || {}).by_candidate || {})[ctx.candidateId] || {};
    const { statuses, reasons } = runSheetStates({ calls: phone.calls, messages: chat.messages || conv.messages || [], progress: progress.progress });
    sheet.statuses = statuses;
    sheet.reasons = reasons;
  };
  sheet.simulations = sims;
  const abort = new AbortController();
  const signal = abort.signal;
  progress.bind(ctx);
  feedProgress(progress, ctx, signal);
  phone.bind(ctx);
  const unbindChat = bindChat(chat, ctx);
  refreshStates();
  show(sheet.suggested());
  sheet.addEventListener("simulation-select", (ev) => show(/** @type {CustomEvent<{ id: string }>} */ (ev).detail.id), { signal });
  phone.addEventListener("call-simulation", (ev) => show(/** @type {CustomEvent<{ id: string }>} */ (ev).detail.id), { signal });
  phone.addEventListener("calls-change", refreshStates, { signal });
  progress.addEventListener("progress-change", refreshStates, { signal });
  ctx.socket.addEventListener("chat.message", refreshStates, { signal });
  $("mic-check").addEventListener("mic-checked", () => phone.useMicrophone(), { signal });
  await Promise.all(JURY_MODULES.map((m) => import(m)));
  const shared = ["client-deliberation", "client-documents"].map((id) => /** @type {import("./jury/jury-panel.js").JuryPanel} */ ($(id)));
  for (const part of shared) part.bind(ctx);
  feedDocuments(/** @type {import("./jury/documents-panel.js").DocumentsPanel} */ ($("client-documents")), ctx, signal);
  return () => {
    abort.abort();
    unbindChat();
    progress.unbind();
    phone.unbind();
    for (const part of shared) part.unbind();
  };
}

/** @param {JuryContext} pageCtx */
async function bindObserver(pageCtx) {
  const ctx = withSimulations(pageCtx); // the run sheet's titles, read once for every panel
  await Promise.all(OBSERVER_MODULES.map((m) => import(m)));
  const parts = OBSERVER_PARTS.map((id) => /** @type {import("./jury/jury-panel.js").JuryPanel} */ ($(id)));
  for (const part of parts) part.bind(ctx);
  const abort = new AbortController();
  feedProgress(/** @type {import("./jury/simulation-progress.js").SimulationProgress} */ ($("observer-progress")), ctx, abort.signal);
  feedRecordings(/** @type {import("./jury/recordings-panel.js").RecordingsPanel} */ ($("recordings")), ctx, abort.signal);
  const unbindChats = ["observer-chat", "review-chat"].map((id) => bindChat($(id), ctx));
  for (const id of ["crm-feed", "crm-log"]) feedCrm(/** @type {import("./jury/crm-feed.js").CrmFeed} */ ($(id)), ctx, abort.signal);
  feedWrittenReplies(/** @type {import("./jury/written-replies.js").WrittenReplies} */ ($("writing")), ctx, abort.signal);
  feedDocuments(/** @type {import("./jury/documents-panel.js").DocumentsPanel} */ ($("documents")), ctx, abort.signal);
  return () => {
    abort.abort();
    for (const part of parts) part.unbind();
    for (const unbind of unbindChats) unbind();
  };
}

/** @param {string} cid */
async function select(cid) {
  const a = page.assignments.find((x) => x.candidate_id === cid);
  if (!a) return;
  for (const unbind of page.unbinds.splice(0)) unbind();
  page.current = a;
  localStorage.setItem(STORAGE, cid);
  history.replaceState(null, "", `#${enc(cid)}`);
  renderPicker();
  $("client-console").hidden = a.capacity !== "client";
  $("observer-console").hidden = a.capacity !== "observer";
  $("client-title").textContent = `Client — ${a.name}`;
  $("observer-title").textContent = `Observation — ${a.name}`;
  applyTimeline();
  const ctx = ctxFor(a);
  try {
    page.unbinds.push(a.capacity === "client" ? await bindClient(ctx) : await bindObserver(ctx));
  } catch (err) {
    $("page-error").textContent = `La console n'a pas pu s'ouvrir : ${/** @type {Error} */ (err).message}`;
  }
  if (page.switched) page.socket?.send({ type: "resync" }); // a fresh snapshot for the new binding
  page.switched = true;
}

// What this juror may see changed while the page is open (a seat given to another juror or
// to them, a candidate removed): the server has already sent the new snapshot; the page says
// why, reads its candidates again and leaves a console that is no longer this juror's.
/** @param {Event} ev the socket's `access.changed` */
async function accessChanged(ev) {
  page.heard += 1;
  await applyAssignments(/** @type {CustomEvent<import("./types/events.js").AccessChanged>} */ (ev).detail.message);
}

// A change whose event went out while the page was not listening (between its first read of
// its candidates and its socket's first snapshot, or during a lost connection) is found by
// reading them again at each snapshot that follows a (re)connection. A change whose event does
// arrive while that reading is on its way was heard: the event says why, not this.
const CHANGED_UNHEARD = "Vos candidats ont changé pendant que la page n'était pas à l'écoute : elle est à jour.";

async function syncAssignments() {
  const heard = page.heard;
  let fresh;
  try {
    fresh = /** @type {Assignment[]} */ (await api("GET", "/api/jury/assignments"));
  } catch {
    return; // the next snapshot tries again
  }
  if (page.heard !== heard) return; // an access.changed came meanwhile: it applies the change
  const seats = (/** @type {Assignment[]} */ list) => list.map((a) => `${a.candidate_id}:${a.capacity}`).sort().join(",");
  if (seats(fresh) !== seats(page.assignments)) await applyAssignments(CHANGED_UNHEARD, fresh);
}

/**
 * @param {string} message why, shown to the juror
 * @param {Assignment[]} [fresh] the candidates, if just read
 */
async function applyAssignments(message, fresh) {
  const notice = $("access-notice");
  notice.textContent = message;
  notice.hidden = false;
  try {
    page.assignments = fresh || (await api("GET", "/api/jury/assignments"));
  } catch (err) {
    $("page-error").textContent = /** @type {Error} */ (err).message;
    return;
  }
  $("no-candidate").hidden = page.assignments.length > 0;
  const shown = page.current;
  if (shown && page.assignments.some((a) => a.candidate_id === shown.candidate_id && a.capacity === shown.capacity)) {
    renderPicker();
    return;
  }
  for (const unbind of page.unbinds.splice(0)) unbind();
  page.current = null;
  $("client-console").hidden = true;
  $("observer-console").hidden = true;
  renderPicker();
  if (page.assignments.length) await select(page.assignments[0].candidate_id);
}

async function main() {
  page.me = await requireMe("juror");
  if (!page.me) return;
  $("me-name").textContent = page.me.display_name || "";
  $("logout").addEventListener("click", logout);
  $("interview-open").addEventListener("click", () => interviewAction("open"));
  $("interview-close").addEventListener("click", () => interviewAction("close"));
  try {
    page.assignments = await api("GET", "/api/jury/assignments");
  } catch (err) {
    $("page-error").textContent = /** @type {Error} */ (err).message;
    return;
  }
  $("no-candidate").hidden = page.assignments.length > 0; // the socket still says if one comes
  const socket = new PlateauSocket();
  page.socket = socket;
  // The grid, the interview notes and both deliberation panels ask the page for their data.
  feedGridPanels(["grid", "interviews", "deliberation", "client-deliberation"].map($), socket);
  const ready = new Promise((resolve) => socket.addEventListener("snapshot", resolve, { once: true }));
  socket.on("snapshot", (msg) => {
    page.state = msg.state || {};
    applyTimeline();
    if (page.unheard && page.listening) {
      page.unheard = false;
      void syncAssignments();
    }
  });
  socket.on("connection", (msg) => {
    /** @type {import("./components/link-status.js").LinkStatus} */ ($("link")).connected = msg.connected;
    if (!msg.connected) page.unheard = true; // what changes now is read again at the next snapshot
  });
  socket.on("timeline", (msg) => {
    const exam = ((page.state ||= {}).exam ||= {});
    const candidates = (exam.candidates ||= {});
    (candidates[msg.candidate_id] ||= {}).timeline = msg.state;
    applyTimeline();
  });
  socket.addEventListener("access.changed", accessChanged);
  socket.connect();
  await ready;
  await syncAssignments(); // a seat given between the first read and the socket listening
  page.listening = true;
  document.body.dataset.listening = "true"; // changes are told from now on (or read again after a cut)
  if (page.current || !page.assignments.length) return;
  const wanted = decodeURIComponent(location.hash.slice(1)) || localStorage.getItem(STORAGE);
  const first = page.assignments.find((a) => a.candidate_id === wanted) || page.assignments[0];
  await select(first.candidate_id);
}

main();
