// The jury page's reads of the server for <crm-feed>, <written-replies> and <documents-panel>,
// and the candidate's simulations (their titles) for every jury panel: the page controller
// (juror.js) fetches and hands each element what it read (a property); the elements fetch
// nothing, they ask again by an event. Each feed stops with its signal (the juror switching
// candidate), and a reading that arrives after it, or after a newer one was asked, is dropped.
//   ctx = withSimulations(ctx);              // ctx.simulations: read once for the binding
//   feedCrm(feed, ctx, signal);   feedWrittenReplies(replies, ctx, signal);
//   feedDocuments(docs, ctx, signal);
import { api } from "./api.js";
import { candidatePath, errorText } from "./jury/review-common.js";
import { latestReading } from "./latest-reading.js";

/** @typedef {import("./jury/observer-common.js").JuryContext} JuryContext */
/** @typedef {import("./jury/observer-common.js").JurySimulation} JurySimulation */

// The candidate's simulations (order, title, kind) from the run sheet; an empty map on error
// (the panels then show the simulations' ids).
/**
 * @param {string} candidateId
 * @returns {Promise<Map<string, JurySimulation>>}
 */
export function simulationTitles(candidateId) {
  return api("GET", candidatePath(candidateId, "/subject/jury")).then(
    (data) => new Map((data.simulations || []).map((/** @type {JurySimulation} */ s) => [s.id, s])),
    () => new Map(),
  );
}

// The context the panels are bound with, its simulations read once (ctx.simulations).
/**
 * @param {JuryContext} ctx
 * @returns {JuryContext}
 */
export function withSimulations(ctx) {
  return { ...ctx, simulations: simulationTitles(ctx.candidateId) };
}

// <crm-feed>: the records' names at once; in mode="log" the whole journal at once and each time
// the feed asks ("crm-journal-wanted"); a survey's questions when the feed meets an answer to it.
/**
 * @param {import("./jury/crm-feed.js").CrmFeed} feed
 * @param {JuryContext} ctx
 * @param {AbortSignal} signal
 */
export function feedCrm(feed, ctx, signal) {
  api("GET", candidatePath(ctx.candidateId, "/crm/records")).then(
    (records) => {
      if (!signal.aborted) feed.records = records;
    },
    () => {}, // the record ids are shown instead
  );
  const journal = latestReading(signal);
  const loadJournal = () =>
    journal(
      () => api("GET", candidatePath(ctx.candidateId, "/crm/changes")),
      (changes) => (feed.journal = changes),
      (err) => (feed.journalError = /** @type {Error} */ (err).message),
    );
  feed.addEventListener("crm-journal-wanted", loadJournal, { signal });
  if (feed.mode === "log") loadJournal();
  const asked = new Set();
  /** @param {string} simulationId */
  const survey = (simulationId) => {
    if (asked.has(simulationId)) return;
    asked.add(simulationId);
    api("GET", candidatePath(ctx.candidateId, `/crm/surveys/${encodeURIComponent(simulationId)}`)).then(
      (data) => {
        if (!signal.aborted) feed.addSurvey(simulationId, (data.survey || {}).questions || []);
      },
      () => {}, // the question id is shown instead
    );
  };
  feed.addEventListener("crm-survey-wanted", (ev) => survey(/** @type {CustomEvent} */ (ev).detail.simulationId), { signal });
  for (const simulationId of feed.surveysWanted) survey(simulationId);
}

// <written-replies>: the replies at once and each time the panel asks ("replies-wanted").
/**
 * @param {import("./jury/written-replies.js").WrittenReplies} replies
 * @param {JuryContext} ctx
 * @param {AbortSignal} signal
 */
export function feedWrittenReplies(replies, ctx, signal) {
  const latest = latestReading(signal);
  const load = () =>
    latest(
      () => api("GET", candidatePath(ctx.candidateId, "/writing/review")),
      (data) => (replies.review = data),
      (err) => (replies.error = errorText(err)),
    );
  replies.addEventListener("replies-wanted", load, { signal });
  load();
}

// <documents-panel>: the grid and the certification at once and each time the panel asks
// ("documents-wanted"). A refusal is part of the reading (no grid: 404), not an error.
/**
 * @param {import("./jury/documents-panel.js").DocumentsPanel} docs
 * @param {JuryContext} ctx
 * @param {AbortSignal} signal
 */
export function feedDocuments(docs, ctx, signal) {
  const latest = latestReading(signal);
  const load = () =>
    latest(
      async () => {
        const [grid, summary] = await Promise.all([
          api("GET", candidatePath(ctx.candidateId, "/evaluation")).then(
            (g) => ({ ok: true, deliberations: g.deliberations || [] }),
            (err) => ({ ok: false, status: err.status, error: errorText(err) }),
          ),
          api("GET", candidatePath(ctx.candidateId, "/certification")).catch((err) => ({ error: errorText(err) })),
        ]);
        return { grid, summary };
      },
      (reading) => (docs.documents = reading),
    );
  docs.addEventListener("documents-wanted", load, { signal });
  load();
}
