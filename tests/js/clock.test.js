import assert from "node:assert/strict";
import { test } from "node:test";

import { clockRate, clockUncertaintyMs, formatRemaining, recordServerTime, recordTimeSample, serverNow, setClockRate } from "../../softphone_web/js/clock.js";

test("formatRemaining: mm:ss under an hour, h:mm:ss above, « + » once past", () => {
  assert.equal(formatRemaining(0), "00:00");
  assert.equal(formatRemaining(59_999), "00:59");
  assert.equal(formatRemaining(3_600_000), "1:00:00");
  assert.equal(formatRemaining(-61_000), "+01:01");
});

// The module keeps one anchor per page: the steps below run in order on it.
test("the server's clock: rough reading, then the shortest round trip wins, then the demo's rate", () => {
  const server = Date.parse("2026-06-01T09:00:00Z");
  const now = Date.now();
  recordServerTime(new Date(server).toISOString(), now);
  assert.ok(Math.abs(serverNow() - server) < 1000);
  assert.equal(clockUncertaintyMs(), null);
  // A sample with a 200 ms round trip: the server's instant sits at its middle.
  recordTimeSample(now - 200, new Date(server + 10_000).toISOString(), now);
  assert.ok(Math.abs(serverNow() - (server + 10_000 + 100)) < 1000);
  assert.equal(clockUncertaintyMs(), 100);
  // A much slower sample is ignored; the rough reading no longer applies.
  recordTimeSample(now - 5000, new Date(server + 999_000).toISOString(), now);
  recordServerTime(new Date(server + 999_000).toISOString(), now);
  assert.ok(Math.abs(serverNow() - (server + 10_100)) < 1000);
  // Under `plateau demo --speed 60` exam time runs 60 times faster, without a jump.
  const before = serverNow();
  setClockRate(60);
  assert.equal(clockRate(), 60);
  assert.ok(Math.abs(serverNow() - before) < 1000);
  setClockRate("nonsense");
  setClockRate(0);
  assert.equal(clockRate(), 60);
});
