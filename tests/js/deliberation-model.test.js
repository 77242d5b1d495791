import assert from "node:assert/strict";
import { test } from "node:test";

import { body, ccpAid, ccpGroups, check, fingerprint, formFrom, formFromGrid, proposalLine, rebaseEvidence, sameForm, titleFor } from "../../softphone_web/js/jury/deliberation-model.js";

const GRID = [
  { code: "C1", ccp: "CCP1", status: "acquise" },
  { code: "C2", ccp: "CCP1", status: "non_evaluee" },
  { code: "C3", ccp: "CCP2", status: "non_acquise" },
];
const CCPS = ["CCP1", "CCP2"];

function complete() {
  return {
    competences: { C1: "acquise", C2: "non_acquise", C3: "non_acquise" },
    ccps: { CCP1: "obtenu", CCP2: "non_obtenu" },
    title: "ccp_seulement",
    justification: "Appels maîtrisés, vente à reprendre.",
    reasons: {},
  };
}

test("a complete, consistent proposal has nothing to fix", () => {
  assert.deepEqual(check(complete(), { competences: GRID, ccpCodes: CCPS, titleRequired: true }), []);
});

test("each missing part is named, in the server's French words", () => {
  const problems = check({ competences: { C1: "acquise" }, ccps: {}, title: null, justification: "  ", reasons: {} }, { competences: GRID, ccpCodes: CCPS, titleRequired: true });
  assert.deepEqual(
    problems.map((p) => p.field),
    ["competences", "ccps", "title", "justification"],
  );
  assert.match(problems[0].text, /compétences C2, C3/);
  assert.match(problems[1].text, /CCP1, CCP2/);
});

test("a competence proposed acquise without any mark needs a written reason", () => {
  const form = complete();
  form.competences.C2 = "acquise";
  const opts = { competences: GRID, ccpCodes: CCPS, titleRequired: true };
  assert.deepEqual(check(form, opts).map((p) => p.field), ["reasons"]);
  form.reasons.C2 = "   ";
  assert.deepEqual(check(form, opts).map((p) => p.field), ["reasons"]);
  form.reasons.C2 = "Observé pendant l'entretien.";
  assert.deepEqual(check(form, opts), []);
});

test("the title must agree with the CCPs", () => {
  const opts = { competences: GRID, ccpCodes: CCPS, titleRequired: true };
  const form = complete();
  form.title = "obtenu";
  assert.match(check(form, opts)[0].text, /sans tous les CCP obtenus/);
  form.title = "non_obtenu";
  assert.match(check(form, opts)[0].text, /contredit/);
  form.ccps = { CCP1: "non_obtenu", CCP2: "non_obtenu" };
  form.title = "ccp_seulement";
  assert.match(check(form, opts)[0].text, /au moins un CCP/);
});

test("titleFor follows the CCPs and waits until each is decided", () => {
  assert.equal(titleFor({ ccps: { CCP1: "obtenu" } }, CCPS), null);
  assert.equal(titleFor({ ccps: { CCP1: "obtenu", CCP2: "obtenu" } }, CCPS), "obtenu");
  assert.equal(titleFor({ ccps: { CCP1: "obtenu", CCP2: "non_obtenu" } }, CCPS), "ccp_seulement");
  assert.equal(titleFor({ ccps: { CCP1: "non_obtenu", CCP2: "non_obtenu" } }, CCPS), "non_obtenu");
});

test("the request body: CCPs as booleans, only the reasons that count", () => {
  const form = complete();
  form.reasons = { C1: "  vu en appel  ", C3: "ignored: not proposed acquise", C2: "" };
  assert.deepEqual(body(form), {
    competences: form.competences,
    ccps: { CCP1: true, CCP2: false },
    title: "ccp_seulement",
    justification: form.justification,
    reasons: { C1: "vu en appel" },
  });
});

