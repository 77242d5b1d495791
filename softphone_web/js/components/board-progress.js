// The organiser's board and the candidates' simulations: each row gets the server's reading
// (GET /api/candidates/{id}/simulations) when the board loads and again, a moment after, each
// time a call, a chat message or the timeline of that candidate changes; the end of the calls
// phase sends it (`simulations.progress`, with the simulations recorded as not played).
//
//   const progress = wireProgress(socket, board);   progress.loadAll();   // after board.load()
import { api } from "../api.js";

/**
 * @param {import("../socket.js").PlateauSocket} socket
 * @param {any} board the <candidate-board>
 */
export function wireProgress(socket, board) {
  const timers = new Map();
  const load = async (id) => {
    try {
      const body = await api("GET", `/api/candidates/${encodeURIComponent(id)}/simulations`);
      board.applyProgress(id, body.progress);
    } catch {
      /* the next event or reload tries again */
    }
  };
  const soon = (id) => {
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => load(id), 300));
  };
  for (const type of /** @type {const} */ (["call", "chat.message", "timeline"])) {
    socket.on(type, (msg) => {
      const id = msg.candidate_id;
      if (id && board.has(id)) soon(id);
    });
  }
  socket.on("simulations.progress", (msg) => board.applyProgress(msg.candidate_id, msg.progress));
  return { loadAll: () => [...board.rows.keys()].forEach((id) => load(id)) };
}
