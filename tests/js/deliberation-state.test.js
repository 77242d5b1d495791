// The deliberation panel's view state (jury/deliberation-state.js): who may edit, the status
// line, the buttons and the sign hint, an edit applied, and what a version heard calls for.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fingerprint } from "../../softphone_web/js/jury/deliberation-model.js";
import { applyPatch, buttonsOf, heardAction, versionLine, viewOf } from "../../softphone_web/js/jury/deliberation-state.js";

const PROPOSAL = { competences: { C1: "acquise" }, ccps: {}, title: null, justification: "Bien.", reasons: {} };
function version(over = {}) {
  return { version: 2, proposal: PROPOSAL, signatures: {}, locked: false, locked_at: null, created_at: "2026-06-01T10:00:00+00:00", voided: false, ...over };
}
function buttons(over = {}) {
  return buttonsOf({ juror: true, locked: false, readOnly: false, busy: false, dirty: false, editingNew: false, current: version(), readiness: null, myId: "j1", ...over });
}

test("an observer reads only; a locked version is read-only until a new one is started", () => {
  assert.deepEqual(viewOf({ juror: false, current: null, editingNew: false }), { locked: false, readOnly: true });
  assert.deepEqual(viewOf({ juror: true, current: version(), editingNew: false }), { locked: false, readOnly: false });
  assert.deepEqual(viewOf({ juror: true, current: version({ locked: true }), editingNew: false }), { locked: true, readOnly: true });
  assert.deepEqual(viewOf({ juror: true, current: version({ locked: true }), editingNew: true }), { locked: true, readOnly: false });
});

test("the status line says what is proposed and who signed", () => {
  assert.equal(versionLine(null, true), "Aucune proposition enregistrée : la proposition ci-dessous part de la grille.");
  assert.equal(versionLine(null, false), "Aucune proposition enregistrée.");
  assert.match(versionLine(version(), true), /^Version 2 du .+ : en attente des signatures\.$/);
  assert.match(versionLine(version({ signatures: { j1: "x" } }), true), /: une signature sur deux\.$/);
  assert.match(versionLine(version({ locked: true, locked_at: "2026-06-01T11:00:00+00:00" }), true), /signée par les deux jurés le .+ — décision prise\.$/);
});

test("the sign button waits for a saved version the rules can decide on", () => {
  assert.deepEqual(buttons(), { saveHidden: false, saveDisabled: false, cancelHidden: true, newHidden: true, signHidden: false, signDisabled: false, signHint: "" });
  const dirty = buttons({ dirty: true });
  assert.equal(dirty.cancelHidden, false);
  assert.equal(dirty.signDisabled, true);
  assert.equal(dirty.signHint, "Enregistrez d'abord vos modifications : on signe une version enregistrée.");
  const blocked = buttons({ readiness: { version: 2, can_sign: false } });
  assert.equal(blocked.signDisabled, true);
  assert.match(blocked.signHint, /^Signature impossible/);
  assert.equal(buttons({ readiness: { version: 1, can_sign: false } }).signDisabled, false, "another version's readiness");
  assert.equal(buttons({ busy: true }).saveDisabled, true);
});

test("no sign button for an observer, once signed, once locked; a locked version offers a new one", () => {
  assert.equal(buttons({ juror: false, readOnly: true }).signHidden, true);
  assert.equal(buttons({ current: version({ signatures: { j1: "x" } }) }).signHidden, true);
  const locked = buttons({ locked: true, readOnly: true, current: version({ locked: true }) });
  assert.equal(locked.signHidden, true);
  assert.equal(locked.signHint, "");
  assert.equal(locked.newHidden, false);
  assert.equal(locked.saveHidden, true);
  assert.equal(buttons({ current: null }).signHidden, true);
});

test("an edit changes the form it is given: one competence, one CCP, one reason or fields", () => {
  const form = { competences: {}, ccps: {}, title: null, justification: "", reasons: {} };
  assert.equal(applyPatch(form, { competence: ["C1", "acquise"] }), form);
  applyPatch(form, { ccp: ["CCP1", "obtenu"] });
  applyPatch(form, { reason: ["C1", "Vu en entretien."] });
  applyPatch(form, { title: "obtenu" });
  applyPatch(form, { justification: "Bien." });
  assert.deepEqual(form, { competences: { C1: "acquise" }, ccps: { CCP1: "obtenu" }, title: "obtenu", justification: "Bien.", reasons: { C1: "Vu en entretien." } });
});

test("a version heard: voided, later while busy, the other juror's change, our echo, a signature, the lock", () => {
  const held = version();
  const s = { busy: false, baseFp: fingerprint(held), versions: [held] };
  assert.equal(heardAction(version({ voided: true }), s), "voided");
  assert.equal(heardAction(version({ voided: true }), { ...s, busy: true }), "voided");
  assert.equal(heardAction(version(), { ...s, busy: true }), "later");
  assert.equal(heardAction(version({ proposal: { ...PROPOSAL, justification: "Autre." } }), s), "changed");
  assert.equal(heardAction(version(), s), "known");
  assert.equal(heardAction(version({ signatures: { j2: "x" } }), s), "signed");
  assert.equal(heardAction(version({ locked: true }), s), "locked");
});
