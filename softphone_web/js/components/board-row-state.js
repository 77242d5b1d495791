// What one row of <candidate-board> says (no DOM: tested by node in tests/js): the actions its
// state allows, the pause's or the closure's reason, the planned start or the extension, the
// connection, the incidents' count, an accommodation and a duration in French.
// candidate-board.js draws the row from these.
//
//   actionsFor(state, new Set(["pause", "resume"]), null)   // [["pause", { label: "Pause", … }]]
import { clockTime } from "./format.js";

/** @typedef {import("../types/events.js").TimelineChanged["state"]} TimelineState the candidate's timeline (untyped JSON) */
/** @typedef {{ label: string, when: string[], primary?: boolean, limited?: boolean, timed?: boolean, danger?: boolean }} ActionSpec */

/** @type {Record<string, ActionSpec>} */
export const ACTIONS = {
  start: { label: "Démarrer", when: ["not_started"], primary: true },
  plan: { label: "Planifier", when: ["not_started"] },
  accommodation: { label: "Aménagement", when: ["not_started"] },
  pause: { label: "Pause", when: ["running"] },
  resume: { label: "Reprendre", when: ["paused"], primary: true },
  extend: { label: "Prolonger", when: ["running", "paused"], limited: true },
  endphase: { label: "Terminer la phase", when: ["running", "paused"], timed: true, limited: true },
  close: { label: "Clore l'épreuve", when: ["running", "paused", "awaiting"], limited: true, danger: true },
};
export const SHOWN_INCIDENTS = 3;

// « 7 min », « 1 h 05 », « 45 s »: a duration, never a time of day.
/** @param {number | null | undefined} seconds */
export function durationText(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")}`;
}

/** @param {{ extra_ratio?: string | null, extra_minutes: number, note?: string | null } | null | undefined} acc */
export function accommodationText(acc) {
  if (!acc) return "";
  const [num, den] = String(acc.extra_ratio || "0").split("/").map(Number);
  const ratio = den ? num / den : num;
  const parts = [];
  if (ratio > 0) parts.push(`+${Math.round(ratio * 100)} %`);
  if (acc.extra_minutes > 0) parts.push(`+${acc.extra_minutes} min`);
  if (!parts.length) return "";
  return acc.note ? `${acc.note} (${parts.join(", ")})` : parts.join(", ");
}

/**
 * The actions of a row, as the page allows them and the state permits.
 * @param {TimelineState | null | undefined} state
 * @param {Set<string>} allowed the board's `actions`
 * @param {Set<string> | null} limit the board's `limit-phases` (null: none)
 * @returns {Array<[string, ActionSpec]>}
 */
export function actionsFor(state, allowed, limit) {
  const status = state ? state.status : "";
  const phase = state ? state.phase : null;
  return Object.entries(ACTIONS).filter(
    ([name, a]) =>
      allowed.has(name) &&
      a.when.includes(status) &&
      (!a.timed || (state && state.timed)) &&
      (!a.limited || !limit || (phase !== null && limit.has(phase))),
  );
}

/**
 * The reason under the status: the pause's, or the closure's with its outcome ("" otherwise).
 * @param {TimelineState | null | undefined} state
 * @returns {string}
 */
export function reasonText(state) {
  const closure = state && state.closure;
  if (state && state.status === "paused") return `Motif : ${state.pause_reason || "—"}`;
  if (closure) return `${closure.reason_label}${closure.comment ? ` : ${closure.comment}` : ""} — ${closure.outcome}`;
  return "";
}

/**
 * The planned start before it, the phase's extension while it runs ("" otherwise).
 * @param {TimelineState | null | undefined} state
 * @param {string | null | undefined} planned ISO 8601
 * @returns {string}
 */
export function plannedText(state, planned) {
  const status = state ? state.status : "";
  let text = status === "not_started" && planned ? `Départ prévu à ${clockTime(planned)}` : "";
  const extension = state?.extension_seconds ?? 0;
  if (status === "running" && extension > 0) text = `Phase prolongée de ${durationText(extension)}`;
  return text;
}

/**
 * @param {boolean | undefined} connected
 * @param {string | null | undefined} since ISO 8601
 * @returns {string}
 */
export function linkText(connected, since) {
  if (connected) return `Connecté depuis ${clockTime(since)}`;
  return since ? `Déconnecté depuis ${clockTime(since)}` : "Jamais connecté";
}

/** @param {number} n */
export function incidentCount(n) {
  return n === 0 ? "Aucun" : n === 1 ? "1 incident" : `${n} incidents`;
}
