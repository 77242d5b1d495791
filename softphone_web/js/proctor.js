// The proctor's console (/surveillance): every candidate of the session at a glance — phase,
// live countdown, pauses, connection, lockdown alerts as they arrive — with pause and resume.
// The WebSocket's snapshot holds the session's live picture (state.exam); events follow.
import { api, logout, requireMe } from "./api.js";
import { PlateauSocket } from "./socket.js";
import "./components/action-dialog.js";
import "./components/alert-feed.js";
import "./components/candidate-board.js";
import "./components/link-status.js";
import { boardData, runBoardAction, snapshotData, wireBoard } from "./board-live.js";
import { dayLabel } from "./components/format.js";

/** @typedef {import("./components/candidate-board.js").BoardActionDetail} BoardActionDetail */

// The page's own elements (proctor.html has every id asked here).
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = {
  board: /** @type {import("./components/candidate-board.js").CandidateBoard} */ ($("board")),
  feed: /** @type {import("./components/alert-feed.js").AlertFeed} */ ($("feed")),
  dialog: /** @type {import("./components/action-dialog.js").ActionDialog} */ ($("dialog")),
  link: /** @type {import("./components/link-status.js").LinkStatus} */ ($("link")),
  title: $("session-title"),
  sub: $("session-sub"),
  summary: $("summary"),
  error: $("page-error"),
};

// « 3 en cours · 1 en pause · 2 déconnectés » from the board's rows.
function summarise() {
  let running = 0;
  let paused = 0;
  let away = 0;
  for (const row of ui.board.rows.values()) {
    const status = row.timeline && row.timeline.status;
    if (status === "running") running++;
    if (status === "paused") paused++;
    if (!row.connected) away++;
  }
  const parts = [`${ui.board.rows.size} candidat${ui.board.rows.size > 1 ? "s" : ""}`];
  parts.push(`${running} en cours`, `${paused} en pause`, `${away} non connecté${away > 1 ? "s" : ""}`);
  ui.summary.textContent = parts.join(" · ");
}

/** @param {string | null} sessionId */
async function loadDetails(sessionId) {
  // The snapshot has the live picture; the overview adds the session's name, the candidates'
  // pathways and the planned starts.
  if (!sessionId) {
    ui.error.textContent = "Aucune session d'examen n'est rattachée à ce compte de surveillance.";
    return;
  }
  try {
    const overview = await api("GET", `/api/sessions/${encodeURIComponent(sessionId)}/overview`);
    const s = overview.detail.session;
    ui.title.textContent = `Surveillance — ${s.centre}`;
    ui.sub.textContent = `${dayLabel(s.day, { long: true })} — ${s.format_name}`;
    // « Prolonger » when the organiser allows it (the server checks it again on each request).
    const limit = s.proctor_extension_minutes;
    ui.board.setAttribute("actions", `pause resume ${limit ? "extend " : ""}endphase close`);
    if (limit) ui.board.setAttribute("extend-max", String(limit));
    else ui.board.removeAttribute("extend-max");
    ui.board.load(boardData(overview));
    summarise();
    ui.error.textContent = "";
  } catch (err) {
    ui.error.textContent = err instanceof Error ? err.message : String(err);
  }
}

const me = await requireMe("proctor");
if (me) {
  $("me-name").textContent = me.display_name;
  $("logout").addEventListener("click", logout);
  const socket = new PlateauSocket();
  let resyncAsked = 0;
  socket.on("connection", (msg) => (ui.link.connected = msg.connected));
  socket.on("snapshot", (msg) => {
    ui.board.load(snapshotData(msg.state.exam));
    summarise();
    loadDetails(me.exam_session_id);
  });
  wireBoard(socket, ui.board, ui.feed, {
    onUnknown: () => {
      // A candidate added since the snapshot: ask for a new one (at most every 5 s).
      if (Date.now() - resyncAsked > 5000) {
        resyncAsked = Date.now();
        socket.send({ type: "resync" });
      }
    },
  });
  for (const type of ["timeline", "presence", "incident"]) socket.addEventListener(type, summarise);
  // The organiser allowed (or withdrew) extensions by proctors: « Prolonger » follows at once.
  socket.addEventListener("session.proctor_extension", () => loadDetails(me.exam_session_id));
  ui.board.addEventListener("board-action", (ev) =>
    runBoardAction(/** @type {CustomEvent<BoardActionDetail>} */ (ev).detail, { board: ui.board, dialog: ui.dialog }).then(summarise),
  );
  socket.connect();
}
