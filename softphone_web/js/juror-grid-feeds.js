// The jury page's reads and writes of the evaluation for <evaluation-grid>, <interview-notes>
// and <deliberation-panel>: each panel asks by a CustomEvent (jury/panel-requests.js), this
// controller does the call and hands the answer (or the error, as thrown) back to the panel
// (answer / refuse). The requests name their candidate, so one feed serves a panel whoever it
// is bound to; the panel drops an answer that comes after it moved on. Installed before the
// panels are bound, for the page's life (or until `signal` aborts):
//   feedGridPanels([grid, notes, deliberation], socket);
// And the page's interview buttons: await interviewCommand(candidateId, "open" | "close").
import { api } from "./api.js";
import { candidatePath } from "./jury/review-common.js";
import { requestAgainWhenBack } from "./request-again.js";

/** @typedef {import("./jury/requesting-panel.js").RequestingPanel} RequestingPanel */
/** @typedef {import("./jury/panel-requests.js").PanelRequest} PanelRequest */
/** @typedef {import("./types/events.js").MarkOut} MarkOut */

/**
 * What each request does, by its event type: a promise of the answer.
 * @type {Record<string, (req: PanelRequest, socket: import("./socket.js").PlateauSocket) => Promise<any>>}
 */
export const CALLS = {
  // GET …/evaluation: the grid, its synthesis, the interview topics and notes, the deliberation's versions.
  "evaluation-wanted": (req) => api("GET", candidatePath(req.candidateId, "/evaluation")),
  // GET …/timeline: the candidate's timeline now (the snapshot's may be older).
  "timeline-wanted": (req) => api("GET", candidatePath(req.candidateId, "/timeline")),
  // A mark, with the version it was based on (the server refuses a stale one: « conflict »);
  // sent again when a cut lost its answer, until the server answers (request-again.js).
  "mark-save": (req, socket) =>
    requestAgainWhenBack(socket, {
      type: "evaluation.set_mark",
      candidate_id: req.candidateId,
      part: req.part,
      competence: req.competence,
      criterion: req.criterion,
      value: req.value,
      comment: req.comment,
      base_version: req.base_version,
    }),
  // PUT …/evaluation/interviews/{topic}: an interview's notes.
  "interview-save": (req) =>
    api("PUT", candidatePath(req.candidateId, `/evaluation/interviews/${encodeURIComponent(req.topic)}`), { text: req.text }),
  // The deliberation: its versions, the certification's facts, a save, a signature, the pieces.
  "deliberation-versions-wanted": (req) => api("GET", candidatePath(req.candidateId, "/evaluation/deliberation")),
  "certification-wanted": (req) => api("GET", candidatePath(req.candidateId, "/certification")),
  "decision-preview-wanted": (req) => api("GET", candidatePath(req.candidateId, "/certification/decision/preview")),
  "readiness-wanted": (req) => api("GET", candidatePath(req.candidateId, "/evaluation/deliberation/readiness")),
  "deliberation-save": (req) => api("PUT", candidatePath(req.candidateId, "/evaluation/deliberation"), req.body),
  "deliberation-sign": (req) => api("POST", candidatePath(req.candidateId, "/evaluation/deliberation/sign"), { base: req.base }),
  "evidence-save": (req) =>
    api("PUT", candidatePath(req.candidateId, "/certification/evidence"), { kinds: req.kinds, from_training: req.from_training, base: req.base }),
};

/**
 * Serves every request of CALLS that the panels ask.
 * @param {Array<RequestingPanel | HTMLElement | null>} panels
 * @param {import("./socket.js").PlateauSocket} socket
 * @param {AbortSignal} [signal]
 */
export function feedGridPanels(panels, socket, signal) {
  for (const panel of panels) {
    if (!panel) continue;
    const target = /** @type {RequestingPanel} */ (panel);
    for (const [type, call] of Object.entries(CALLS)) {
      target.addEventListener(
        type,
        (ev) => {
          const req = /** @type {CustomEvent<PanelRequest>} */ (ev).detail;
          ev.preventDefault();
          let out;
          try {
            out = call(req, socket);
          } catch (err) {
            out = Promise.reject(err);
          }
          out.then(
            (value) => target.answer(req.id, value),
            (err) => target.refuse(req.id, err),
          );
        },
        { signal },
      );
    }
  }
}

// Opens or closes the interview that is due; resolves to the new timeline state.
/**
 * @param {string} candidateId
 * @param {"open" | "close"} action
 * @returns {Promise<any>}
 */
export function interviewCommand(candidateId, action) {
  if (action !== "open" && action !== "close") throw new Error(`interviewCommand: ${action}`);
  return api("POST", candidatePath(candidateId, `/timeline/interview/${action}`));
}
