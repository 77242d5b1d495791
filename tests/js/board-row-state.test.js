// What a row of <candidate-board> says (components/board-row-state.js): its actions by state,
// the page's allowance and the limited phases; the reasons, the planned start, the link.
import assert from "node:assert/strict";
import { test } from "node:test";

import { accommodationText, actionsFor, durationText, incidentCount, linkText, plannedText, reasonText } from "../../softphone_web/js/components/board-row-state.js";

const ALL = new Set(["start", "plan", "accommodation", "pause", "resume", "extend", "endphase", "close"]);
const names = (state, allowed = ALL, limit = null) => actionsFor(state, allowed, limit).map(([name]) => name);

test("the actions follow the state, what the page allows and the limited phases", () => {
  assert.deepEqual(names({ status: "not_started", phase: null }), ["start", "plan", "accommodation"]);
  assert.deepEqual(names({ status: "running", phase: "appels", timed: true }), ["pause", "extend", "endphase", "close"]);
  assert.deepEqual(names({ status: "running", phase: "appels", timed: false }), ["pause", "extend", "close"]);
  assert.deepEqual(names({ status: "paused", phase: "redaction", timed: true }, new Set(["pause", "resume"])), ["resume"]);
  const proctor = new Set(["preparation", "redaction"]);
  assert.deepEqual(names({ status: "running", phase: "appels", timed: true }, ALL, proctor), ["pause"]);
  assert.deepEqual(names({ status: "running", phase: "redaction", timed: true }, ALL, proctor), ["pause", "extend", "endphase", "close"]);
  assert.deepEqual(names(null), []);
});

test("the reason: the pause's, or the closure's with its outcome", () => {
  assert.equal(reasonText({ status: "paused", pause_reason: "Coupure réseau" }), "Motif : Coupure réseau");
  assert.equal(reasonText({ status: "paused" }), "Motif : —");
  assert.equal(reasonText({ status: "closed", closure: { reason_label: "Abandon", comment: "malaise", outcome: "non évalué" } }), "Abandon : malaise — non évalué");
  assert.equal(reasonText({ status: "running" }), "");
});

test("the planned start before it, the extension while it runs", () => {
  assert.match(plannedText({ status: "not_started" }, "2026-06-01T08:30:00Z"), /^Départ prévu à \d\d:\d\d$/);
  assert.equal(plannedText({ status: "not_started" }, null), "");
  assert.equal(plannedText({ status: "running", extension_seconds: 600 }, "2026-06-01T08:30:00Z"), "Phase prolongée de 10 min");
  assert.equal(plannedText({ status: "paused", extension_seconds: 600 }, null), "");
});

test("the link, the incidents, durations and accommodations in French", () => {
  assert.equal(linkText(false, null), "Jamais connecté");
  assert.match(linkText(true, "2026-06-01T08:30:00Z"), /^Connecté depuis \d\d:\d\d$/);
  assert.match(linkText(false, "2026-06-01T08:30:00Z"), /^Déconnecté depuis /);
  assert.deepEqual([0, 1, 4].map(incidentCount), ["Aucun", "1 incident", "4 incidents"]);
  assert.deepEqual([45, 420, 3900].map(durationText), ["45 s", "7 min", "1 h 05"]);
  assert.equal(accommodationText({ extra_ratio: "1/3", extra_minutes: 10, note: "Tiers temps" }), "Tiers temps (+33 %, +10 min)");
  assert.equal(accommodationText({ extra_ratio: null, extra_minutes: 0 }), "");
});
