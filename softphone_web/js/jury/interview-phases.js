// The interviews' phases on the jury's side (no DOM: tested by node in tests/js): what each
// interview is at, in French, from the candidate's timeline, and the page's buttons to open or
// close the one due. <interview-notes> (interview-notes.js) shows the state; juror.js shows the
// buttons (the command itself is the controller's: interviewCommand in juror-grid-feeds.js).
//
//   interviewState(timeline, "entretien_technique")   // { state: "open", text: "En cours depuis 14:03 …" }
//   interviewButtons(timeline)   // { open: { visible, label }, close: { visible, label } }
import { hhmm } from "./instants.js";

export const FINAL_TOPIC = "final";
/**
 * The candidate's timeline as the server gives it (`timeline` events, the snapshot,
 * GET …/timeline): the phase now, its status, every phase's record, the server's `now`.
 * @typedef {import("../types/events.js").TimelineState} Timeline
 */

/** @type {Record<string, { title: string, object: string }>} */
export const INTERVIEW_PHASES = {
  entretien_technique: { title: "Entretien technique", object: "l'entretien technique" },
  entretien_final: { title: "Entretien final", object: "l'entretien final" },
};

// The page's interview buttons from the candidate's timeline (the snapshot's
// exam.candidates[cid].timeline, or a `timeline` event's state).
/**
 * @param {Timeline | null | undefined} timeline
 * @returns {{ open: { visible: boolean, label: string }, close: { visible: boolean, label: string } }}
 */
export function interviewButtons(timeline) {
  const hidden = { visible: false, label: "" };
  if (!timeline || !timeline.phase || !INTERVIEW_PHASES[timeline.phase]) return { open: hidden, close: hidden };
  const what = INTERVIEW_PHASES[timeline.phase].object;
  return {
    open: timeline.status === "awaiting" ? { visible: true, label: `Ouvrir ${what}` } : hidden,
    close: ["running", "paused"].includes(timeline.status || "") ? { visible: true, label: `Clore ${what}` } : hidden,
  };
}

// What one interview phase is at, in French, from the timeline.
/**
 * @param {Timeline | null | undefined} timeline
 * @param {string} kind entretien_technique or entretien_final
 * @returns {{ state: string, text: string, at?: string }}
 */
export function interviewState(timeline, kind) {
  if (!timeline) return { state: "unknown", text: "" };
  const rec = (timeline.phases || []).find((p) => p.phase === kind);
  if (!rec) return { state: "none", text: "Pas d'entretien de ce type dans ce format." };
  if (rec.ended_at) {
    const minutes = Math.round((rec.elapsed_seconds || 0) / 60);
    return { state: "closed", text: `Clos à ${hhmm(rec.ended_at)} (${minutes} min)`, at: rec.ended_at };
  }
  if (rec.started_at) {
    if (timeline.status === "paused") return { state: "paused", text: `En pause (ouvert à ${hhmm(rec.started_at)})`, at: rec.started_at };
    return { state: "open", text: `En cours depuis ${hhmm(rec.started_at)} (durée prévue ${Math.round(rec.planned_seconds / 60)} min)`, at: rec.started_at };
  }
  if (timeline.phase === kind && timeline.status === "awaiting") return { state: "awaiting", text: "En attente d'ouverture par le jury" };
  return { state: "upcoming", text: "À venir" };
}
