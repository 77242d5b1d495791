// The evaluation grid's fixed parts and a part's sections, built for <evaluation-grid>
// (evaluation-grid.js): the head (the part chosen, « Suivre la simulation en cours »), the
// keyboard help, and per competence its title, its badge and the list its criteria go in.
import { el } from "../components/dom.js";

/**
 * The head of the grid: the part select and the « follow » box.
 * @param {(part: string) => void} onPick the juror chose a part
 * @returns {{ head: HTMLDivElement, select: HTMLSelectElement, follow: HTMLInputElement }}
 */
export function gridHead(onPick) {
  const head = el("div", "eg-head");
  head.append(el("h2", "", "Grille d'évaluation"));
  const select = document.createElement("select");
  select.className = "eg-part-select";
  select.id = `eg-part-${Math.random().toString(36).slice(2, 8)}`;
  select.addEventListener("change", () => onPick(select.value));
  const label = el("label", "eg-part-label", "Partie évaluée");
  label.htmlFor = select.id;
  const follow = document.createElement("input");
  follow.type = "checkbox";
  follow.checked = true;
  follow.id = `${select.id}-follow`;
  const followLabel = el("label", "eg-follow small", "Suivre la simulation en cours");
  followLabel.title = "La partie évaluée suit l'appel qui commence et la messagerie quand le client écrit.";
  followLabel.prepend(follow);
  const picker = el("div", "eg-picker");
  picker.append(label, select, followLabel);
  head.append(picker);
  return { head, select, follow };
}

/** @returns {HTMLParagraphElement} the keyboard's help */
export function keyboardHelp() {
  return el("p", "eg-help small muted", "Sur un critère : A acquis · N non acquis · O non observé · ↑ ↓ pour changer de critère · Entrée pour le commentaire.");
}

/**
 * A competence of the part shown: its title and badge, then its criteria's rows.
 * @param {import("./grid-view-state.js").PartCompetence} comp
 * @param {HTMLElement[]} rows
 * @returns {HTMLElement}
 */
export function competenceSection(comp, rows) {
  const section = el("section", "eg-comp");
  section.dataset.competence = comp.code;
  const h = el("h3", "eg-comp-title");
  const badge = el("span", "badge eg-comp-status");
  h.append(el("span", "eg-code", comp.code), " ", el("span", "", comp.name), " ", badge);
  const list = el("ol", "eg-criteria");
  list.setAttribute("aria-label", `Critères de ${comp.code}`);
  list.append(...rows);
  section.append(h, list);
  return section;
}

/**
 * A simulation not played says why (its criteria can only be « non observé »); a replacement
 * writing task says it is one.
 * @param {import("./grid-view-state.js").GridPart} part
 * @returns {HTMLElement[]}
 */
export function partNote(part) {
  const note = part.not_played || (part.replaced ? "Écrit de remplacement : la simulation qu'il suivait n'a pas été jouée." : "");
  return note ? [el("p", "eg-part-note", note)] : [];
}
