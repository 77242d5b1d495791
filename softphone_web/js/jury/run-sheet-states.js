// The client juror's run sheet: the state of each simulation (todo, current, done, skipped) and
// why one was not played. Pure (no DOM): tested by node in tests/js.
//   runSheetStates({ calls, messages, progress }) -> { statuses: { [simId]: state }, reasons: { [simId]: text } }
// The server's reading (GET …/simulations, `simulations.progress`: a call answered, a chat
// answered by the candidate, « Non jouée » with its reason once the calls phase is over) wins;
// between two readings the sheet follows the calls and the chat at once: a live call is
// « En cours », an ended one « Faite »; the chat is « En cours » once a message was exchanged,
// and a call live right now shows « En cours » even where the last reading says « À faire ».

/** @typedef {import("../types/events.js").ProgressOut} ProgressOut */
/** @typedef {"todo" | "current" | "done" | "skipped"} SheetState */

// A call on the line: ringing, in call or on hold.
export const LIVE_STATES = new Set(["sonnerie", "en_ligne", "en_attente"]);

/** @type {Record<string, SheetState>} */
const SERVER_STATES = { a_faire: "todo", en_cours: "current", jouee: "done", non_jouee: "skipped" };

/**
 * @param {{ simulations?: Array<{ id: string, state: string }> } | null | undefined} progress
 * @returns {Record<string, SheetState>}
 */
function serverStates(progress) {
  return Object.fromEntries(((progress && progress.simulations) || []).map((s) => [s.id, SERVER_STATES[s.state]]));
}

/**
 * @param {Array<{ simulation_id: string | null, state: string }>} calls
 * @param {Array<{ simulation_id?: string | null }>} messages
 * @returns {Record<string, SheetState>}
 */
function localStates(calls, messages) {
  /** @type {Record<string, SheetState>} */
  const out = {};
  for (const c of calls) {
    if (!c.simulation_id) continue;
    if (LIVE_STATES.has(c.state)) out[c.simulation_id] = "current";
    else if (out[c.simulation_id] !== "current" && c.state === "termine") out[c.simulation_id] = "done";
  }
  for (const m of messages) if (m.simulation_id && !out[m.simulation_id]) out[m.simulation_id] = "current";
  return out;
}

/**
 * @param {{
 *   calls: Array<{ simulation_id: string | null, state: string }>,
 *   messages: Array<{ simulation_id?: string | null }>,
 *   progress: { simulations?: Array<{ id: string, state: string, reason?: string | null, reason_label?: string | null, detail?: string | null }> } | null | undefined,
 * }} input
 * @returns {{ statuses: Record<string, SheetState>, reasons: Record<string, string> }}
 */
export function runSheetStates({ calls, messages, progress }) {
  const local = localStates(calls, messages);
  const server = serverStates(progress);
  const live = Object.entries(local).filter(([id, state]) => state === "current" && (server[id] || "todo") === "todo");
  const reasons = Object.fromEntries(
    ((progress && progress.simulations) || []).filter((s) => s.reason).map((s) => [s.id, `${s.reason_label} — ${s.detail}`]),
  );
  return { statuses: { ...local, ...server, ...Object.fromEntries(live) }, reasons };
}
