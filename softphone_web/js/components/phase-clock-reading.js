// What a <phase-clock> shows (pure: no DOM, no time source), from a TimelineState sent by the
// server and the server instant `nowMs`; tested by tests/js/phase-clock-reading.test.js.
import { formatRemaining } from "../clock.js";

/** @type {[number, string][]} */
const LEVELS = [
  [60, "1"],
  [300, "5"],
  [600, "10"],
];

// What a clock shows for `state` at the server instant `nowMs` (pure: no DOM, no time source).
/**
 * @typedef {import("../types/http.js").TimelineState} TimelineState the server's (GET
 *   /api/candidates/{id}/timeline, and the `timeline` event's state)
 * @typedef {{ label: string, time: string, note: string, level: string, status: string, seconds: number | null, title: string }} ClockReading
 */

/**
 * @param {TimelineState | null | undefined} state
 * @param {number} nowMs
 * @returns {ClockReading}
 */
export function readClock(state, nowMs) {
  /** @type {ClockReading} */
  const out = { label: "—", time: "—", note: "", level: "", status: "", seconds: null, title: "" };
  if (!state) return out;
  out.status = state.status;
  switch (state.status) {
    case "not_started": {
      const first = state.phases && state.phases[0];
      out.label = state.status_label || "Pas commencée";
      out.note = first ? `${first.label} : ${formatRemaining(first.planned_seconds * 1000)}` : "";
      return out;
    }
    case "finished":
      out.label = state.status_label || "Terminée";
      return out;
    case "awaiting":
      out.label = state.phase_label || "—";
      out.note = state.status_label || "En attente du jury";
      return out;
    default:
      break;
  }
  out.label = state.phase_label || "—";
  const paused = state.status === "paused";
  if (paused) out.note = `En pause : ${state.pause_reason || "motif non précisé"}`;
  if (state.timed) {
    let seconds = state.remaining_seconds ?? 0;
    if (!paused && state.deadline) {
      seconds = Math.max(0, (Date.parse(state.deadline) - nowMs) / 1000);
    }
    out.seconds = seconds;
    out.time = formatRemaining(Math.ceil(seconds) * 1000);
    out.title = "Temps restant";
    const hit = LEVELS.find(([limit]) => seconds <= limit);
    out.level = hit ? hit[1] : "";
    return out;
  }
  // An interview: the jury opens and closes it; show the elapsed time against the plan.
  let elapsed = state.elapsed_seconds ?? 0;
  if (!paused && state.now) elapsed += Math.max(0, (nowMs - Date.parse(state.now)) / 1000);
  const planned = (state.planned_seconds ?? 0) + (state.extension_seconds ?? 0);
  out.seconds = elapsed;
  out.time = `${formatRemaining(Math.floor(elapsed) * 1000)} / ${formatRemaining(planned * 1000)}`;
  out.title = "Temps écoulé / durée prévue";
  if (elapsed > planned) {
    out.level = "over";
    const over = `Dépassement : +${formatRemaining((elapsed - planned) * 1000)}`;
    out.note = out.note ? `${out.note} — ${over}` : over;
  }
  return out;
}
