// What needs the candidate's subject waits for it (subject-gate.js): the CRM's records can be
// on screen before the subject answers (issue "typed contracts": the agreement form showed the
// default schedules, not the collection's).
import assert from "node:assert/strict";
import { test } from "node:test";

import { SubjectGate } from "../../softphone_web/js/subject-gate.js";

const SUBJECT = { catalogue: [{ ref: "JDL-P110" }] };

test("known: the action runs at once with the subject", async () => {
  const gate = new SubjectGate();
  gate.set(SUBJECT);
  const said = [];
  const got = await gate.when("order:R1", (s) => s.catalogue[0].ref, { onWait: () => said.push("wait") });
  assert.equal(got, "JDL-P110");
  assert.deepEqual(said, []);
});

test("not known yet: the action waits, says so, then runs with the subject that came", async () => {
  const gate = new SubjectGate();
  const said = [];
  const pending = gate.when("agreement:R1", (s) => {
    said.push("run");
    return s;
  }, { onWait: () => said.push("wait"), onReady: () => said.push("ready") });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(said, ["wait"]);
  gate.set(SUBJECT);
  assert.equal(await pending, SUBJECT);
  assert.deepEqual(said, ["wait", "ready", "run"]);
  assert.equal(await gate.known(), SUBJECT);
});

test("a second click of the same action while it waits is dropped, another action waits too", async () => {
  const gate = new SubjectGate();
  const runs = [];
  const first = gate.when("order:R1", () => runs.push("order R1"));
  const again = gate.when("order:R1", () => runs.push("order R1 again"));
  const other = gate.when("agreement:R2", () => runs.push("agreement R2"));
  assert.equal(await again, null);
  gate.set(SUBJECT);
  await Promise.all([first, other]);
  assert.deepEqual(runs, ["order R1", "agreement R2"]);
  // Once known, the same key runs again (a later click).
  await gate.when("order:R1", () => runs.push("order R1 later"));
  assert.equal(runs.at(-1), "order R1 later");
});
