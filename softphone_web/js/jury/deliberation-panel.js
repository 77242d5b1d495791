// <deliberation-panel>: the jury's deliberation for one candidate.
// - The grid's synthesis as the server computes it (GET …/evaluation: each competence's status
//   and mark counts, grouped by CCP, kept current as marks change; the transversal competences
//   with how they were derived).
// - The jury's proposal: each competence acquise / non acquise, each CCP obtenu / non obtenu, the
//   title (titre obtenu / CCP seulement / non obtenu; required when the format has the final
//   interview) and the justification (always required), checked as the server checks them.
// - The decision the rules would take from the saved version, with the rule applied
//   (GET …/certification/decision/preview), the evidence the jury has (GET …/certification) and
//   the pieces of the file the jury declares (PUT …/certification/evidence).
// - Versioned edits: PUT …/evaluation/deliberation. The panel keeps the version it shows; before
//   saving or signing it checks that the other juror did not change it meanwhile (it also
//   listens to `evaluation.deliberation`): if they did, a French message says so, the saved
//   version is reloaded and this juror's unsaved entry is set aside (« Reprendre ma saisie »).
//   Unsaved entries survive a reload (localStorage).
// - Before anyone signs, what keeps the rules from deciding (GET …/deliberation/readiness: a
//   competence proposed « acquise » without evaluation nor written reason, a missing piece, the
//   rule that refuses); the sign button waits until the list is empty. A competence proposed
//   « acquise » that the grid never evaluated asks for the jury's reason beside it.
// - A signature covers the proposal, the pieces and the decision (their seal): a change after
//   a signature — a piece ticked included — voids it and makes a new version, which the panel
//   says and shows (the voided version stays in the history with why).
// - Each juror's signature (POST …/deliberation/sign, after a confirmation). Once both signed,
//   the version is locked, the decision is taken and the panel turns read-only, showing who
//   signed when and the decision. A later change (« Proposer une nouvelle version ») makes a new
//   version that both sign again.
// Server refusals (409/422, French message) are shown; nothing typed is lost.
// The panel fetches nothing itself: it asks the page (jury/panel-requests.js) and the page's
// controller (juror-grid-feeds.js) does each call above and hands back the answer or the error.
//
//   panel.bind(ctx);  panel.unbind();   // ctx: see the jury page's contract
//   panel.current                       // the last version as the server gave it, or null
import { el } from "../components/dom.js";
import {
  TITLE_OUTCOMES,
  body,
  ccpGroups,
  check,
  draftOnLoad,
  emptyForm,
  fingerprint,
  formFrom,
  formFromGrid,
  sameForm,
  titleFor,
} from "./deliberation-model.js";
import {
  aidText,
  asideNodes,
  ccpSection,
  evidenceNodes,
  fillStatus,
  historyNodes,
  previewNodes,
  radios,
  readinessNodes,
  signConfirmation,
  signatureList,
  takenNodes,
  transversalNodes,
} from "./deliberation-view.js";
import { dayAndTime, errorText, hhmm, readLocal, writeLocal } from "./review-common.js";
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
/** @typedef {import("./deliberation-view.js").FormPatch} FormPatch */
/** @typedef {import("./deliberation-view.js").StatusCells} StatusCells */
/** @typedef {import("./deliberation-view.js").EvidenceValues} EvidenceValues */
/** @typedef {import("./observer-common.js").JuryContext} JuryContext */
/** @typedef {Error & { data?: { blocking?: any[], deliberation?: any } }} SignRefusal an ApiError: what blocks, or the new version */

