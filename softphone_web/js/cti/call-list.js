// <call-list>: the calls phase's work list — the outbound calls and the chat the instructions
// ask for (brief, who, number, with « Ouvrir la fiche » and « Appeler »), and the log of the
// calls made and received so far.
//   list.tasks = subject.simulations (candidate-visible; inbound calls are not listed);
//   list.principals = { id: name };  list.records = { id: record };  list.log = [call, …];
//   list.canDial = true;
//   events: "dial" { number, record }, "record-open" { id }, "survey-open" { simulation }
import { el } from "../components/dom.js";
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

  _render() {
    if (!this._tasks) return;
    const tasks = (this._taskList || []).filter((/** @type {any} */ s) => s.kind !== "appel_entrant");
    if (!tasks.length) {
      this._tasks.replaceChildren(el("p", "muted", "Aucun appel sortant prévu pour le moment : les appels entrants arrivent d'eux-mêmes."));
    } else {
      this._tasks.replaceChildren(...tasks.map((/** @type {any} */ s) => this._task(s)));
    }
    this._renderLog();
  }

  /** @param {any} s a simulation of the subject */
  _task(s) {
    const card = el("article", `cl-task kind-${s.kind}`);
    card.dataset.simulation = s.id;
    const rec = s.crm_record ? (this._records || {})[s.crm_record] : null;
    const head = el("header", "cl-head");
    head.append(
      el("span", "badge", s.kind === "chat" ? "Messagerie" : "Appel sortant"),
      el("strong", "", ` ${(this._principals || {})[s.principal] || s.principal}`),
    );
    if (rec) head.append(el("span", "muted", ` — ${recordName(rec)}`));
    card.append(head, el("p", "cl-brief", s.brief || ""));
    const actions = el("div", "cl-actions");
    if (s.crm_record) {
      const open = el("button", "small-button", "Ouvrir la fiche");
      open.type = "button";
      open.addEventListener("click", () => this._fire("record-open", { id: s.crm_record }));
      actions.append(open);
    }
    if (s.survey) {
      const sv = el("button", "small-button", "Questionnaire");
      sv.type = "button";
      sv.addEventListener("click", () => this._fire("survey-open", { simulation: s.id }));
      actions.append(sv);
    }
    if (s.phone && s.kind !== "chat") {
      const dial = el("button", "small-button primary cl-dial", `Appeler le ${s.phone.display}`);
      dial.type = "button";
      dial.disabled = !this._canDial;
      dial.dataset.number = s.phone.digits;
      dial.addEventListener("click", () => this._fire("dial", { number: s.phone.digits, record: s.crm_record }));
      actions.append(dial);
    }
    card.append(actions);
    return card;
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
