// <survey-form>: the pack's questionnaire for a survey call — the introduction, every question
// word for word and in order, and the closing, with the answers recorded as given (closed and
// open). Each answer is sent as it is typed (open answers after a short pause).
//
//   form.survey = simulation.survey;  form.answers = { q1: "Oui", q4: ["Site internet"] };
//   form.title = "Enquête — Les Jardins de Loire";  form.disabled = true;
//   form.markSaved("q1", at)  /  form.markFailed("q1", message)
//   "survey-answer" event: { question_id, value }   (value: string | string[] | number | null)
import { el } from "../components/dom.js";
import { timeOfDay } from "./autosave.js";

const TEXT_DELAY_MS = 700;
let uid = 0;

/**
 * A question of the pack's questionnaire (`server.scenarios.pack.simulations.Question`).
 * @typedef {object} SurveyQuestion
 * @property {string} id
 * @property {string} text Read word for word.
 * @property {string} type oui_non, echelle, choix_unique, choix_multiple, numerique, ouverte.
 * @property {string[]} [choices]
 * @property {number | null} [scale_min]
 * @property {number | null} [scale_max]
 */
/**
 * The questionnaire (`Survey`), in order.
 * @typedef {{ introduction: string, questions: SurveyQuestion[], closing: string }} Survey
 */
/** @typedef {string | string[] | number | null} SurveyAnswer */

/**
 * @param {"radio" | "checkbox"} type
 * @param {string} name
 * @param {string} value
 * @param {boolean} checked
 * @param {string} [label]
 */
function choiceInput(type, name, value, checked, label = value) {
  const wrap = el("label", "sv-choice");
  const input = document.createElement("input");
  input.type = type;
  input.name = name;
  input.value = value;
  input.checked = checked;
  wrap.append(input, el("span", "", label));
  return wrap;
}

export class SurveyForm extends HTMLElement {
  /** @type {HTMLHeadingElement} */
  _head;
  /** @type {HTMLDivElement} */
  _body;
  /** @type {string | null | undefined} */
  _title;
  /** @type {Survey | null} */
  _survey;
  /** @type {boolean} */
  _disabled;

  constructor() {
    super();
    /** @type {Record<string, SurveyAnswer>} */
    this._answers = {};
    /** @type {Record<string, ReturnType<typeof setTimeout>>} */
    this._timers = {};
    /** @type {Record<string, string>} question id → the latest answer sent (JSON), until the server echoes it */
    this._sent = {};
  }

  connectedCallback() {
    if (this._body) return;
    this.classList.add("survey-form");
    this._head = el("h2", "sv-title", "Questionnaire");
    this._body = el("div", "sv-body");
    this.append(this._head, this._body);
    this._render();
  }

  /** @param {string} text */
  set title(text) {
    this._title = text;
    if (this._head) this._head.textContent = text || "Questionnaire";
  }

  /** @param {Survey | null | undefined} value */
  set survey(value) {
    const same = value && this._survey && JSON.stringify(value) === JSON.stringify(this._survey);
    if (same) return;
    this._survey = value || null;
    this._render();
  }

  get survey() {
    return this._survey;
  }

  // The server's answers (a snapshot or the echo of a save). A question whose latest answer
  // was sent and not yet echoed keeps what the candidate gave: the echo of an earlier save
  // (two boxes ticked in quick succession) must not untick the second.
  /** @param {Record<string, SurveyAnswer> | null | undefined} value */
  set answers(value) {
    const local = this._answers;
    const incoming = { ...(value || {}) };
    if (!Object.keys(incoming).length) this._sent = {};
    for (const [qid, v] of Object.entries(incoming)) {
      if (!(qid in this._sent)) continue;
      if (JSON.stringify(v) === this._sent[qid]) delete this._sent[qid];
      else incoming[qid] = local[qid];
    }
    this._answers = incoming;
    for (const [qid, v] of Object.entries(this._answers)) if (!(qid in this._sent)) this._fill(qid, v);
  }

  get answers() {
    return { ...this._answers };
  }

  /** @param {boolean} value */
  set disabled(value) {
    this._disabled = Boolean(value);
    for (const i of this.querySelectorAll("input, textarea")) /** @type {HTMLInputElement | HTMLTextAreaElement} */ (i).disabled = this._disabled;
  }

  /**
   * @param {string} qid
   * @param {Date} [at]
   */
  markSaved(qid, at = new Date()) {
    const s = this.querySelector(`[data-question="${CSS.escape(qid)}"] .sv-saved`);
    if (s) {
      s.textContent = `enregistré à ${timeOfDay(at)}`;
      s.classList.remove("error");
    }
  }

  /**
   * @param {string} qid
   * @param {string} [message]
   */
  markFailed(qid, message) {
    delete this._sent[qid]; // no echo will come: the next answers from the server are the truth
    const s = this.querySelector(`[data-question="${CSS.escape(qid)}"] .sv-saved`);
    if (s) {
      s.textContent = message || "non enregistré";
      s.classList.add("error");
    }
  }

