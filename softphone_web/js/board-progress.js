// The simulations' progress of candidates, read by the page controllers and handed to the
// components that show it (the organiser's board, the jury's <simulation-progress>): the
// server's reading (GET /api/candidates/{id}/simulations) when asked and again, a moment after,
// each time a call, a chat message or the timeline of one of those candidates changes; the end
// of the calls phase sends it (`simulations.progress`, with the simulations recorded as not
// played).
//
//   const follow = followProgress(socket, { has, apply, failed }, { signal });   follow.load(id);
//   const progress = wireProgress(socket, board);   progress.loadAll();   // after board.load()
import { api } from "./api.js";

/** @typedef {import("./types/events.js").ProgressOut} ProgressOut */

/**
 * Whose progress is followed, and where it goes.
 * @typedef {object} ProgressTarget
 * @property {(candidateId: string) => boolean} has Whether this candidate's progress is followed.
 * @property {(candidateId: string, progress: ProgressOut | null) => void} apply The server's reading.
 * @property {(candidateId: string, err: Error) => void} [failed] The reading failed (the next event or reload tries again).
 */
export const PROGRESS_DELAY_MS = 300;

/**
 * @param {import("./socket.js").PlateauSocket} socket
 * @param {ProgressTarget} target
 * @param {{ signal?: AbortSignal }} [options] the followers stop with it (and a reading that arrives later is dropped)
 * @returns {{ load: (candidateId: string) => Promise<void>, soon: (candidateId: string) => void }}
 */
export function followProgress(socket, target, { signal } = {}) {
  /** @type {Map<string, number>} */
  const timers = new Map();
  /** @param {string} id */
  const load = async (id) => {
    try {
      const body = await api("GET", `/api/candidates/${encodeURIComponent(id)}/simulations`);
      if (!signal?.aborted) target.apply(id, body.progress);
    } catch (err) {
      if (!signal?.aborted) target.failed?.(id, /** @type {Error} */ (err));
    }
  };
  /** @param {string} id */
  const soon = (id) => {
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => load(id), PROGRESS_DELAY_MS),
    );
  };
  signal?.addEventListener("abort", () => timers.forEach((t) => clearTimeout(t)));
  for (const type of /** @type {const} */ (["call", "chat.message", "timeline"])) {
    socket.on(
      type,
      (msg) => {
        if (msg.candidate_id && target.has(msg.candidate_id)) soon(msg.candidate_id);
      },
      { signal },
    );
  }
  socket.on(
    "simulations.progress",
    (msg) => {
      if (target.has(msg.candidate_id)) target.apply(msg.candidate_id, msg.progress);
    },
    { signal },
  );
  return { load, soon };
}

/**
 * The organiser's board: each row gets its candidate's progress.
 * @param {import("./socket.js").PlateauSocket} socket
 * @param {import("./components/candidate-board.js").CandidateBoard} board
 */
export function wireProgress(socket, board) {
  const follow = followProgress(socket, {
    has: (id) => board.has(id),
    apply: (id, progress) => board.applyProgress(id, progress),
  });
  return { loadAll: () => [...board.rows.keys()].forEach((id) => follow.load(id)) };
}
