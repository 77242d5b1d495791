// What the observer's components share: the page context's socket listeners, the candidate's
// calls from the snapshot, call state labels, the simulations' titles (read once per candidate)
// and the French formats of clock times and offsets in a recording.
//
//   const on = listen(ctx, signal);   on("call", (msg) => …);   // msg = ev.detail
//   const sims = await simulationTitles(cid);   sims.get("s03-…") → { title, kind, order, … }
import { api } from "../api.js";
import { formatRemaining } from "../clock.js";
import { LIVE_STATES } from "./run-sheet-states.js";

export { LIVE_STATES };
export const CALL_STATE_LABELS = {
  sonnerie: "Sonnerie…",
  en_ligne: "En ligne",
  en_attente: "En attente",
  termine: "Terminé",
  manque: "Manqué",
  refuse: "Refusé",
};
export const DIRECTION_LABELS = { inbound: "Entrant", outbound: "Sortant" };
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
 * @property {() => string} micDevice The microphone the mic check chose.
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

export function callsIn(state, candidateId) {
  return [...((((state || {}).calls || {}).by_candidate || {})[candidateId] || [])];
}

export function evaluationIn(state, candidateId) {
  return (((state || {}).evaluation || {}).by_candidate || {})[candidateId] || null;
}

// The call on the line (ringing, in call or on hold), the latest first.
export function liveCall(calls) {
  return [...(calls || [])].reverse().find((c) => LIVE_STATES.has(c.state)) || null;
}

// An ended call the candidate has not qualified yet (the wrap-up, « Clôture » on their phone).
export function wrapUpCall(calls) {
  return [...(calls || [])].reverse().find((c) => !LIVE_STATES.has(c.state) && c.needs_wrap_up && !c.disposition) || null;
}

// Upserts one call (a `call` event) into a list kept in ringing order.
export function upsertCall(calls, call) {
  const i = calls.findIndex((c) => c.id === call.id);
  if (i < 0) calls.push(call);
  else calls[i] = call;
  return calls;
}

const titles = new Map(); // candidate id -> Promise<Map<simulation id, simulation>>

// The candidate's simulations (order, title, kind) from the run sheet; an empty map on error.
export function simulationTitles(candidateId) {
  if (!titles.has(candidateId)) {
    const p = api("GET", `/api/candidates/${encodeURIComponent(candidateId)}/subject/jury`)
      .then((data) => new Map((data.simulations || []).map((s) => [s.id, s])))
      .catch(() => {
        titles.delete(candidateId);
        return new Map();
      });
    titles.set(candidateId, p);
  }
  return titles.get(candidateId);
}

export function simulationLabel(sims, id) {
  if (!id) return "Simulation inconnue";
  const sim = sims && sims.get(id);
  return sim ? `${sim.order}. ${sim.title}` : id;
}

// « 14:03:27 », the browser's time zone.
export function clockTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// A moment in a recording or a call: « 02:14 », « 1:02:14 ».
export function formatOffset(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  return formatRemaining(Math.max(0, ms));
}

export function formatSeconds(s) {
  return formatOffset(Number.isFinite(s) ? s * 1000 : NaN);
}

export function timeElement(iso) {
  const t = document.createElement("time");
  t.dateTime = iso || "";
  t.textContent = clockTime(iso);
  return t;
}
