// The jury page's reads of the server for its components: the page controller (juror.js)
// fetches and hands each element what it read (a property); the elements fetch nothing. Each
// feed stops with its signal (the juror switching candidate), and a reading that arrives after
// is dropped.
//   feedProgress(progressElement, ctx, signal);   feedRecordings(recordingsPanel, ctx, signal);
import { api } from "./api.js";
import { followProgress } from "./board-progress.js";

// <simulation-progress>: the candidate's progress, read at once, again a moment after each
// change of their calls, chat or timeline (and after a snapshot), given by `simulations.progress`.
/**
 * @param {import("./jury/simulation-progress.js").SimulationProgress} element
 * @param {import("./jury/observer-common.js").JuryContext} ctx
 * @param {AbortSignal} signal
 */
export function feedProgress(element, ctx, signal) {
  const follow = followProgress(
    ctx.socket,
    {
      has: (id) => id === ctx.candidateId,
      apply: (_id, progress) => (element.progress = progress),
      failed: (_id, err) => (element.error = err.message),
    },
    { signal },
  );
  ctx.socket.on("snapshot", () => follow.soon(ctx.candidateId), { signal });
  follow.load(ctx.candidateId);
}

// <recordings-panel>: the candidate's recordings each time the panel asks (`recordings-wanted`).
/**
 * @param {import("./jury/recordings-panel.js").RecordingsPanel} panel
 * @param {import("./jury/observer-common.js").JuryContext} ctx
 * @param {AbortSignal} signal
 */
export function feedRecordings(panel, ctx, signal) {
  const load = async () => {
    try {
      const list = await api("GET", `/api/candidates/${encodeURIComponent(ctx.candidateId)}/recordings`);
      if (!signal.aborted) panel.recordings = list;
    } catch (err) {
      if (!signal.aborted) panel.error = /** @type {Error} */ (err).message;
    }
  };
  panel.addEventListener("recordings-wanted", load, { signal });
  load();
}
