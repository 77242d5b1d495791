// The evaluation grid's view state (jury/grid-view-state.js): labels and counts of the parts,
// a competence's progress over every part, the latest activity, the keys, the warnings.
import assert from "node:assert/strict";
import { test } from "node:test";

import { markKey } from "../../softphone_web/js/jury/grid-marks.js";
import { badgeTitle, countFor, heardWarning, keyAction, latestActivity, partLabel, progressOf, refusalWarning } from "../../softphone_web/js/jury/grid-view-state.js";

const PARTS = [
  { part: "s01", label: "Accueil", kind: "appel", competences: [{ code: "CP1", name: "Accueillir", criteria: [{ index: 1, text: "a" }, { index: 2, text: "b" }] }] },
  { part: "ecrit", label: "Écrits", kind: "ecrit", competences: [{ code: "CP1", name: "Accueillir", criteria: [{ index: 1, text: "c" }] }, { code: "CP2", name: "Vendre", criteria: [{ index: 1, text: "d" }] }] },
];

test("the simulations are numbered in run order; the written part and the interviews are not", () => {
  assert.equal(partLabel(PARTS, "s01"), "1. Accueil");
  assert.equal(partLabel(PARTS, "ecrit"), "Écrits");
  assert.equal(partLabel(PARTS, "inconnue"), "inconnue");
});

test("counts and progress read the values shown", () => {
  const shown = new Map([[markKey("s01", "CP1", 1), "acquis"]]);
  const valueOf = (key) => shown.get(key) || null;
  assert.equal(countFor(PARTS[0], valueOf), "1/2");
  assert.equal(countFor(PARTS[1], valueOf), "0/2");
  const progress = progressOf(PARTS, "CP1", valueOf);
  assert.deepEqual({ ...progress, status: undefined }, { values: ["acquis"], unmarked: 1, total: 2, status: undefined });
  assert.equal(progress.status, "en_cours");
  assert.match(badgeTitle(progress), /^1 critère\(s\) noté\(s\) sur 2/);
  assert.equal(progressOf(PARTS, "CP2", valueOf).total, 0);
});

test("the latest activity: the call on the line first, then the most recent call or chat", () => {
  const calls = [
    { simulation_id: "s01", answered_at: "2026-06-01T10:00:00Z" },
    { simulation_id: "s02", rang_at: "2026-06-01T10:05:00Z" },
  ];
  const chats = new Map([["s03", Date.parse("2026-06-01T10:10:00Z")]]);
  assert.deepEqual(latestActivity(calls, chats, null), [null, "s03", "s02", "s01"]);
  assert.deepEqual(latestActivity(calls, chats, calls[0]).slice(0, 2), ["s01", "s03"]);
});

test("keys: A N O mark, the arrows move within the list, Entrée opens the comment", () => {
  assert.deepEqual(keyAction("a", 0, 3), { mark: "acquis" });
  assert.deepEqual(keyAction("o", 0, 3), { mark: "non_observe" });
  assert.deepEqual(keyAction("arrowdown", 2, 3), { focus: 2 });
  assert.deepEqual(keyAction("arrowup", 0, 3), { focus: 0 });
  assert.deepEqual(keyAction("end", 0, 3), { focus: 2 });
  assert.deepEqual(keyAction("enter", 1, 3), { comment: true });
  assert.equal(keyAction("x", 1, 3), null);
});

test("the other juror's mark warns only when it meets this juror's", () => {
  const where = "le critère 1 de CP1";
  const mine = { value: "acquis", by: "juror:j1" };
  assert.equal(heardWarning({ value: "acquis", by: "juror:j1" }, { actor: "juror:j1", current: null, pending: true, where }), null);
  assert.equal(heardWarning({ value: "non_acquis", by: "juror:j2" }, { actor: "juror:j1", current: mine, pending: true, where }), "L'autre juré note le critère 1 de CP1 en même temps que vous (« Non acquis »).");
  assert.equal(heardWarning({ value: "non_acquis", by: "juror:j2" }, { actor: "juror:j1", current: mine, pending: false, where }), "L'autre juré a changé le critère 1 de CP1 : « Acquis » → « Non acquis ».");
  assert.equal(heardWarning({ value: "acquis", by: "juror:j2" }, { actor: "juror:j1", current: mine, pending: false, where }), null);
  assert.equal(heardWarning({ value: "acquis", by: "juror:j2" }, { actor: null, current: mine, pending: true, where }), null);
});

test("a refused save: a conflict, or the criterion put back in French", () => {
  const conflict = Object.assign(new Error("Déjà noté."), { code: "conflict" });
  assert.deepEqual(refusalWarning(conflict, { criterion: "1", competence: "CP1", back: null }), { conflict: true, text: "Conflit : Déjà noté." });
  assert.deepEqual(refusalWarning(new Error("Valeur refusée."), { criterion: "2", competence: "CP1", back: "acquis" }), {
    conflict: false,
    text: "Note non enregistrée (Valeur refusée) : le critère 2 de CP1 revient à « Acquis ».",
  });
});
