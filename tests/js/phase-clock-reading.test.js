import assert from "node:assert/strict";
import { test } from "node:test";

import { readClock } from "../../softphone_web/js/components/phase-clock-reading.js";

const T0 = Date.parse("2026-06-01T09:00:00Z");

test("no state: dashes", () => {
  const r = readClock(null, T0);
  assert.equal(r.label, "—");
  assert.equal(r.time, "—");
  assert.equal(r.seconds, null);
});

test("not started: the first phase and its planned length", () => {
  const r = readClock({ status: "not_started", phases: [{ label: "Préparation", planned_seconds: 1800 }] }, T0);
  assert.equal(r.label, "Pas commencée");
  assert.equal(r.note, "Préparation : 30:00");
});

test("a timed phase counts down to its deadline from the server instant", () => {
  const state = { status: "running", timed: true, phase_label: "Rédaction", deadline: new Date(T0 + 3_725_000).toISOString(), remaining_seconds: 9999 };
  const r = readClock(state, T0);
  assert.equal(r.time, "1:02:05");
  assert.equal(r.seconds, 3725);
  assert.equal(r.level, "");
  assert.equal(readClock(state, T0 + 3_725_000 - 300_000).level, "5");
  assert.equal(readClock(state, T0 + 3_725_000 - 30_000).level, "1");
  // Past the deadline it stays at zero, never negative.
  assert.equal(readClock(state, T0 + 4_000_000).time, "00:00");
});

test("paused: frozen at the remaining seconds the server gave, with the reason", () => {
  const state = { status: "paused", timed: true, phase_label: "Rédaction", deadline: new Date(T0 + 60_000).toISOString(), remaining_seconds: 500, pause_reason: "incident réseau" };
  const r = readClock(state, T0 + 10_000_000);
  assert.equal(r.time, "08:20");
  assert.equal(r.level, "10");
  assert.equal(r.note, "En pause : incident réseau");
});

test("an interview shows elapsed / planned and says when it runs over", () => {
  const state = { status: "running", timed: false, phase_label: "Entretien", elapsed_seconds: 100, now: new Date(T0).toISOString(), planned_seconds: 600, extension_seconds: 60 };
  const r = readClock(state, T0 + 20_000);
  assert.equal(r.time, "02:00 / 11:00");
  assert.equal(r.level, "");
  const over = readClock(state, T0 + 600_000);
  assert.equal(over.level, "over");
  assert.equal(over.note, "Dépassement : +00:40");
});
