// The panels' named delayed calls (jury/delayed-calls.js), with timers the test runs itself:
// the last call of a name wins, cancel() drops them all (and names them), a call dropped never
// runs even if its timer fires.
import assert from "node:assert/strict";
import { test } from "node:test";

import { DelayedCalls } from "../../softphone_web/js/jury/delayed-calls.js";

function heldTimers() {
  const due = new Map();
  let next = 0;
  return {
    due,
    setTimeout: (fn, ms) => {
      due.set(++next, { fn, ms });
      return next;
    },
    clearTimeout: (id) => due.delete(id),
    /** Runs every timer still set, even one cleared after it was taken (a late firing). */
    runAll(entries = [...due.values()]) {
      due.clear();
      for (const { fn } of entries) fn();
    },
  };
}

test("a burst of calls of one name runs once, the last one", () => {
  const timers = heldTimers();
  const delays = new DelayedCalls(timers);
  const ran = [];
  delays.later("facts", () => ran.push("first"), 200);
  delays.later("facts", () => ran.push("second"), 500);
  delays.later("grid", () => ran.push("grid"), 800);
  assert.equal(timers.due.size, 2);
  assert.equal(delays.waiting, true);
  timers.runAll();
  assert.deepEqual(ran.sort(), ["grid", "second"]);
  assert.equal(delays.waiting, false);
});

test("cancel() drops every waiting call and names them; nothing runs afterwards", () => {
  const timers = heldTimers();
  const delays = new DelayedCalls(timers);
  const ran = [];
  delays.later("grid", () => ran.push("grid"), 800);
  delays.later("facts", () => ran.push("facts"), 200);
  const taken = [...timers.due.values()]; // as a timer already due when cancel() comes
  assert.deepEqual(delays.cancel().sort(), ["facts", "grid"]);
  assert.equal(timers.due.size, 0);
  assert.equal(delays.waiting, false);
  timers.runAll(taken);
  assert.deepEqual(ran, []);
  assert.deepEqual(delays.cancel(), []);
});

test("by default it uses the global timers", async () => {
  const delays = new DelayedCalls();
  const ran = await new Promise((resolve) => delays.later("x", () => resolve(true), 0));
  assert.equal(ran, true);
});
