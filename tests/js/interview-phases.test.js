// The interviews' phases on the jury's side (jury/interview-phases.js): the page's buttons and
// each interview's state in French, from the candidate's timeline.
import assert from "node:assert/strict";
import { test } from "node:test";

import { interviewButtons, interviewState } from "../../softphone_web/js/jury/interview-phases.js";

const PHASES = [
  { phase: "entretien_technique", started_at: null, ended_at: null, planned_seconds: 1800, elapsed_seconds: 0 },
  { phase: "entretien_final", started_at: null, ended_at: null, planned_seconds: 1200, elapsed_seconds: 0 },
];

test("the open button while the interview awaits the jury, the close one while it runs", () => {
  const awaiting = interviewButtons({ phase: "entretien_technique", status: "awaiting", phases: PHASES });
  assert.deepEqual(awaiting, { open: { visible: true, label: "Ouvrir l'entretien technique" }, close: { visible: false, label: "" } });
  const running = interviewButtons({ phase: "entretien_final", status: "running", phases: PHASES });
  assert.deepEqual(running.close, { visible: true, label: "Clore l'entretien final" });
  assert.equal(running.open.visible, false);
  assert.equal(interviewButtons({ phase: "appels", status: "running", phases: PHASES }).open.visible, false);
  assert.equal(interviewButtons(null).close.visible, false);
});

test("each interview's state: none, to come, awaiting, open, paused, closed", () => {
  assert.deepEqual(interviewState(null, "entretien_final"), { state: "unknown", text: "" });
  assert.equal(interviewState({ phase: "appels", status: "running", phases: PHASES.slice(0, 1) }, "entretien_final").state, "none");
  assert.deepEqual(interviewState({ phase: "appels", status: "running", phases: PHASES }, "entretien_final"), { state: "upcoming", text: "À venir" });
  assert.equal(interviewState({ phase: "entretien_technique", status: "awaiting", phases: PHASES }, "entretien_technique").text, "En attente d'ouverture par le jury");
  const opened = [{ ...PHASES[0], started_at: "2026-06-01T10:00:00Z" }, PHASES[1]];
  assert.match(interviewState({ phase: "entretien_technique", status: "running", phases: opened }, "entretien_technique").text, /^En cours depuis .+ \(durée prévue 30 min\)$/);
  assert.equal(interviewState({ phase: "entretien_technique", status: "paused", phases: opened }, "entretien_technique").state, "paused");
  const closed = [{ ...opened[0], ended_at: "2026-06-01T10:31:00Z", elapsed_seconds: 1860 }, PHASES[1]];
  assert.match(interviewState({ phase: "entretien_final", status: "awaiting", phases: closed }, "entretien_technique").text, /^Clos à .+ \(31 min\)$/);
});
