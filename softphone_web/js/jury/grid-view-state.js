// The evaluation grid's view state, without the DOM (tested by node in tests/js): the parts'
// labels and counts, a competence's progress over every part, which part the juror's latest
// activity points to, what a key does on a criterion, and the French warnings of a mark heard
// from the other juror or refused by the server. <evaluation-grid> (evaluation-grid.js) draws
// and acts on what these say; the marks themselves are kept by grid-marks.js.
//
//   partLabel(parts, "s03-…")                  // « 3. Assistance fibre »
//   progressOf(parts, "CP1", valueOf)           // { values, unmarked, total, status }
//   keyAction("arrowdown", 2, 10)              // { focus: 3 }
import { LABEL, VALUES, markKey } from "./grid-marks.js";
import { competenceStatus } from "./grid-synthesis.js";

/** @typedef {{ index: number, text: string, watch?: boolean }} Criterion */
/** @typedef {{ code: string, name: string, criteria: Criterion[] }} PartCompetence */
/**
 * A part of the grid as GET …/evaluation gives it (a simulation, the written replies, an interview).
 * @typedef {{ part: string, label: string, kind: string, competences: PartCompetence[], not_played?: string, replaced?: boolean }} GridPart
 */
/** The value shown for a criterion's key (confirmed or being saved), or null when not marked. */
/** @typedef {(key: string) => string | null | undefined} ValueOf */

/**
 * A part's label as the select shows it: the simulations numbered in run order.
 * @param {GridPart[]} parts
 * @param {string} id
 * @returns {string}
 */
export function partLabel(parts, id) {
  const i = parts.findIndex((p) => p.part === id);
  if (i < 0) return id;
  const p = parts[i];
  return p.kind === "ecrit" || p.kind === "entretien" ? p.label : `${i + 1}. ${p.label}`;
}

/**
 * « marked/total » criteria of a part.
 * @param {GridPart} part
 * @param {ValueOf} valueOf
 * @returns {string}
 */
export function countFor(part, valueOf) {
  let total = 0;
  let marked = 0;
  for (const comp of part.competences) {
    for (const c of comp.criteria) {
      total += 1;
      if (valueOf(markKey(part.part, comp.code, c.index))) marked += 1;
    }
  }
  return `${marked}/${total}`;
}

/**
 * A competence's marks over every part: the values given, and the criteria still without a
 * mark in the parts where it has been marked at all.
 * @param {GridPart[]} parts
 * @param {string} code
 * @param {ValueOf} valueOf
 * @returns {{ values: string[], unmarked: number, total: number, status: string }}
 */
export function progressOf(parts, code, valueOf) {
  /** @type {string[]} */
  const values = [];
  let unmarked = 0;
  let total = 0;
  for (const part of parts) {
    const comp = part.competences.find((c) => c.code === code);
    if (!comp) continue;
    const marks = /** @type {string[]} */ (comp.criteria.map((c) => valueOf(markKey(part.part, code, c.index))).filter(Boolean));
    if (!marks.length) continue;
    values.push(...marks);
    unmarked += comp.criteria.length - marks.length;
    total += comp.criteria.length;
  }
  return { values, unmarked, total, status: competenceStatus(values, unmarked) };
}

/**
 * The title of a competence's badge.
 * @param {{ values: string[], total: number, status: string }} progress
 * @returns {string}
 */
export function badgeTitle({ values, total, status }) {
  return status === "en_cours"
    ? `${values.length} critère(s) noté(s) sur ${total} : la grille conclut quand tous sont notés (le jury décide)`
    : "Toutes parties confondues (règle de la grille ; le jury décide)";
}

/**
 * The simulations by latest activity: the call on the line, then the latest call or chat.
 * @param {Array<{ simulation_id: string | null, answered_at?: string | null, rang_at?: string | null }>} calls
 * @param {Map<string, number>} chats simulation → its latest message (ms)
 * @param {{ simulation_id: string | null } | null} live the call on the line
 * @returns {Array<string | null | undefined>}
 */
export function latestActivity(calls, chats, live) {
  /** @type {Array<[string | null, number]>} */
  const recent = [
    ...calls.map((c) => /** @type {[string | null, number]} */ ([c.simulation_id, Date.parse(c.answered_at || c.rang_at || "") || 0])),
    ...[...chats].map(([id, at]) => /** @type {[string | null, number]} */ ([id, at])),
  ].sort((a, b) => b[1] - a[1]);
  return [live && live.simulation_id, ...recent.map(([id]) => id)];
}

/**
 * What a key pressed on the criterion `i` of `count` does: mark it (A, N, O), move (↑ ↓ Début
 * Fin, to a criterion within the list) or open its comment (Entrée); null: nothing.
 * @param {string} k the key, lower case
 * @param {number} i
 * @param {number} count
 * @returns {{ mark: string } | { focus: number } | { comment: true } | null}
 */
export function keyAction(k, i, count) {
  const v = VALUES.find((x) => x.key === k);
  if (v) return { mark: v.value };
  /** @type {Record<string, number>} */
  const moves = { arrowdown: i + 1, arrowup: i - 1, home: 0, end: count - 1 };
  const to = moves[k];
  if (to !== undefined) return { focus: Math.max(0, Math.min(count - 1, to)) };
  if (k === "enter") return { comment: true };
  return null;
}

/**
 * The warning a mark of the other juror calls for, or null: they mark the criterion this
 * juror is saving, or they changed this juror's mark.
 * @param {{ value: string, by?: string }} mark heard
 * @param {{ actor: string | null, current: { value: string, by?: string } | null | undefined, pending: boolean, where: string }} s
 * @returns {string | null}
 */
export function heardWarning(mark, { actor, current, pending, where }) {
  if (!actor || mark.by === actor) return null;
  if (pending) return `L'autre juré note ${where} en même temps que vous (« ${LABEL[mark.value]} »).`;
  if (current && current.by === actor && current.value !== mark.value) {
    return `L'autre juré a changé ${where} : « ${LABEL[current.value]} » → « ${LABEL[mark.value]} ».`;
  }
  return null;
}

/**
 * The warning of a refused save: a conflict (the other juror's mark arrives as an event), or
 * the criterion put back as it was.
 * @param {Error & { code?: string }} err
 * @param {{ criterion: string, competence: string, back: string | null | undefined }} s
 * @returns {{ conflict: boolean, text: string }}
 */
export function refusalWarning(err, { criterion, competence, back }) {
  if (err.code === "conflict" || err.message.includes("par l'autre juré")) return { conflict: true, text: `Conflit : ${err.message}` };
  return {
    conflict: false,
    text:
      `Note non enregistrée (${err.message.replace(/\.$/, "")}) : le critère ${criterion} de ${competence} ` +
      `revient à « ${back ? LABEL[back] : "non noté"} ».`,
  };
}