  _render() {
    if (!this._body) return;
    const sv = this._survey;
    if (!sv) {
      this._body.replaceChildren(
        el("p", "muted", "Le questionnaire s'affiche ici pendant un appel d'enquête (ou depuis la liste des appels)."),
      );
      return;
    }
    const intro = el("blockquote", "sv-script");
    intro.append(el("strong", "", "Introduction à lire : "), document.createTextNode(sv.introduction));
    const list = el("ol", "sv-questions");
    for (const q of sv.questions) list.append(this._question(q));
    const closing = el("blockquote", "sv-script");
    closing.append(el("strong", "", "Conclusion à lire : "), document.createTextNode(sv.closing));
    this._body.replaceChildren(intro, list, closing);
    for (const [qid, v] of Object.entries(this._answers)) this._fill(qid, v);
    this.disabled = this._disabled;
  }

  /** @param {SurveyQuestion} q */
  _question(q) {
    const li = el("li", "sv-question");
    li.dataset.question = q.id;
    li.dataset.type = q.type;
    const id = `sv-${++uid}`;
    const text = el("p", "sv-text", q.text);
    text.id = id;
    li.append(text);
    const group = el("div", "sv-answer");
    group.setAttribute("role", q.type === "ouverte" || q.type === "numerique" ? "group" : "radiogroup");
    group.setAttribute("aria-labelledby", id);
    const name = `${id}-a`;
    const current = this._answers[q.id];
    switch (q.type) {
      case "oui_non":
        // Stored as the server's « oui » / « non ».
        for (const [v, label] of [["oui", "Oui"], ["non", "Non"]]) {
          group.append(choiceInput("radio", name, v, current === v, label));
        }
        break;
      case "echelle":
        group.classList.add("sv-scale");
        for (let n = q.scale_min ?? 0; n <= (q.scale_max ?? -1); n++) {
          group.append(choiceInput("radio", name, String(n), String(current) === String(n)));
        }
        break;
      case "choix_unique":
        for (const c of q.choices || []) group.append(choiceInput("radio", name, c, current === c));
        break;
      case "choix_multiple": {
        group.setAttribute("role", "group");
        const set = new Set(Array.isArray(current) ? current : []);
        for (const c of q.choices || []) group.append(choiceInput("checkbox", name, c, set.has(c)));
        break;
      }
      case "numerique": {
        const input = document.createElement("input");
        input.type = "number";
        input.className = "sv-number";
        input.setAttribute("aria-labelledby", id);
        group.append(input);
        break;
      }
      default: {
        const area = document.createElement("textarea");
        area.rows = 3;
        area.setAttribute("aria-labelledby", id);
        area.placeholder = "Réponse mot pour mot…";
        group.append(area);
      }
    }
    group.addEventListener("input", (ev) => this._changed(q, group, ev));
    group.addEventListener("change", (ev) => this._changed(q, group, ev));
    li.append(group, el("span", "sv-saved muted small"));
    return li;
  }

  /**
   * @param {SurveyQuestion} q
   * @param {HTMLElement} group
   * @returns {SurveyAnswer}
   */
  _value(q, group) {
    if (q.type === "choix_multiple") {
      return [...group.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
    }
    if (q.type === "ouverte") return group.querySelector("textarea")?.value ?? "";
    if (q.type === "numerique") {
      const raw = group.querySelector("input")?.value ?? "";
      return raw === "" ? null : Number(raw);
    }
    const checked = /** @type {HTMLInputElement | null} */ (group.querySelector("input:checked"));
    if (!checked) return null;
    return q.type === "echelle" ? Number(checked.value) : checked.value;
  }

  /**
   * @param {SurveyQuestion} q
   * @param {HTMLElement} group
   * @param {Event} ev
   */
  _changed(q, group, ev) {
    const typed = q.type === "ouverte" || q.type === "numerique";
    if (typed && ev.type === "change") return; // input already scheduled it
    const value = this._value(q, group);
    this._answers[q.id] = value;
    const saved = group.parentElement?.querySelector(".sv-saved");
    if (saved) {
      saved.textContent = "…";
      saved.classList.remove("error");
    }
    clearTimeout(this._timers[q.id]);
    this._sent[q.id] = JSON.stringify(value);
    const send = () => this.dispatchEvent(new CustomEvent("survey-answer", { detail: { question_id: q.id, value } }));
    if (typed) this._timers[q.id] = setTimeout(send, TEXT_DELAY_MS);
    else send();
  }

  /**
   * @param {string} qid
   * @param {SurveyAnswer} value
   */
  _fill(qid, value) {
    const li = /** @type {HTMLElement | null} */ (this.querySelector(`[data-question="${CSS.escape(qid)}"]`));
    if (!li) return;
    const type = li.dataset.type;
    if (type === "ouverte") {
      const a = li.querySelector("textarea");
      if (a && document.activeElement !== a) a.value = String(value ?? "");
    } else if (type === "numerique") {
      const i = li.querySelector("input");
      if (i && document.activeElement !== i) i.value = String(value ?? "");
    } else if (type === "choix_multiple") {
      const set = new Set(Array.isArray(value) ? value : []);
      for (const i of li.querySelectorAll("input")) i.checked = set.has(i.value);
    } else {
      for (const i of li.querySelectorAll("input")) i.checked = value !== null && i.value === String(value);
    }
  }
}

if (!customElements.get("survey-form")) customElements.define("survey-form", SurveyForm);
