// <call-list>: the calls phase's work list — the outbound calls and the chat the instructions
// ask for (brief, who, number, with « Ouvrir la fiche » and « Appeler »), and the log of the
// calls made and received so far.
//   list.tasks = subject.simulations (candidate-visible; inbound calls are not listed);
//   list.principals = { id: name };  list.records = { id: record };  list.log = [call, …];
//   list.canDial = true;
//   events: "dial" { number, record }, "record-open" { id }, "survey-open" { simulation }
import { el, keyedChildren, setText } from "../components/dom.js";
import { clockTime } from "../components/format.js";
import { formatRemaining } from "../clock.js";
import { recordName } from "./crm-record.js";

/** @type {Record<string, string>} */
const STATE_LABELS = {
  sonnerie: "Sonnerie", en_ligne: "En ligne", en_attente: "En attente", termine: "Terminé",
  manque: "Manqué", refuse: "Refusé", non_attribue: "Numéro non attribué",
};

export class CallList extends HTMLElement {
  /** @type {HTMLDivElement} */
  _tasks;
  /** @type {HTMLDivElement} */
  _log;
  /** @type {any} */
  _taskList;
  /** @type {any} */
  _principals;
  /** @type {any} */
  _records;
  /** @type {any} */
  _calls;
  /** @type {boolean} */
  _canDial;

  connectedCallback() {
    if (this._tasks) return;
    this.classList.add("call-list");
    this._tasks = el("div", "cl-tasks");
    this._log = el("div", "cl-log");
    this.append(el("h2", "", "Appels à passer"), this._tasks, el("h2", "", "Journal des appels"), this._log);
    this._render();
  }

  /** @param {any[] | null | undefined} list the subject's simulations */
  set tasks(list) {
    this._taskList = list || [];
    this._render();
  }

  /** @param {Record<string, string> | null | undefined} map principal id → name */
  set principals(map) {
    this._principals = map || {};
    this._render();
  }

  /** @param {Record<string, any> | null | undefined} map record id → record */
  set records(map) {
    this._records = map || {};
    this._render();
  }

  /** @param {Array<Record<string, any>> | null | undefined} list the calls, as the page words them (candidate-calls.js PageCall) */
  set log(list) {
    this._calls = list || [];
    this._renderLog();
  }

  /** @param {boolean} value */
  set canDial(value) {
    this._canDial = Boolean(value);
    for (const b of this.querySelectorAll("button.cl-dial")) /** @type {HTMLButtonElement} */ (b).disabled = !this._canDial;
  }

  /**
   * @param {string} type
   * @param {object} detail
   */
  _fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  // The tasks, keyed by simulation and updated in place, buttons included: the records come
  // again after each call's wrap-up and each action on a record, and a task rebuilt between
  // the press and the release of a click fires no `click` (lost under load, as <crm-search>'s).
  _render() {
    if (!this._tasks) return;
    const tasks = (this._taskList || []).filter((/** @type {any} */ s) => s.kind !== "appel_entrant");
    if (!tasks.length) {
      this._tasks.replaceChildren(el("p", "muted", "Aucun appel sortant prévu pour le moment : les appels entrants arrivent d'eux-mêmes."));
    } else {
      keyedChildren(this._tasks, tasks, {
        key: (/** @type {any} */ s) => s.id,
        create: () => this._task(),
        update: (card, /** @type {any} */ s) => this._showTask(card, s),
      });
    }
    this._renderLog();
  }

  // A task's card, without its simulation: its buttons read what they act on from the card.
  _task() {
    const card = el("article", "cl-task");
    card.append(el("header", "cl-head"), el("p", "cl-brief"), el("div", "cl-actions"));
    return card;
  }

  /**
   * @param {HTMLElement} card
   * @param {any} s a simulation of the subject
   */
  _showTask(card, s) {
    card.className = `cl-task kind-${s.kind}`;
    card.dataset.simulation = s.id;
    if (s.crm_record) card.dataset.record = s.crm_record;
    else delete card.dataset.record;
    const [head, brief, actions] = /** @type {HTMLElement[]} */ ([...card.children]);
    const rec = s.crm_record ? (this._records || {})[s.crm_record] : null;
    const who = ` ${(this._principals || {})[s.principal] || s.principal}`;
    const parts = [s.kind === "chat" ? "Messagerie" : "Appel sortant", who, rec ? ` — ${recordName(rec)}` : ""];
    if (head.dataset.shows !== parts.join("\u001f")) {
      head.dataset.shows = parts.join("\u001f");
      head.replaceChildren(el("span", "badge", parts[0]), el("strong", "", parts[1]));
      if (rec) head.append(el("span", "muted", parts[2]));
    }
    setText(brief, s.brief || "");
    /** @type {string[]} */
    const buttons = [];
    if (s.crm_record) buttons.push("record");
    if (s.survey) buttons.push("survey");
    if (s.phone && s.kind !== "chat") buttons.push("dial");
    keyedChildren(actions, buttons, {
      key: (what) => what,
      create: (what) => this._action(card, what),
      update: (b, what) => {
        if (what !== "dial") return;
        setText(b, `Appeler le ${s.phone.display}`);
        b.dataset.number = s.phone.digits;
        b.disabled = !this._canDial;
      },
    });
  }

  /**
   * A task's button: « Ouvrir la fiche », « Questionnaire » or « Appeler le … ».
   * @param {HTMLElement} card its task, whose data say the record and the simulation
   * @param {string} what record, survey or dial
   */
  _action(card, what) {
    /** @type {Record<string, [string, string, () => void]>} */
    const kinds = {
      record: ["Ouvrir la fiche", "small-button", () => this._fire("record-open", { id: card.dataset.record })],
      survey: ["Questionnaire", "small-button", () => this._fire("survey-open", { simulation: card.dataset.simulation })],
      dial: ["", "small-button primary cl-dial", () => this._fire("dial", { number: b.dataset.number, record: card.dataset.record })],
    };
    const [text, className, act] = kinds[what];
    const b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", act);
    return b;
  }

  _renderLog() {
    if (!this._log) return;
    const calls = [...(this._calls || [])].sort((a, b) => String(b.ringing_at || "").localeCompare(String(a.ringing_at || "")));
    if (!calls.length) {
      this._log.replaceChildren(el("p", "muted", "Aucun appel pour le moment."));
      return;
    }
    const table = el("table", "crm-table");
    const head = el("tr");
    for (const h of ["Heure", "Sens", "Numéro", "Durée", "État", "Clôture"]) head.append(el("th", "", h));
    table.append(head);
    for (const c of calls) {
      const tr = el("tr");
      const secs = c.answered_at && c.ended_at ? (Date.parse(c.ended_at) - Date.parse(c.answered_at)) : 0;
      const cells = [
        clockTime(c.ringing_at),
        c.direction === "outbound" ? "Sortant" : "Entrant",
        c.number_display || c.number || "",
        secs ? formatRemaining(secs) : "",
        STATE_LABELS[c.state] || c.state,
        c.disposition_label || c.disposition || (c.wrap_up_pending ? "À faire" : ""),
      ];
      for (const v of cells) tr.append(el("td", "", v));
      table.append(tr);
    }
    this._log.replaceChildren(table);
  }
}

if (!customElements.get("call-list")) customElements.define("call-list", CallList);
