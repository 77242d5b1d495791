// What the observer's components share: the page context's socket listeners, the candidate's
// calls from the snapshot, call state labels, the simulations' labels (their titles: the page
// reads them once per candidate, ctx.simulations) and the French formats of clock times and
// offsets in a recording.
//
//   const on = listen(ctx, signal);   on("call", (msg) => …);   // msg = ev.detail
//   simulationLabel(await ctx.simulations, "s03-…")   // « 3. Assistance fibre »
import { formatRemaining } from "../clock.js";
import { LIVE_STATES } from "./run-sheet-states.js";

export { LIVE_STATES };
/** @type {Record<string, string>} */
export const CALL_STATE_LABELS = {
  sonnerie: "Sonnerie…",
  en_ligne: "En ligne",
  en_attente: "En attente",
  termine: "Terminé",
  manque: "Manqué",
  refuse: "Refusé",
};
/** @type {Record<string, string>} */
export const DIRECTION_LABELS = { inbound: "Entrant", outbound: "Sortant" };
/** @type {Record<string, string>} */
export const DIRECTION_LONG = {
  inbound: "Appel entrant : le client appelle le candidat",
  outbound: "Appel sortant : le candidat appelle le client",
};

/** @typedef {import("../socket.js").SocketEvents} SocketEvents */
/**
 * A panel's socket listener: `fn` gets the server's event of that type, as its model types it.
 * @typedef {<K extends keyof SocketEvents>(type: K, fn: (msg: SocketEvents[K]) => void) => void} On
 */
/**
 * The jury page's context, the same for every component bound to the chosen candidate.
 * @typedef {object} JuryContext
 * @property {string} candidateId
 * @property {string} capacity client or observer.
 * @property {import("../socket.js").PlateauSocket} socket
 * @property {() => any} snapshot The latest state (the snapshot's, updated by the events).
 * @property {any} me Who the page is signed in as (GET /api/me).
 * @property {() => string} [micDevice] The microphone the mic check chose.
 * @property {string} [sessionId] The exam session, where a page other than the jury's binds a panel (documents).
 * @property {Promise<Map<string, JurySimulation>>} [simulations] The candidate's simulations from
 *   the run sheet (GET …/subject/jury, read by the page: juror-review-feeds.js), an empty map on
 *   error; absent, the panels show the simulations' ids.
 */
// ctx.socket listeners that an AbortController drops at once.
/**
 * @param {JuryContext} ctx
 * @param {AbortSignal} signal
 * @returns {On}
 */
export function listen(ctx, signal) {
  return (type, fn) => ctx.socket.on(type, fn, { signal });
}

/** @typedef {import("../types/events.js").CallOut} CallOut */
/**
 * A simulation as the jury's run sheet lists it (GET …/subject/jury).
 * @typedef {{ id: string, order: number, title: string, kind: string, [field: string]: any }} JurySimulation
 */
/**
 * The candidate's calls in the snapshot (`calls.by_candidate`).
 * @param {any} state
 * @param {string} candidateId
 * @returns {CallOut[]}
 */
export function callsIn(state, candidateId) {
  return [...((((state || {}).calls || {}).by_candidate || {})[candidateId] || [])];
}

/**
 * @param {any} state
 * @param {string} candidateId
 * @returns {any} the candidate's evaluation in the snapshot, or null
 */
export function evaluationIn(state, candidateId) {
  return (((state || {}).evaluation || {}).by_candidate || {})[candidateId] || null;
}

// The call on the line (ringing, in call or on hold), the latest first.
/**
 * @template {{ state: string }} C
 * @param {C[] | null | undefined} calls
 * @returns {C | null}
 */
export function liveCall(calls) {
  return [...(calls || [])].reverse().find((c) => LIVE_STATES.has(c.state)) || null;
}

// An ended call the candidate has not qualified yet (the wrap-up, « Clôture » on their phone).
/**
 * @template {{ state: string, needs_wrap_up: boolean, disposition: string | null }} C
 * @param {C[] | null | undefined} calls
 * @returns {C | null}
 */
export function wrapUpCall(calls) {
  return [...(calls || [])].reverse().find((c) => !LIVE_STATES.has(c.state) && c.needs_wrap_up && !c.disposition) || null;
}

// Upserts one call (a `call` event) into a list kept in ringing order.
/**
 * @template {{ id: string }} C
 * @param {C[]} calls
 * @param {C} call
 */
export function upsertCall(calls, call) {
  const i = calls.findIndex((c) => c.id === call.id);
  if (i < 0) calls.push(call);
  else calls[i] = call;
  return calls;
}

/**
 * @param {Map<string, JurySimulation> | null | undefined} sims
 * @param {string | null | undefined} id
 */
export function simulationLabel(sims, id) {
  if (!id) return "Simulation inconnue";
  const sim = sims && sims.get(id);
  return sim ? `${sim.order}. ${sim.title}` : id;
}

// « 14:03:27 », the browser's time zone.
/** @param {string | null | undefined} iso */
export function clockTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// A moment in a recording or a call: « 02:14 », « 1:02:14 ».
/** @param {number | null | undefined} ms */
export function formatOffset(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  return formatRemaining(Math.max(0, ms));
}

/** @param {number} s */
export function formatSeconds(s) {
  return formatOffset(Number.isFinite(s) ? s * 1000 : NaN);
}

/** @param {string | null | undefined} iso */
export function timeElement(iso) {
  const t = document.createElement("time");
  t.dateTime = iso || "";
  t.textContent = clockTime(iso);
  return t;
}