test("a version round-trips through the form; fingerprints ignore key order", () => {
  const version = { version: 3, proposal: { competences: { C1: "acquise" }, ccps: { CCP2: false, CCP1: true }, title: "ccp_seulement", justification: "J", reasons: {} } };
  const form = formFrom(version);
  assert.deepEqual(form.ccps, { CCP1: "obtenu", CCP2: "non_obtenu" });
  const reordered = { version: 3, proposal: { title: "ccp_seulement", reasons: {}, justification: "J", ccps: { CCP1: true, CCP2: false }, competences: { C1: "acquise" } } };
  assert.equal(fingerprint(version), fingerprint(reordered));
  assert.notEqual(fingerprint(version), fingerprint({ ...version, version: 4 }));
  assert.equal(fingerprint(null), null);
  assert.equal(formFrom(null), null);
});

test("sameForm ignores blank space and reasons that do not count", () => {
  const a = complete();
  const b = { ...complete(), justification: `  ${a.justification} `, reasons: { C3: "not acquise: ignored" } };
  assert.ok(sameForm(a, b));
  assert.ok(!sameForm(a, { ...complete(), title: "obtenu" }));
});

test("the grid gives a first proposal, grouped by CCP with an aid", () => {
  assert.deepEqual(formFromGrid(GRID).competences, { C1: "acquise", C3: "non_acquise" });
  const groups = ccpGroups(GRID);
  assert.deepEqual(groups.map((g) => [g.code, g.competences.length]), [["CCP1", 2], ["CCP2", 1]]);
  assert.equal(ccpAid(groups[0]).text, "1/2 compétences acquises — 1 compétence(s) non évaluée(s) dans la grille");
  assert.equal(ccpAid(groups[1]).text, "0/1 compétences acquises — 1 compétence(s) non acquise(s) d'après la grille");
});

test("proposalLine says what a version proposes", () => {
  assert.equal(proposalLine({ proposal: { title: "obtenu", ccps: { CCP1: true, CCP2: false } } }), "Titre obtenu · CCP1 obtenu · CCP2 non obtenu");
  assert.equal(proposalLine(null), "");
});

test("a draft kept on this post: forgotten if saved, restored on its own version, else set aside", async () => {
  const { draftOnLoad } = await import("../../softphone_web/js/jury/deliberation-model.js");
  const saved = complete();
  const typed = { ...complete(), justification: "Saisie non enregistrée." };
  assert.equal(draftOnLoad(null, saved, "fp1"), "none");
  assert.equal(draftOnLoad({ baseFp: "fp1" }, saved, "fp1"), "none");
  // What was kept is what the server has (blanks aside): nothing to give back.
  assert.equal(draftOnLoad({ baseFp: "fp0", form: { ...complete(), justification: ` ${saved.justification} ` } }, saved, "fp1"), "forget");
  assert.equal(draftOnLoad({ baseFp: "fp1", form: typed }, saved, "fp1"), "restore");
  // Typed on a version the other juror has replaced since: set aside, never over theirs.
  assert.equal(draftOnLoad({ baseFp: "fp0", form: typed }, saved, "fp1"), "aside");
  assert.equal(draftOnLoad({ baseFp: null, form: typed }, saved, null), "restore");
});

test("unsaved pieces move onto the other juror's save: both changes shown, the new base theirs", () => {
  const pending = {
    kinds: ["dossier_professionnel", "presentation_projet"],
    training: "",
    base: { kinds: ["dossier_professionnel", "resultats_formation"], training: "" },
  }; // this juror ticked the project and unticked the training results
  const stored = { kinds: ["dossier_professionnel", "resultats_formation", "livret_certification"], training: "true" };
  const moved = rebaseEvidence(pending, stored);
  assert.deepEqual([...moved.kinds].sort(), ["dossier_professionnel", "livret_certification", "presentation_projet"]);
  assert.equal(moved.training, "true"); // not changed here: theirs
  assert.deepEqual(moved.base, stored);
  const mine = rebaseEvidence({ ...pending, training: "false" }, stored);
  assert.equal(mine.training, "false"); // changed here: kept
});

test("with nothing stored meanwhile, the unsaved pieces stay as they are", () => {
  const base = { kinds: ["dossier_professionnel"], training: "" };
  const pending = { kinds: [], training: "true", base };
  assert.deepEqual(rebaseEvidence(pending, base), { kinds: [], training: "true", base });
});
