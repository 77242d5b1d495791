// The deliberation's rules on the page side (no DOM): the French labels of the server's codes,
// a version's fingerprint (to tell the other juror's change from ours), the proposal form built
// from a version or from the grid, and the checks the server makes (server/evaluation/
// deliberation.py validate_proposal), run before sending so the juror sees them at once — the
// server still decides, and its message is shown when it refuses.
//
//   const fp = fingerprint(version);                 // null when there is no version
//   const form = formFrom(version) || formFromGrid(grid);
//   const problems = check(form, { competences, ccps, titleRequired });   // [] when sendable
import { canonical } from "./canonical.js";

/**
 * @typedef {Record<string, string>} Labels
 * @typedef {object} Proposal what a deliberation version proposes (the server's fields)
 * @property {Record<string, string>} [competences] code → "acquise" | "non_acquise"
 * @property {Record<string, boolean | string>} [ccps] code → granted (true / "obtenu")
 * @property {string | null} [title]
 * @property {string} [justification]
 * @property {Record<string, string>} [reasons]
 * @typedef {{ version: number, proposal?: Proposal }} Version
 * @typedef {object} Form the proposal form on the page
 * @property {Record<string, string>} competences
 * @property {Record<string, string>} ccps code → "obtenu" | "non_obtenu"
 * @property {string | null} title
 * @property {string} justification
 * @property {Record<string, string>} reasons
 * @typedef {{ code: string, ccp?: string, status?: string }} GridCompetence
 * @typedef {{ code: string | undefined, competences: GridCompetence[] }} CcpGroup
 * @typedef {{ field: string, text: string }} Problem
 */

/** @type {Labels} */
export const COMPETENCE_OUTCOMES = { acquise: "Acquise", non_acquise: "Non acquise" };
/** @type {Labels} */
export const GRID_STATUS = { acquise: "Acquise", non_acquise: "Non acquise", non_evaluee: "Non évaluée" };
/** @type {Labels} */
export const CCP_OUTCOMES = { obtenu: "Obtenu", non_obtenu: "Non obtenu" };
/** @type {Labels} */
export const TITLE_OUTCOMES = { obtenu: "Titre obtenu", ccp_seulement: "CCP seulement", non_obtenu: "Non obtenu" };
export const OUTCOME_LABELS = { titre: "Titre obtenu", reussite_partielle: "Réussite partielle", aucun: "Non obtenu", ccs: "CCS obtenu" };
export const DOCUMENT_LABELS = { parchemin: "Parchemin", livret_certification: "Livret de certification", aucun: "Aucun document" };
export const PATHWAY_LABELS = {
  formation_continue: "Formation continue",
  vae: "VAE",
  capitalisation: "Capitalisation de CCP",
  ccs: "Certificat complémentaire de spécialisation",
};
export const SESSION_KINDS = { titre: "session titre", ccp: "session CCP", ccs: "session CCS" };
// server/core/referential.py EVIDENCE_LABELS
export const EVIDENCE_LABELS = {
  mise_en_situation: "Mise en situation professionnelle",
  presentation_projet: "Présentation d'un projet réalisé en amont de la session",
  entretien_technique: "Entretien technique",
  questionnaire_professionnel: "Questionnaire professionnel",
  questionnement_productions: "Questionnement à partir de production(s)",
  resultats_formation: "Résultats des évaluations passées en cours de formation",
  dossier_professionnel: "Dossier professionnel",
  entretien_final: "Entretien final avec le jury",
  livret_certification: "Livret de certification",
};
export const CAPACITY_LABELS = { client: "Juré « client »", observer: "Juré observateur" };

// What a version proposes, independent of its signatures: equal fingerprints, same proposal.
/**
 * @param {Version | null | undefined} version
 * @returns {string | null}
 */
export function fingerprint(version) {
  if (!version) return null;
  return `${version.version}|${canonical(version.proposal || {})}`;
}

/** @returns {Form} */
export function emptyForm() {
  return { competences: {}, ccps: {}, title: null, justification: "", reasons: {} };
}

// The form holding a version's proposal (CCPs as "obtenu" / "non_obtenu").
/**
 * @param {Version | null | undefined} version
 * @returns {Form | null}
 */
export function formFrom(version) {
  if (!version) return null;
  const p = version.proposal || {};
  /** @type {Record<string, string>} */
  const ccps = {};
  for (const [code, ok] of Object.entries(p.ccps || {})) ccps[code] = ok === true || ok === "obtenu" ? "obtenu" : "non_obtenu";
  return { competences: { ...(p.competences || {}) }, ccps, title: p.title ?? null, justification: p.justification || "", reasons: { ...(p.reasons || {}) } };
}

