import assert from "node:assert/strict";
import { test } from "node:test";

import { countsText, reading, timeText } from "../../softphone_web/js/components/progress-text.js";

const NOW = Date.parse("2026-06-01T10:00:00Z");

function progress(extra = {}) {
  return {
    phase: "en_cours",
    paused: false,
    now: new Date(NOW).toISOString(),
    time_left_seconds: 1800,
    counts: { a_faire: 2, en_cours: 0, jouee: 3, non_jouee: 1 },
    simulations: [{}, {}, {}, {}, {}, {}],
    needed_seconds: 1200,
    card_seconds: 1200,
    wrap_up_minutes: 0,
    short: false,
    fits_until: new Date(NOW + 600_000).toISOString(),
    ...extra,
  };
}

test("the time left counts down from the server's reading, frozen while paused", () => {
  assert.equal(reading(progress(), NOW + 60_000).timeLeft, 1740);
  assert.equal(reading(progress({ paused: true }), NOW + 60_000).timeLeft, 1800);
  assert.equal(reading(null, NOW), null);
});

test("the shortage warning turns on by itself once fits_until is past", () => {
  assert.equal(reading(progress(), NOW + 599_000).short, false);
  const late = reading(progress(), NOW + 600_000);
  assert.equal(late.short, true);
  assert.match(late.warning, /^Temps insuffisant : il reste 20 min de phase d'appels, les 2 simulation\(s\) restante\(s\) en demandent 20 \(cartes 20 min\)\. Choisissez/);
});

test("the counts and the time, in French", () => {
  const p = progress();
  assert.equal(countsText(p), "6 simulations : 3 jouées · 2 à faire · 1 non jouée");
  assert.equal(timeText(p, reading(p, NOW)), "Temps restant 30 min · il faut 20 min");
  assert.equal(timeText({ ...p, phase: "terminee" }, reading(p, NOW)), "Phase d'appels terminée");
});
