// What the jury's after-call components (<written-replies>, <interview-notes>,
// <deliberation-panel>, <documents-panel>) share: the candidate's parts of the snapshot, the
// French formats of the server's instants, and the candidate's URL prefix (socket listeners:
// jury-panel.js).
//
//   timelineOf(ctx.snapshot(), cid)          // exam.candidates[cid].timeline or null
//   hhmm("2026-06-01T12:03:00+00:00")        // « 14:03 » (the browser's time zone)
//   candidatePath(cid, "/evaluation")        // "/api/candidates/<cid>/evaluation"
import { ApiError } from "../api-error.js";
import { hhmm } from "./instants.js";

/**
 * @param {string} candidateId
 * @param {string} [rest]
 */
export function candidatePath(candidateId, rest = "") {
  return `/api/candidates/${encodeURIComponent(candidateId)}${rest}`;
}

export { evaluationIn as evaluationOf } from "./observer-common.js";

/**
 * @param {any} state
 * @param {string} candidateId
 */
export function timelineOf(state, candidateId) {
  return ((((state || {}).exam || {}).candidates || {})[candidateId] || {}).timeline || null;
}

export { dayAndTime, hhmm, hhmmss } from "./instants.js";

// A <time> element showing `text` (default « 14:03 ») for the instant `iso`.
/**
 * @param {string | null | undefined} iso
 * @param {string} [text]
 */
export function timeNode(iso, text) {
  const t = document.createElement("time");
  t.dateTime = iso || "";
  t.textContent = text ?? hhmm(iso);
  return t;
}

// The French message of a failed request: the server's (ApiError) or a network one.
/** @param {unknown} err */
export function errorText(err) {
  if (err instanceof ApiError) return err.message;
  return "Le serveur ne répond pas (connexion interrompue ?).";
}

// A refusal for good (4xx other than a timeout or a rate limit) vs. a failure worth retrying.
/** @param {unknown} err */
export function isFinal(err) {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 429].includes(err.status);
}

export { canonical } from "./canonical.js";

/** @param {string} key */
export function readLocal(key) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/**
 * @param {string} key
 * @param {unknown} value
 */
export function writeLocal(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* private mode or full: the server copy still counts */
  }
}