// A first proposal from the grid: each competence as the marks say when they say something.
/**
 * @param {GridCompetence[] | null | undefined} competences
 * @returns {Form}
 */
export function formFromGrid(competences) {
  const form = emptyForm();
  for (const c of competences || []) {
    if (c.status === "acquise" || c.status === "non_acquise") form.competences[c.code] = c.status;
  }
  return form;
}

/**
 * @param {Partial<Form> | null | undefined} a
 * @param {Partial<Form> | null | undefined} b
 * @returns {boolean}
 */
export function sameForm(a, b) {
  return canonical(normalise(a)) === canonical(normalise(b));
}

// This juror's unsaved entry kept on this post ({ baseFp, form }, see <deliberation-panel>),
// when the saved version `saved` (fingerprint `baseFp`) loads: "forget" it (it is what the server
// has), "restore" it in the form (typed on that same version), set it "aside" beside the form
// (typed on a version the other juror has replaced since), or "none" (nothing kept).
/**
 * @param {{ baseFp?: string | null, form?: Partial<Form> | null } | null | undefined} local
 * @param {Form} saved
 * @param {string | null} baseFp
 * @returns {"none" | "forget" | "restore" | "aside"}
 */
export function draftOnLoad(local, saved, baseFp) {
  if (!local || !local.form) return "none";
  if (sameForm(local.form, saved)) return "forget";
  return local.baseFp === baseFp ? "restore" : "aside";
}

/** @param {Partial<Form> | null | undefined} form */
function normalise(form) {
  const f = form || emptyForm();
  return { competences: f.competences || {}, ccps: f.ccps || {}, title: f.title ?? null, justification: (f.justification || "").trim(), reasons: kept(f) };
}

// The reasons that count: a competence proposed « acquise », a reason not blank (the server's rule).
/**
 * @param {Partial<Form>} form
 * @returns {Record<string, string>}
 */
function kept(form) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [code, text] of Object.entries(form.reasons || {})) {
    if ((text || "").trim() && (form.competences || {})[code] === "acquise") out[code] = text.trim();
  }
  return out;
}

// A competence proposed « acquise » though the grid has no criterion of it observed needs the
// jury's written reason.
/**
 * @param {Form} form
 * @param {GridCompetence} competence
 * @returns {boolean}
 */
export function needsReason(form, competence) {
  return form.competences[competence.code] === "acquise" && competence.status === "non_evaluee";
}

// The request body of PUT …/deliberation.
/** @param {Form} form */
export function body(form) {
  return {
    competences: { ...form.competences },
    ccps: Object.fromEntries(Object.entries(form.ccps).map(([c, v]) => [c, v === "obtenu"])),
    title: form.title || null,
    justification: form.justification,
    reasons: kept(form),
  };
}

// The CCPs of the format, in the grid's order, each with its competences.
/**
 * @param {GridCompetence[] | null | undefined} competences
 * @returns {CcpGroup[]}
 */
export function ccpGroups(competences) {
  /** @type {Map<string | undefined, GridCompetence[]>} */
  const groups = new Map();
  for (const c of competences || []) {
    if (!groups.has(c.ccp)) groups.set(c.ccp, []);
    groups.get(c.ccp)?.push(c);
  }
  return [...groups.entries()].map(([code, comps]) => ({ code, competences: comps }));
}

// What the grid says of a CCP (an aid: the jury decides).
/**
 * @param {CcpGroup} group
 * @returns {{ acquired: number, total: number, text: string }}
 */
export function ccpAid(group) {
  const n = group.competences.length;
  const acquired = group.competences.filter((c) => c.status === "acquise").length;
  const failed = group.competences.filter((c) => c.status === "non_acquise").length;
  const pending = n - acquired - failed;
  let hint = "";
  if (pending) hint = `${pending} compétence(s) non évaluée(s) dans la grille`;
  else if (acquired === n) hint = "toutes les compétences sont acquises d'après la grille";
  else hint = `${failed} compétence(s) non acquise(s) d'après la grille`;
  return { acquired, total: n, text: `${acquired}/${n} compétences acquises — ${hint}` };
}

// The title outcome consistent with the CCPs proposed (the server's rule).
/**
 * @param {Pick<Form, "ccps">} form
 * @param {string[]} ccpCodes
 * @returns {string | null}
 */