export class DeliberationPanel extends RequestingPanel {
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
    /** @type {Record<string, ReturnType<typeof setTimeout>>} */
    this._timers = {};
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

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", () => this.reload());
    on("evaluation.deliberation", (msg) => mine(msg) && msg.deliberation && this._heard(msg.deliberation));
    on("evaluation.mark", (msg) => mine(msg) && this._later("grid", () => this._refreshGrid(), 800));
    on("certification.decision", (msg) => mine(msg) && this._later("facts", () => this._refreshFacts(), 200));
    on("certification.evidence", (msg) => mine(msg) && this._later("facts", () => this._refreshFacts(), 200));
    on("certification.person", (msg) => mine(msg) && this._later("facts", () => this._refreshFacts(), 200));
    on("timeline", (msg) => mine(msg) && this._later("facts", () => this._refreshFacts(), 500));
    this._ccpsEl.replaceChildren(el("p", "muted", "Chargement de la délibération…"));
    this.reload();
  }

  unbound() {
    for (const t of Object.values(this._timers)) clearTimeout(t);
    this._timers = {};
    this._reset();
    if (!this._formEl) return;
    for (const node of [this._ccpsEl, this._titleEl, this._problems, this._transversalEl, this._previewEl,
      this._evidenceEl, this._readyEl, this._signEl, this._decisionEl, this._historyEl, this._draftBox]) node.replaceChildren();
    this._draftBox.hidden = true;
    this._justification.value = "";
    this._versionLine.textContent = "";
    this._say("");
  }

  get current() {
    return this._versions.length ? this._versions[this._versions.length - 1] : null;
  }

  /**
   * @param {string} name
   * @param {() => void} fn
   * @param {number} ms
   */
  _later(name, fn, ms) {
    clearTimeout(this._timers[name]);
    this._timers[name] = setTimeout(fn, ms);
  }

  get _juror() {
    return Boolean(this._ctx && this._ctx.me && this._ctx.me.role === "juror");
  }

  get _locked() {
    return Boolean(this.current && this.current.locked);
  }

  get _readOnly() {
    return !this._juror || (this._locked && !this._editingNew);
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

  // ---- loading ----------------------------------------------------------------------------

  async reload() {
    const ctx = this._ctx;
    if (!ctx) return;
    const load = ++this._load;
    this.setAttribute("aria-busy", "true");
    try {
      const grid = await this.ask("evaluation-wanted", { candidateId: ctx.candidateId });
      if (load !== this._load) return;
      this._grid = grid;
      this._adopt(grid.deliberations || []);
    } catch (err) {
      if (load === this._load) this._say(`Délibération non chargée : ${errorText(err)}`, "error");
      return;
    } finally {
      if (load === this._load) this.setAttribute("aria-busy", "false");
    }
    this._refreshFacts();
  }

  // The server's versions: the form shows the last one; this juror's unsaved entry (kept
  // locally) comes back if it was typed on that same version, else it is set aside.
  /** @param {DeliberationOut[]} versions */
  _adopt(versions) {
    this._versions = versions;
    this._based(this.current);
    this._editingNew = false;
    const saved = formFrom(this.current) || formFromGrid(this._competences);
    this._form = saved;
    this._dirty = false;
    const local = this._juror ? readLocal(this._key()) : null;
    const draft = draftOnLoad(local, saved, this._baseFp);
    if (draft === "forget") {
      writeLocal(this._key(), null);
    } else if (draft === "restore") {
      this._form = local.form;
      this._dirty = true;
      this._editingNew = this._locked;
      this._say("Votre saisie non enregistrée a été retrouvée sur ce poste : pensez à l'enregistrer.", "info");
    } else if (draft === "aside") {
      writeLocal(this._key(), null);
      this._setAside(local.form);
    }
    const aside = this._juror ? readLocal(this._key(".aside")) : null;
    if (aside && aside.form && !sameForm(aside.form, saved)) this._setAside(aside.form);
    else if (aside) this._dropAside();
    this._render();
  }

  async _refreshGrid() {
    const ctx = this._ctx;
    if (!ctx) return;
    let grid;
    try {
      grid = await this.ask("evaluation-wanted", { candidateId: ctx.candidateId });
    } catch {
      return; // the synthesis stays as it was; the next reload brings it
    }
    if (this._ctx !== ctx) return;
    this._grid = { ...grid, deliberations: this._versions };
    if (!this.current && !this._dirty && this._juror) {
      this._form = formFromGrid(this._competences); // nothing proposed or typed: follow the grid
      this._renderForm();
      this._renderChecks();
    } else {
      for (const c of this._competences) {
        const cells = this._cells.get(c.code);
        if (cells) fillStatus(cells, c);
      }
      for (const g of ccpGroups(this._competences)) {
        const aid = this._aids.get(g.code);
        if (aid) aid.textContent = aidText(g);
      }
    }
    this._transversalEl.replaceChildren(...transversalNodes(this._grid.transversal));
  }

  async _refreshFacts() {
    const ctx = this._ctx;
    if (!ctx) return;
    const failed = (/** @type {unknown} */ err) => ({ error: errorText(err) });
    const asked = { candidateId: ctx.candidateId };
    const [summary, preview, readiness] = await Promise.all([
      this.ask("certification-wanted", asked).catch(failed),
      this.ask("decision-preview-wanted", asked).catch(failed),
      this.ask("readiness-wanted", asked).catch(failed),
    ]);
    if (this._ctx !== ctx) return;
    this._summary = summary;
    this._preview = preview;
    this._readiness = readiness;
    this._renderFacts();
    this._renderButtons();
  }

  // ---- the other juror's changes ------------------------------------------------------------

  /** @param {DeliberationOut} version */
  _heard(version) {
    if (version.voided) {
      // A change after a signature: its signatures no longer count, a new version follows.
      const n = Object.keys(version.signatures || {}).length;
      this._say(`Signature${n > 1 ? "s" : ""} de la version ${version.version} annulée${n > 1 ? "s" : ""} : ${version.voided_reason}. La version suivante est à relire et à signer par les deux jurés.`, "conflict");
      this._voidedSaid = version.version;
      if (!this._busy) this.reload();
      else this._remoteWhileBusy = true;
      return;
    }
    if (this._busy) {
      this._remoteWhileBusy = true;
      return;
    }
    if (fingerprint(version) !== this._baseFp) {
      this._changedByOther(version);
      return;
    }
    // Same proposal: a signature (or the lock) changed — unless this is what we already hold:
    // the echo of our own save or signature arriving after its answer (or an event the
    // snapshot already reflected) changes nothing and says nothing.
    const known = this._versions.find((v) => v.version === version.version);
    if (
      known &&
      Boolean(known.locked) === Boolean(version.locked) &&
      JSON.stringify(known.signatures || {}) === JSON.stringify(version.signatures || {})
    ) {
      return;
    }
    if (known) Object.assign(known, version);
    if (version.locked) {
      this._say("La délibération est signée par les deux jurés : la décision est prise.", "info");
      this._render();
      this._refreshFacts();
    } else {
      this._renderStatus();
      this._renderSignatures();
    }
  }

  /** @param {DeliberationOut | null} version the last version on the server */
  _changedByOther(version) {
    if (this._dirty) {
      writeLocal(this._key(), null);
      this._setAside(this._form);
      const when = version && !version.locked ? `, proposée à ${hhmm(version.created_at)}` : "";
      this._say(
        `L'autre juré a modifié la délibération pendant votre saisie (version ${version ? version.version : "?"}${when}). ` +
          "La version enregistrée est rechargée ; votre saisie non enregistrée est conservée ci-dessous : « Reprendre ma saisie » la remet dans le formulaire.",
        "conflict",
      );
    } else if (this._voidedSaid !== (version ? version.version - 1 : null)) {
      this._say(`La délibération a été modifiée par l'autre juré : la version ${version ? version.version : ""} est affichée.`, "info");
    }
    this._dirty = false;
    this.reload();
  }

  // Keeps this juror's entry beside the form (and locally) after a conflict.
  /** @param {Form} form */
  _setAside(form) {
    this._aside = form;
    writeLocal(this._key(".aside"), { form, at: Date.now() });
    this._draftBox.hidden = false;
    this._draftBox.replaceChildren(...asideNodes(form, { onTake: () => this._takeBack(), onDrop: () => this._dropAside() }));
  }

  _dropAside() {
    this._aside = null;
    writeLocal(this._key(".aside"), null);
    this._draftBox.hidden = true;
    this._draftBox.replaceChildren();
  }

  _takeBack() {
    if (!this._aside) return;
    const form = { ...emptyForm(), ...JSON.parse(JSON.stringify(this._aside)) };
    this._dropAside();
    this._form = form;
    this._dirty = true;
    this._editingNew = this._locked;
    this._persist();
    this._say("Votre saisie est reprise sur la dernière version : vérifiez-la puis enregistrez.", "info");
    this._render();
    this._justification.focus();
  }

  // ---- editing and saving -------------------------------------------------------------------

  /** @param {FormPatch} patch */
  _changed(patch) {
    if (this._readOnly) return;
    if (patch.competence) this._form.competences[patch.competence[0]] = patch.competence[1];
    else if (patch.ccp) this._form.ccps[patch.ccp[0]] = patch.ccp[1];
    else if (patch.reason) this._form.reasons = { ...(this._form.reasons || {}), [patch.reason[0]]: patch.reason[1] };
    else Object.assign(this._form, patch);
    this._dirty = true;
    this._persist();
    if (patch.competence) {
      // The reason box beside a competence comes and goes with « acquise »: redraw, keep focus.
      const focused = document.activeElement && this.contains(document.activeElement) ? document.activeElement.id : null;
      this._renderForm();
      if (focused) document.getElementById(focused)?.focus();
    }
    this._renderChecks();
  }

  _persist() {
    writeLocal(this._key(), { baseFp: this._baseFp, form: this._form, at: Date.now() });
  }

  _discard() {
    writeLocal(this._key(), null);
    this._form = formFrom(this.current) || formFromGrid(this._competences);
    this._dirty = false;
    this._editingNew = false;
    this._say("");
    this._render();
  }

  _startNewVersion() {
    this._editingNew = true;
    this._say(`Nouvelle version : la version ${/** @type {DeliberationOut} */ (this.current).version} reste signée tant que la nouvelle n'est pas enregistrée ; les deux jurés devront signer la nouvelle.`, "info");
    this._render();
    this._justification.focus();
  }

  /** @param {DeliberationOut | null} version */
  _based(version) {
    this._baseFp = fingerprint(version);
    this._base = version ? { version: version.version, proposal: version.proposal } : null;
  }

  // A save or a signature sent with the version it is based on: the server refuses it (409)
  // if the other juror changed that version in between; then the conflict is handled as one
  // heard (resolves to null). Other refusals are thrown as they are.
  /**
   * @param {() => Promise<DeliberationOut>} send
   * @returns {Promise<DeliberationOut | null>}
   */
  async _checked(send) {
    try {
      return await send();
    } catch (err) {
      const latest = await this._latest().catch(() => undefined);
      if (latest !== undefined && fingerprint(latest) !== this._baseFp) {
        this._changedByOther(latest);
        return null;
      }
      throw err;
    }
  }

  // The last version on the server: what a save or a signature is checked against.
  /** @returns {Promise<DeliberationOut | null>} */
  async _latest() {
    const ctx = /** @type {JuryContext} */ (this._ctx);
    /** @type {DeliberationOut[]} */
    const versions = await this.ask("deliberation-versions-wanted", { candidateId: ctx.candidateId });
    return versions.length ? versions[versions.length - 1] : null;
  }

  /** @param {DeliberationOut} out */
  _store(out) {
    const i = this._versions.findIndex((v) => v.version === out.version);
    if (i < 0) this._versions.push(out);
    else this._versions[i] = out;
  }

  async _save() {
    if (this._readOnly || this._busy) return;
    if (check(this._form, this._rules).length) {
      this._renderChecks(true);
      this._say("La proposition n'est pas complète : voir ci-dessous.", "error");
      return;
    }
    const ctx = this._ctx;
    if (!ctx) return;
    await this._guarded(async () => {
      const latest = await this._latest();
      if (fingerprint(latest) !== this._baseFp) return this._changedByOther(latest);
      const out = await this._checked(() =>
        this.ask("deliberation-save", { candidateId: ctx.candidateId, body: { ...body(this._form), base: this._base } }),
      );
      if (!out || this._ctx !== ctx) return;
      writeLocal(this._key(), null);
      this._store(out);
      this._based(out);
      this._form = /** @type {Form} */ (formFrom(out));
      this._dirty = false;
      this._editingNew = false;
      this._say(`Proposition enregistrée (version ${out.version}) à ${hhmm(new Date().toISOString())}. Les deux jurés doivent maintenant la signer.`, "ok");
      this._render();
      this._refreshFacts();
    });
  }

  async _sign() {
    if (!this._juror || this._busy || this._dirty) return;
    const ctx = this._ctx;
    if (!ctx) return;
    await this._guarded(async () => {
      const latest = await this._latest();
      if (fingerprint(latest) !== this._baseFp) return this._changedByOther(latest);
      try {
        const out = await this._checked(() =>
          this.ask("deliberation-sign", { candidateId: ctx.candidateId, base: this._base }),
        );
        if (!out || this._ctx !== ctx) return;
        this._store(out);
        this._say(
          out.locked
            ? `Délibération signée par les deux jurés (version ${out.version}) : la décision est prise.`
            : "Votre signature est enregistrée ; la décision sera prise à la signature de l'autre juré.",
          "ok",
        );
        this._render();
      } catch (caught) {
        const err = /** @type {SignRefusal} */ (caught);
        // Refused: what blocks (the server's list) is shown where the jury reads it; a void
        // (the signed content changed) brings the new version.
        if (err.data && err.data.blocking) this._readiness = { version: /** @type {DeliberationOut} */ (this.current).version, can_sign: false, blocking: err.data.blocking };
        if (err.data && err.data.deliberation) this.reload();
        this._renderFacts();
        throw err;
      } finally {
        this._refreshFacts(); // a refusal names the missing evidence: the preview shows it too
      }
    });
  }

  // One request at a time; an error keeps everything as typed; a change heard meanwhile is
  // checked afterwards (our own echo is not a change).
  /** @param {() => Promise<unknown>} fn */
  async _guarded(fn) {
    this._busy = true;
    this._remoteWhileBusy = false;
    this._renderButtons();
    try {
      await fn();
    } catch (err) {
      this._say(errorText(err), "error");
    } finally {
      this._busy = false;
      this._renderButtons();
    }
    if (!this._remoteWhileBusy || !this._ctx) return;
    this._remoteWhileBusy = false;
    try {
      const latest = await this._latest();
      if (fingerprint(latest) !== this._baseFp) this._changedByOther(latest);
      else if (latest && JSON.stringify(latest.signatures) !== JSON.stringify((this.current || {}).signatures)) this.reload();
    } catch {
      /* the next event or snapshot reloads */
    }
  }

  /**
   * @param {string[]} kinds
   * @param {boolean | null} fromTraining
   * @returns {Promise<string | null>} the French error, or null once saved
   */
  async _saveEvidence(kinds, fromTraining) {
    try {
      const ctx = /** @type {JuryContext} */ (this._ctx);
      await this.ask("evidence-save", { candidateId: ctx.candidateId, kinds, from_training: fromTraining });
    } catch (err) {
      return errorText(err);
    }
    this._evidencePending = null;
    this._evidenceSavedAt = new Date().toISOString();
    await this._refreshFacts();
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
    if (!v) {
      this._versionLine.textContent = `Aucune proposition enregistrée${this._juror ? " : la proposition ci-dessous part de la grille" : ""}.`;
      return;
    }
    const signatures = Object.keys(v.signatures || {}).length;
    const state = v.locked
      ? `signée par les deux jurés le ${dayAndTime(v.locked_at)} — décision prise`
      : signatures ? "une signature sur deux" : "en attente des signatures";
    this._versionLine.textContent = `Version ${v.version} du ${dayAndTime(v.created_at)} : ${state}.`;
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
    const readOnly = this._readOnly;
    this._saveBtn.hidden = readOnly;
    this._saveBtn.disabled = this._busy;
    this._cancelBtn.hidden = readOnly || !this._dirty;
    this._newBtn.hidden = !(this._juror && this._locked && !this._editingNew);
    if (!this._signBtn) return;
    const v = this.current;
    const me = this._ctx && this._ctx.me ? this._ctx.me.subject_id : null;
    const signed = Boolean(v && me && (v.signatures || {})[me]);
    this._signBtn.hidden = !this._juror || !v || v.locked || signed;
    const blocked = Boolean(this._readiness && this._readiness.version === (v && v.version) && this._readiness.can_sign === false);
    this._signBtn.disabled = this._busy || this._dirty || blocked;
    this._signHint.textContent = this._signBtn.hidden
      ? ""
      : this._dirty
        ? "Enregistrez d'abord vos modifications : on signe une version enregistrée."
        : blocked
          ? "Signature impossible tant que les règles ne peuvent pas décider : voir ce qui manque ci-dessus."
          : "";
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
          onSubmit: (kinds, from) => this._saveEvidence(kinds, from),
        }),
      );
    }
    const s = this._summary;
    const taken = this._locked && s && !s.error && s.decision;
    this._decisionEl.replaceChildren(...(taken ? takenNodes(s, /** @type {DeliberationOut} */ (this.current)) : []));
  }
}

if (!customElements.get("deliberation-panel")) customElements.define("deliberation-panel", DeliberationPanel);
