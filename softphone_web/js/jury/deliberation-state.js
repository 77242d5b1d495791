// The deliberation panel's view state (no DOM: tested by node in tests/js): what the juror may
// do with the version shown (read-only, locked, the buttons and the sign hint), the version's
// status line, an edit applied to the form, and what a version heard from the other juror
// calls for. <deliberation-panel> (deliberation-panel.js, deliberation-rendering.js) draws and
// acts on what these say.
//
//   const view = viewOf({ juror, current, editingNew });     // { locked, readOnly }
//   const buttons = buttonsOf({ ...view, juror, busy, dirty, current, readiness, myId, editingNew });
//   heardAction(version, { busy, baseFp, versions })          // "voided" | "later" | "changed" | …
import { dayAndTime } from "./instants.js";
import { fingerprint } from "./deliberation-model.js";

/** @typedef {import("../types/events.js").DeliberationOut} DeliberationOut */
/** @typedef {import("./deliberation-model.js").Form} Form */
/**
 * An edit of the form: one competence, one CCP or one reason ([code, value]), or fields.
 * @typedef {{ competence?: [string, string], ccp?: [string, string], reason?: [string, string], title?: string | null, justification?: string }} FormPatch
 */

/**
 * @param {{ juror: boolean, current: DeliberationOut | null, editingNew: boolean }} s
 * @returns {{ locked: boolean, readOnly: boolean }}
 */
export function viewOf({ juror, current, editingNew }) {
  const locked = Boolean(current && current.locked);
  return { locked, readOnly: !juror || (locked && !editingNew) };
}

/**
 * The version's status line, in French.
 * @param {DeliberationOut | null} v the last version
 * @param {boolean} juror
 * @returns {string}
 */
export function versionLine(v, juror) {
  if (!v) return `Aucune proposition enregistrée${juror ? " : la proposition ci-dessous part de la grille" : ""}.`;
  const signatures = Object.keys(v.signatures || {}).length;
  const state = v.locked
    ? `signée par les deux jurés le ${dayAndTime(v.locked_at)} — décision prise`
    : signatures ? "une signature sur deux" : "en attente des signatures";
  return `Version ${v.version} du ${dayAndTime(v.created_at)} : ${state}.`;
}

/**
 * @typedef {object} ButtonsState
 * @property {boolean} saveHidden
 * @property {boolean} saveDisabled
 * @property {boolean} cancelHidden
 * @property {boolean} newHidden
 * @property {boolean} signHidden
 * @property {boolean} signDisabled
 * @property {string} signHint why the juror cannot sign yet ("" when they can, or see no button)
 */

/**
 * The buttons as the juror's situation allows them.
 * @param {object} s
 * @param {boolean} s.juror
 * @param {boolean} s.locked
 * @param {boolean} s.readOnly
 * @param {boolean} s.busy
 * @param {boolean} s.dirty
 * @param {boolean} s.editingNew
 * @param {DeliberationOut | null} s.current
 * @param {any} s.readiness GET …/deliberation/readiness, or null
 * @param {string | null} s.myId the juror's subject id
 * @returns {ButtonsState}
 */
export function buttonsOf({ juror, locked, readOnly, busy, dirty, editingNew, current: v, readiness, myId }) {
  const signed = Boolean(v && myId && (v.signatures || {})[myId]);
  const signHidden = !juror || !v || v.locked || signed;
  const blocked = Boolean(readiness && readiness.version === (v && v.version) && readiness.can_sign === false);
  return {
    saveHidden: readOnly,
    saveDisabled: busy,
    cancelHidden: readOnly || !dirty,
    newHidden: !(juror && locked && !editingNew),
    signHidden,
    signDisabled: busy || dirty || blocked,
    signHint: signHidden
      ? ""
      : dirty
        ? "Enregistrez d'abord vos modifications : on signe une version enregistrée."
        : blocked
          ? "Signature impossible tant que les règles ne peuvent pas décider : voir ce qui manque ci-dessus."
          : "",
  };
}

/**
 * Applies one edit to the form, in place (the form drawn stays the one edited), and returns it.
 * @param {Form} form
 * @param {FormPatch} patch
 * @returns {Form}
 */
export function applyPatch(form, patch) {
  if (patch.competence) form.competences[patch.competence[0]] = patch.competence[1];
  else if (patch.ccp) form.ccps[patch.ccp[0]] = patch.ccp[1];
  else if (patch.reason) form.reasons = { ...(form.reasons || {}), [patch.reason[0]]: patch.reason[1] };
  else Object.assign(form, patch);
  return form;
}

/**
 * What a version heard from the server (`evaluation.deliberation`) calls for:
 *   "voided"   its signatures were voided (a change after a signature): say so, reload;
 *   "later"    a save or a signature is on its way: check once it is done;
 *   "changed"  the other juror changed the proposal the form is based on;
 *   "known"    what the panel already holds (the echo of our own save or signature): nothing;
 *   "locked"   both signed: the decision is taken;
 *   "signed"   a signature changed.
 * @param {DeliberationOut} version
 * @param {{ busy: boolean, baseFp: string | null, versions: DeliberationOut[] }} s
 * @returns {"voided" | "later" | "changed" | "known" | "locked" | "signed"}
 */
export function heardAction(version, { busy, baseFp, versions }) {
  if (version.voided) return "voided";
  if (busy) return "later";
  if (fingerprint(version) !== baseFp) return "changed";
  const known = versions.find((v) => v.version === version.version);
  if (
    known &&
    Boolean(known.locked) === Boolean(version.locked) &&
    JSON.stringify(known.signatures || {}) === JSON.stringify(version.signatures || {})
  ) {
    return "known";
  }
  return version.locked ? "locked" : "signed";
}
