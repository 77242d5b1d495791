import assert from "node:assert/strict";
import { test } from "node:test";

import { sequenceStep } from "../../softphone_web/js/socket-sequence.js";

test("the next number is applied and becomes the last one seen", () => {
  assert.deepEqual(sequenceStep(4, { type: "timeline", seq: 5 }), { resync: false, seq: 5 });
});

test("a gap asks for a resync and keeps the last number seen", () => {
  assert.deepEqual(sequenceStep(4, { type: "timeline", seq: 6 }), { resync: true, seq: 4 });
});

test("a repeated or older number is not applied twice", () => {
  assert.deepEqual(sequenceStep(4, { type: "timeline", seq: 4 }), { resync: true, seq: 4 });
  assert.deepEqual(sequenceStep(4, { type: "timeline", seq: 2 }), { resync: true, seq: 4 });
});

test("a snapshot sets the sequence, whatever came before (after a resync or a reconnect)", () => {
  assert.deepEqual(sequenceStep(4, { type: "snapshot", seq: 17 }), { resync: false, seq: 17 });
  assert.deepEqual(sequenceStep(40, { type: "snapshot", seq: 3 }), { resync: false, seq: 3 });
});

test("an unnumbered message (acknowledgement, time) passes and leaves the sequence alone", () => {
  assert.deepEqual(sequenceStep(4, { type: "ack" }), { resync: false, seq: 4 });
});

test("a run of events after a snapshot, with one lost: resync at the first gap only", () => {
  let seq = 0;
  const resyncs = [];
  for (const msg of [{ type: "snapshot", seq: 10 }, { type: "a", seq: 11 }, { type: "b", seq: 13 }, { type: "snapshot", seq: 13 }, { type: "c", seq: 14 }]) {
    const step = sequenceStep(seq, msg);
    if (step.resync) resyncs.push(msg.type);
    seq = step.seq;
  }
  assert.deepEqual(resyncs, ["b"]);
  assert.equal(seq, 14);
});
