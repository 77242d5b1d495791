// The evaluation grid's synthesis, an aid to the deliberation: each professional competence's
// status (derived by the server from the marks of every part) with its counts, and each
// transversal competence with how the server derived it (RC § 3.3, server/evaluation/grid.py).
//
//   section.replaceChildren(...synthesisNodes(dataFromGetEvaluation));
//   competenceStatus(["acquis", "non_observe"]) → "acquise"   (the same rule, for live badges)
//   competenceStatus(["non_acquis"], 4) → "en_cours"          (4 criteria not marked yet)
import { el } from "../components/dom.js";

/** @type {Record<string, string>} */
export const STATUS_LABELS = { acquise: "Acquise", non_acquise: "Non acquise", non_evaluee: "Non évaluée", en_cours: "En cours d'évaluation" };

// `unmarked`: criteria of the competence still without a mark in the parts where it has been
// marked at all. While some remain, no verdict: one « non acquis » among criteria not yet looked
// at says nothing of the competence yet (the server's rule applies once they are marked).
/**
 * @param {string[]} values the marks of the competence's criteria
 * @param {number} [unmarked]
 */
export function competenceStatus(values, unmarked = 0) {
  if (values.length && unmarked > 0) return "en_cours";
  if (values.includes("non_acquis")) return "non_acquise";
  if (values.includes("acquis")) return "acquise";
  return "non_evaluee";
}

/** @param {string} status */
function badge(status) {
  return el("span", `badge status-${status}`, STATUS_LABELS[status] || status);
}

// `inProgress`: the competences whose criteria are still being marked (their badge says so).
/**
 * @param {any} data the grid's synthesis (GET …/evaluation)
 * @param {Set<string>} [inProgress]
 */
export function synthesisNodes(data, inProgress = new Set()) {
  if (!data || !data.competences) return [];
  const comps = el("ul", "eg-syn-list");
  for (const c of data.competences) {
    const n = c.counts || {};
    const li = el("li", "");
    li.dataset.competence = c.code;
    li.append(
      badge(inProgress.has(c.code) ? "en_cours" : c.status),
      " ",
      el("strong", "", c.code),
      ` ${c.name} `,
      el("span", "small muted", `(${n.acquis || 0} A · ${n.non_acquis || 0} N · ${n.non_observe || 0} O)`),
    );
    comps.append(li);
  }
  const trans = el("ul", "eg-syn-list");
  for (const t of data.transversal || []) {
    const li = el("li", "");
    li.append(badge(t.status), " ", el("strong", "", t.code), ` ${t.name}`, el("span", "eg-syn-why small muted", t.explanation || ""));
    trans.append(li);
  }
  return [
    el("h3", "", "Synthèse (aide à la délibération)"),
    el("h4", "", "Compétences professionnelles"),
    comps,
    el("h4", "", "Compétences transversales (déduites)"),
    trans,
  ];
}
