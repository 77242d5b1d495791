import assert from "node:assert/strict";
import { test } from "node:test";

import { runSheetStates } from "../../softphone_web/js/jury/run-sheet-states.js";

/** @param {string} id @param {string} state @param {object} [extra] */
const sim = (id, state, extra = {}) => ({ id, state, ...extra });

test("without the server's reading, the calls and the chat say what is going on", () => {
  const calls = [
    { simulation_id: "s1", state: "termine" },
    { simulation_id: "s2", state: "en_ligne" },
    { simulation_id: null, state: "termine" },
  ];
  const messages = [{ simulation_id: "s3" }, { simulation_id: "s2" }];
  assert.deepEqual(runSheetStates({ calls, messages, progress: null }), {
    statuses: { s1: "done", s2: "current", s3: "current" },
    reasons: {},
  });
});

test("a call that ended after one still live leaves the simulation current", () => {
  const calls = [
    { simulation_id: "s1", state: "en_attente" },
    { simulation_id: "s1", state: "termine" },
  ];
  assert.deepEqual(runSheetStates({ calls, messages: [], progress: null }).statuses, { s1: "current" });
});

test("the server's reading wins, except a call live right now on a simulation it says is to do", () => {
  const progress = {
    simulations: [
      sim("s1", "jouee"),
      sim("s2", "a_faire"),
      sim("s3", "non_jouee", { reason: "temps", reason_label: "Temps écoulé", detail: "fin de la phase" }),
      sim("s4", "en_cours"),
    ],
  };
  const calls = [
    { simulation_id: "s1", state: "en_ligne" },
    { simulation_id: "s2", state: "sonnerie" },
    { simulation_id: "s4", state: "termine" },
  ];
  assert.deepEqual(runSheetStates({ calls, messages: [], progress }), {
    statuses: { s1: "done", s2: "current", s3: "skipped", s4: "current" },
    reasons: { s3: "Temps écoulé — fin de la phase" },
  });
});
