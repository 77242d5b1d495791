// <deliberation-panel>'s drawing (deliberation-panel.js tells what the panel is and does): its
// state, its parts built once, and each part drawn from the state — the version's status, the
// proposal form, the checks, the buttons, the signatures, the rules' decision, the evidence and
// the decision taken. The nodes come from deliberation-view.js, what the juror may do from
// deliberation-state.js; what the buttons do (save, sign, …) is defined by the classes above
// this one (deliberation-versions.js, deliberation-panel.js).
import { el } from "../components/dom.js";
import { TITLE_OUTCOMES, check, ccpGroups, emptyForm, titleFor } from "./deliberation-model.js";
import { buttonsOf, versionLine, viewOf } from "./deliberation-state.js";
import {
  historyNodes,
  ccpSection,
  evidenceNodes,
  previewNodes,
  radios,
  readinessNodes,
  signConfirmation,
  signatureList,
  takenNodes,
  transversalNodes,
} from "./deliberation-view.js";
import { RequestingPanel } from "./requesting-panel.js";

const RULE = "Règle : « Titre obtenu » exige tous les CCP obtenus ; « CCP seulement », au moins un ; « Non obtenu », aucun.";
let uid = 0;

/**
 * A button of the panel.
 * @param {string} className
 * @param {string} text
 * @param {"button" | "submit"} [type]
 * @returns {HTMLButtonElement}
 */
function control(className, text, type = "button") {
  const node = el("button", className, text);
  node.type = type;
  return node;
}

/** @typedef {import("../types/events.js").DeliberationOut} DeliberationOut */
/** @typedef {import("./deliberation-model.js").Form} Form */
/** @typedef {import("./deliberation-state.js").FormPatch} FormPatch */
/** @typedef {import("./deliberation-view.js").StatusCells} StatusCells */
/** @typedef {import("./deliberation-view.js").EvidenceValues} EvidenceValues */
/** @typedef {import("./observer-common.js").JuryContext} JuryContext */

export class DeliberationRendering extends RequestingPanel {
  /** @type {any} */
  _grid;
  /** @type {DeliberationOut[]} */
  _versions;
  /** @type {null | string} */
  _baseFp;
  /** @type {null | { version: number, proposal: any }} */
  _base;
  /** @type {Form} */
  _form;
  /** @type {boolean} */
  _dirty;
  /** @type {boolean} */
  _editingNew;
  /** @type {any} */
  _summary;
  /** @type {any} */
  _preview;
  /** @type {any} */
  _readiness;
  /** @type {boolean} */
  _busy;
  /** @type {boolean} */
  _remoteWhileBusy;
  /** @type {Map<string, StatusCells>} */
  _cells;
  /** @type {Map<string | undefined, HTMLElement>} */
  _aids;
  /** @type {Form | null} */
  _aside;
  /** @type {EvidenceValues | null} */
  _evidencePending;
  /** @type {null | string} */
  _evidenceSavedAt;
  /** @type {number} */
  _load;
  /** @type {HTMLParagraphElement} */
  _versionLine;
  /** @type {HTMLDivElement} */
  _message;
  /** @type {HTMLDivElement} */
  _draftBox;
  /** @type {HTMLFormElement} */
  _formEl;
  /** @type {HTMLDivElement} */
  _ccpsEl;
  /** @type {HTMLFieldSetElement} */
  _titleEl;
  /** @type {HTMLTextAreaElement} */
  _justification;
  /** @type {HTMLDivElement} */
  _justificationText;
  /** @type {HTMLUListElement} */
  _problems;
  /** @type {HTMLButtonElement} */
  _saveBtn;
  /** @type {HTMLButtonElement} */
  _cancelBtn;
  /** @type {HTMLButtonElement} */
  _newBtn;
  /** @type {HTMLElement} */
  _transversalEl;
  /** @type {HTMLElement} */
  _previewEl;
  /** @type {HTMLElement} */
  _readyEl;
  /** @type {HTMLElement} */
  _evidenceEl;
  /** @type {HTMLElement} */
  _signEl;
  /** @type {HTMLElement} */
  _decisionEl;
  /** @type {HTMLDetailsElement} */
  _historyEl;
  /** @type {number | null | undefined} the voided version the panel has told of */
  _voidedSaid;
  /** @type {HTMLParagraphElement} */
  _titleHint;
  /** @type {HTMLButtonElement | null} */
  _signBtn;
  /** @type {HTMLParagraphElement} */
  _signHint;