export function titleFor(form, ccpCodes) {
  const chosen = ccpCodes.map((c) => form.ccps[c]);
  if (chosen.some((v) => !v)) return null;
  const granted = chosen.filter((v) => v === "obtenu").length;
  if (granted === ccpCodes.length) return "obtenu";
  return granted ? "ccp_seulement" : "non_obtenu";
}

// Why the server would refuse this form (French, as the server says it); [] when sendable.
/**
 * @param {Form} form
 * @param {{ competences: GridCompetence[] | null | undefined, ccpCodes: string[], titleRequired?: boolean }} context
 * @returns {Problem[]}
 */
export function check(form, { competences, ccpCodes, titleRequired }) {
  /** @type {Problem[]} */
  const problems = [];
  const missing = (competences || []).map((c) => c.code).filter((c) => !COMPETENCE_OUTCOMES[form.competences[c]]);
  if (missing.length) problems.push({ field: "competences", text: `Proposition incomplète : compétences ${missing.join(", ")} (acquise ou non acquise pour chacune).` });
  const reasons = kept(form);
  const bare = (competences || []).filter((c) => needsReason(form, c) && !reasons[c.code]).map((c) => c.code);
  if (bare.length) {
    problems.push({
      field: "reasons",
      text: `Compétence(s) proposée(s) acquise(s) sans évaluation : ${bare.join(", ")}. Notez-les dans la grille, ou écrivez pour chacune pourquoi elle est acquise.`,
    });
  }
  const undecided = ccpCodes.filter((c) => !CCP_OUTCOMES[form.ccps[c]]);
  if (undecided.length) problems.push({ field: "ccps", text: `Proposition incomplète : ${undecided.join(", ")} (obtenu ou non obtenu).` });
  const title = form.title || null;
  if ((titleRequired || title) && !TITLE_OUTCOMES[title ?? ""]) {
    problems.push({ field: "title", text: "Proposition pour le titre : titre obtenu, CCP seulement ou non obtenu." });
  } else if (title && !undecided.length) {
    const granted = ccpCodes.filter((c) => form.ccps[c] === "obtenu").length;
    if (title === "obtenu" && granted < ccpCodes.length) problems.push({ field: "title", text: "Le titre ne peut être proposé sans tous les CCP obtenus." });
    if (title === "ccp_seulement" && !granted) problems.push({ field: "title", text: "« CCP seulement » : au moins un CCP est proposé obtenu." });
    if (title === "non_obtenu" && granted) problems.push({ field: "title", text: "« Non obtenu » contredit les CCP proposés obtenus : choisir « CCP seulement »." });
  }
  if (!(form.justification || "").trim()) problems.push({ field: "justification", text: "La justification est obligatoire." });
  return problems;
}

// One line saying what a version proposes: « Titre obtenu · CCP1 obtenu · CCP2 obtenu ».
/**
 * @param {Version | null | undefined} version
 * @returns {string}
 */
export function proposalLine(version) {
  /** @type {Proposal} */
  const p = (version && version.proposal) || {};
  /** @type {string[]} */
  const parts = [];
  if (p.title) parts.push(TITLE_OUTCOMES[p.title] || p.title);
  for (const [c, ok] of Object.entries(p.ccps || {})) parts.push(`${c} ${ok ? "obtenu" : "non obtenu"}`);
  return parts.join(" · ");
}

// The pieces of the file the jury declares, as the evidence form holds them: `training` is the
// select's value ("", "true", "false"); `base` what the form showed when the juror began.
/** @typedef {{ kinds: string[], training: string }} EvidenceShown */
/** @typedef {EvidenceShown & { base: EvidenceShown }} EvidenceValues */

/**
 * The juror's unsaved pieces moved onto what is stored now (`shown`): the pieces they ticked
 * or unticked since their base, and the training if they changed it, applied to it — the other
 * juror's save meanwhile is shown and kept, as the server keeps it (certification/evidence.py).
 * @param {EvidenceValues} pending
 * @param {EvidenceShown} shown
 * @returns {EvidenceValues}
 */
export function rebaseEvidence(pending, shown) {
  const added = pending.kinds.filter((k) => !pending.base.kinds.includes(k));
  const removed = pending.base.kinds.filter((k) => !pending.kinds.includes(k));
  const kinds = [...new Set([...shown.kinds, ...added])].filter((k) => !removed.includes(k));
  const training = pending.training !== pending.base.training ? pending.training : shown.training;
  return { kinds, training, base: shown };
}
