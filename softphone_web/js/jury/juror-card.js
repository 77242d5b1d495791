// <juror-card>: how the juror plays the customer of one simulation — persona, situation,
// the opening line, what to reveal only if asked, obstacles, objections, survey answers, the
// expected outcome and the criteria to watch. Pack text goes in with textContent only.
//
//   card.simulation = runSheet.simulations[i];   // an entry of GET …/subject/jury
import { el } from "../components/dom.js";

/**
 * @param {string} title
 * @param {...(Node | string)} nodes
 */
function section(title, ...nodes) {
  const s = el("section", "jc-section");
  s.append(el("h3", "", title), ...nodes);
  return s;
}

/**
 * @param {string[]} items
 * @param {string} [className]
 */
function list(items, className = "") {
  const ul = el("ul", className);
  for (const item of items) ul.append(el("li", "", item));
  return ul;
}

export class JurorCard extends HTMLElement {
  /** @type {HTMLDivElement} */
  _body;
  /** @type {any} */
  _sim;

  connectedCallback() {
    if (!this._body) {
      this._body = el("div", "jc-body");
      this.append(this._body);
    }
    this._render();
  }

  set simulation(sim) {
    this._sim = sim || null;
    this._render();
  }

  get simulation() {
    return this._sim;
  }

  _render() {
    if (!this._body) return;
    const sim = this._sim;
    if (!sim) {
      this._body.replaceChildren(el("p", "muted", "Choisissez une simulation dans la feuille de route."));
      return;
    }
    const card = sim.juror || {};
    const cand = sim.candidate || {};
    const head = el("header", "jc-head");
    const h2 = el("h2", "", `${sim.order}. ${sim.title}`);
    const facts = el("p", "jc-facts");
    facts.append(el("span", "badge", sim.kind_label || sim.kind), ` ${sim.minutes} min`);
    if (cand.phone) {
      const label = sim.kind === "appel_sortant" ? "Numéro que le candidat compose : " : "Numéro affiché chez le candidat : ";
      facts.append(" · ", label, el("strong", "jc-phone", cand.phone.display));
    }
    if (cand.crm_record) facts.append(" · Fiche ", el("code", "", cand.crm_record));
    const comps = Object.entries(sim.competence_names || {}).map(([code, name]) => `${code} — ${name}`);
    head.append(h2, facts);
    if (comps.length) head.append(el("p", "muted small", comps.join(" ; ")));

    const parts = [head];
    parts.push(section("Personnage", el("p", "", card.persona), el("p", "muted", card.situation)));
    const opening = el("blockquote", "jc-opening", card.opening);
    parts.push(section(sim.kind === "chat" ? "Premier message" : "Première phrase", opening));
    if (card.reveal_if_asked?.length) {
      parts.push(section("À révéler seulement si le candidat le demande", list(card.reveal_if_asked, "jc-reveal")));
    }
    if (card.barriers?.length) parts.push(section("Barrages", list(card.barriers)));
    if (card.objections?.length) parts.push(section("Objections", list(card.objections, "jc-objections")));
    const answers = Object.entries(card.survey_answers || {});
    if (answers.length) {
      const questions = new Map((cand.survey?.questions || []).map((/** @type {{ id: string, text: string }} */ q) => [q.id, q.text]));
      const dl = el("dl", "jc-survey");
      for (const [qid, answer] of answers) {
        dl.append(el("dt", "", questions.get(qid) || qid), el("dd", "", answer));
      }
      parts.push(section("Réponses au questionnaire", dl));
    }
    parts.push(section("Issue attendue", el("p", "", card.expected_outcome)));
    if (card.notes) parts.push(section("Consignes de jeu", el("p", "", card.notes)));
    if (card.watch?.length) {
      parts.push(
        section(
          "Critères à observer",
          list(card.watch.map((/** @type {{ competence: string, criterion: string }} */ w) => `${w.competence} — ${w.criterion}`), "jc-watch small"),
        ),
      );
    }
    this._body.replaceChildren(...parts);
  }
}

if (!customElements.get("juror-card")) customElements.define("juror-card", JurorCard);