  constructor() {
    super();
    this._uid = `dp${++uid}`;
    this._reset();
  }

  _reset() {
    this._grid = null; // GET …/evaluation
    this._versions = [];
    this._baseFp = null; // the version the form is based on
    this._base = null; // the same, as the server checks it: { version, proposal } or null
    this._form = emptyForm();
    this._dirty = false;
    this._editingNew = false;
    this._summary = null; // GET …/certification
    this._preview = null;
    this._readiness = null; // GET …/deliberation/readiness
    this._busy = false;
    this._remoteWhileBusy = false;
    this._cells = new Map();
    this._aids = new Map();
    this._aside = null;
    this._evidencePending = null;
    this._evidenceSavedAt = null;
    this._load = 0;
  }

  _build() {
    if (this._formEl) return;
    this.classList.add("deliberation-panel");
    this._versionLine = el("p", "dp-version");
    this._versionLine.setAttribute("role", "status");
    this._message = el("div", "dp-message");
    this._message.setAttribute("role", "alert");
    this._draftBox = el("div", "dp-draft");
    this._draftBox.hidden = true;
    this._formEl = el("form", "dp-form");
    this._formEl.noValidate = true;
    this._formEl.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this._save();
    });
    this._ccpsEl = el("div", "dp-ccps");
    this._titleEl = el("fieldset", "dp-title");
    this._justification = document.createElement("textarea");
    Object.assign(this._justification, { id: `${this._uid}-justification`, rows: 6, maxLength: 20000, required: true, lang: "fr" });
    this._justification.addEventListener("input", () => this._changed({ justification: this._justification.value }));
    const jLabel = el("label", "", "Justification du jury (obligatoire)");
    jLabel.htmlFor = this._justification.id;
    this._justificationText = el("div", "dp-justification-text");
    const jWrap = el("div", "dp-justification");
    jWrap.append(jLabel, this._justification, this._justificationText);
    this._problems = el("ul", "dp-problems");
    this._saveBtn = control("primary", "Enregistrer la proposition", "submit");
    this._cancelBtn = control("", "Annuler mes modifications");
    this._cancelBtn.addEventListener("click", () => this._discard());
    this._newBtn = control("", "Proposer une nouvelle version");
    this._newBtn.addEventListener("click", () => this._startNewVersion());
    const actions = el("div", "dp-actions");
    actions.append(this._saveBtn, this._cancelBtn, this._newBtn);
    this._formEl.append(this._ccpsEl, this._titleEl, jWrap, this._problems, actions);
    this._transversalEl = el("section", "dp-transversal");
    this._previewEl = el("section", "dp-preview");
    this._readyEl = el("section", "dp-readiness");
    this._evidenceEl = el("section", "dp-evidence");
    this._signEl = el("section", "dp-signatures");
    this._decisionEl = el("section", "dp-decision");
    this._historyEl = el("details", "dp-history");
    this.append(el("h2", "", "Délibération"), this._versionLine, this._message, this._draftBox, this._formEl,
      this._transversalEl, this._previewEl, this._evidenceEl, this._readyEl, this._signEl, this._decisionEl, this._historyEl);
  }

  // Emptied: nothing of the candidate stays on the page (unbound).
  _clear() {
    if (!this._formEl) return;
    for (const node of [this._ccpsEl, this._titleEl, this._problems, this._transversalEl, this._previewEl,
      this._evidenceEl, this._readyEl, this._signEl, this._decisionEl, this._historyEl, this._draftBox]) node.replaceChildren();
    this._draftBox.hidden = true;
    this._justification.value = "";
    this._versionLine.textContent = "";
    this._say("");
  }

  /** @returns {DeliberationOut | null} */
  get current() {
    return this._versions.length ? this._versions[this._versions.length - 1] : null;
  }

  get _juror() {
    return Boolean(this._ctx && this._ctx.me && this._ctx.me.role === "juror");
  }

  get _locked() {
    return viewOf({ juror: this._juror, current: this.current, editingNew: this._editingNew }).locked;
  }

  get _readOnly() {
    return viewOf({ juror: this._juror, current: this.current, editingNew: this._editingNew }).readOnly;
  }

  _key(suffix = "") {
    return `plateau.deliberation.${this._ctx?.candidateId}${suffix}`;
  }

  get _competences() {
    return (this._grid && this._grid.competences) || [];
  }

  get _rules() {
    return {
      competences: this._competences,
      ccpCodes: /** @type {string[]} */ (ccpGroups(this._competences).map((g) => g.code)),
      titleRequired: Boolean(this._grid && (this._grid.interview_topics || []).includes("final")),
    };
  }


  // ---- what the buttons do: deliberation-versions.js and deliberation-panel.js -------------

  /** @param {FormPatch} _patch */
  _changed(_patch) {}

  _discard() {}

  _startNewVersion() {}

  async _save() {}

  async _sign() {}

  /**
   * @param {string[]} _kinds
   * @param {boolean | null} _fromTraining
   * @param {import("./deliberation-view.js").EvidenceBase} _base
   * @returns {Promise<string | null>} the French error, or null once saved
   */
  async _saveEvidence(_kinds, _fromTraining, _base) {
    return null;
  }

  // ---- rendering --------------------------------------------------------------------------

  /**
   * @param {string} text
   * @param {"info" | "ok" | "error" | "conflict"} [kind]
   */
  _say(text, kind = "info") {
    this._message.textContent = text;
    this._message.className = `dp-message${text ? ` dp-${kind}` : ""}`;
    this._message.dataset.kind = text ? kind : "";
    if (text && kind === "conflict") this._message.scrollIntoView({ block: "nearest" });
  }

  _render() {
    if (!this._grid) return;
    this.dataset.locked = String(this._locked);
    this.dataset.readonly = String(this._readOnly);
    this._renderStatus();
    this._renderForm();
    this._renderChecks();
    this._transversalEl.replaceChildren(...transversalNodes(this._grid.transversal));
    this._renderSignatures();
    this._renderFacts();
    const older = this._versions.slice(0, -1);
    this._historyEl.hidden = !older.length;
    this._historyEl.replaceChildren(...historyNodes(older));
  }

  _renderStatus() {
    const v = this.current;
    this.dataset.version = v ? String(v.version) : "";
    this._versionLine.textContent = versionLine(v, this._juror);
  }

  _renderForm() {
    const readOnly = this._readOnly;
    const form = this._form;
    const onChange = (/** @type {FormPatch} */ patch) => this._changed(patch);
    this._cells = new Map();
    this._aids = new Map();
    const groups = ccpGroups(this._competences);
    this._ccpsEl.replaceChildren(
      ...(groups.length
        ? groups.map((group) => {
            const s = ccpSection({ uid: this._uid, group, form, readOnly, onChange });
            for (const [code, cells] of s.cells) this._cells.set(code, cells);
            this._aids.set(group.code, s.aid);
            return s.node;
          })
        : [el("p", "muted", "Pas de grille : aucune compétence à délibérer.")]),
    );
    const required = this._rules.titleRequired;
    const options = required ? TITLE_OUTCOMES : { "": "Sans objet (session CCP)", ...TITLE_OUTCOMES };
    this._titleHint = el("p", "dp-hint small");
    this._titleEl.replaceChildren(
      el("legend", "", required ? "Titre professionnel" : "Titre professionnel (session CCP : facultatif)"),
      radios(`${this._uid}-title`, options, form.title || "", (v) => onChange({ title: v || null }), { disabled: readOnly, label: "Proposition pour le titre" }),
      el("p", "small muted", RULE),
      this._titleHint,
    );
    // The textarea stays the same element: the caret is kept when its text does not change.
    if (this._justification.value !== (form.justification || "")) this._justification.value = form.justification || "";
    this._justification.hidden = readOnly;
    this._justificationText.hidden = !readOnly;
    this._justificationText.textContent = form.justification || "—";
  }

  /** @param {boolean} [show] list the problems even if none was listed yet */
  _renderChecks(show = false) {
    if (!this._grid || !this._titleHint) return;
    const rules = this._rules;
    const problems = this._readOnly ? [] : check(this._form, rules);
    const titleProblem = this._form.title ? problems.find((p) => p.field === "title") : null;
    const suggested = titleFor(this._form, rules.ccpCodes);
    this._titleHint.textContent = titleProblem
      ? `Incohérent : ${titleProblem.text}${suggested ? ` Proposition cohérente : « ${TITLE_OUTCOMES[suggested]} ».` : ""}`
      : "";
    this._titleHint.classList.toggle("dp-warn", Boolean(titleProblem));
    if (show || this._problems.childElementCount) this._problems.replaceChildren(...problems.map((p) => el("li", "", p.text)));
    this._renderButtons();
  }

  _renderButtons() {
    if (!this._saveBtn) return;
    const b = buttonsOf({
      juror: this._juror,
      locked: this._locked,
      readOnly: this._readOnly,
      busy: this._busy,
      dirty: this._dirty,
      editingNew: this._editingNew,
      current: this.current,
      readiness: this._readiness,
      myId: this._ctx && this._ctx.me ? this._ctx.me.subject_id : null,
    });
    this._saveBtn.hidden = b.saveHidden;
    this._saveBtn.disabled = b.saveDisabled;
    this._cancelBtn.hidden = b.cancelHidden;
    this._newBtn.hidden = b.newHidden;
    if (!this._signBtn) return;
    this._signBtn.hidden = b.signHidden;
    this._signBtn.disabled = b.signDisabled;
    this._signHint.textContent = b.signHint;
  }

  _renderSignatures() {
    const v = this.current;
    this._signBtn = null;
    this._signEl.replaceChildren(el("h3", "", "Signatures"));
    if (!v) {
      this._signEl.append(el("p", "muted", "Rien à signer : enregistrez d'abord une proposition."));
      return;
    }
    const ctx = /** @type {JuryContext} */ (this._ctx);
    const list = signatureList(v, { myId: ctx.me ? ctx.me.subject_id : null, capacity: ctx.capacity, juror: this._juror });
    this._signBtn = control("primary dp-sign", `Signer la version ${v.version}`);
    this._signHint = el("p", "small muted dp-sign-hint");
    const slot = el("div");
    this._signBtn.addEventListener("click", () => {
      const close = () => {
        slot.replaceChildren();
        this._signBtn?.focus();
      };
      const { box, yes } = signConfirmation(v, {
        onCancel: close,
        onConfirm: () => {
          slot.replaceChildren();
          this._sign();
        },
      });
      slot.replaceChildren(box);
      yes.focus();
    });
    this._signEl.append(list, this._signBtn, this._signHint, slot);
    this._renderButtons();
  }

  // The rules' decision for the saved version, the evidence, and the decision taken.
  _renderFacts() {
    const settled = this._locked && !this._editingNew;
    this._previewEl.hidden = settled; // once signed, the decision taken says it
    this._previewEl.replaceChildren(el("h3", "", "Décision selon les règles d'obtention"), ...previewNodes(this._preview));
    this._readyEl.hidden = settled;
    this._readyEl.replaceChildren(el("h3", "", "Avant de signer"), ...readinessNodes(this._readiness));
    this._evidenceEl.replaceChildren(el("h3", "", "Pièces dont dispose le jury"));
    if (this._summary) {
      this._evidenceEl.append(
        ...evidenceNodes(this._summary, {
          uid: this._uid,
          editable: this._juror && !settled,
          pending: this._evidencePending,
          savedAt: this._evidenceSavedAt,
          onChange: (values) => (this._evidencePending = values),
          onSubmit: (kinds, from, base) => this._saveEvidence(kinds, from, base),
        }),
      );
    }
    const s = this._summary;
    const taken = this._locked && s && !s.error && s.decision;
    this._decisionEl.replaceChildren(...(taken ? takenNodes(s, /** @type {DeliberationOut} */ (this.current)) : []));
  }
}
