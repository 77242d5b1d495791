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
// Taken out of the page while bound, it drops the refreshes on their way (delayed-calls.js)
// and reads again what it missed once put back.
// Its parts: deliberation-rendering.js draws it, deliberation-versions.js reads the versions and
// handles the other juror's changes, this module binds it to the page and does what the juror
// asks (edit, save, sign, declare the pieces); deliberation-state.js (what the juror may do)
// and deliberation-model.js (the rules) have no DOM.
//
//   panel.bind(ctx);  panel.unbind();   // ctx: see the jury page's contract
//   panel.current                       // the last version as the server gave it, or null
import { el } from "../components/dom.js";
import { check, fingerprint, formFrom, formFromGrid, body } from "./deliberation-model.js";
import { applyPatch } from "./deliberation-state.js";
import { DeliberationVersions } from "./deliberation-versions.js";
import { errorText, hhmm, writeLocal } from "./review-common.js";

/** @typedef {import("../types/events.js").DeliberationOut} DeliberationOut */
/** @typedef {import("./deliberation-model.js").Form} Form */
/** @typedef {import("./deliberation-state.js").FormPatch} FormPatch */
/** @typedef {import("./observer-common.js").JuryContext} JuryContext */
/** @typedef {Error & { data?: { blocking?: any[], deliberation?: any } }} SignRefusal an ApiError: what blocks, or the new version */

export class DeliberationPanel extends DeliberationVersions {
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

  // (Taken out of the page while bound, its refreshes on their way are dropped and read again
  // once put back: `_later`, jury-panel.js.)
  unbound() {
    this._reset();
    this._clear();
  }

  // ---- editing and saving -------------------------------------------------------------------

  /** @param {FormPatch} patch */
  _changed(patch) {
    if (this._readOnly) return;
    applyPatch(this._form, patch);
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
   * @param {import("./deliberation-view.js").EvidenceBase} base the pieces shown before the change
   * @returns {Promise<string | null>} the French error, or null once saved
   */
  async _saveEvidence(kinds, fromTraining, base) {
    try {
      const ctx = /** @type {JuryContext} */ (this._ctx);
      await this.ask("evidence-save", { candidateId: ctx.candidateId, kinds, from_training: fromTraining, base });
    } catch (err) {
      return errorText(err);
    }
    this._evidencePending = null;
    this._evidenceSavedAt = new Date().toISOString();
    await this._refreshFacts();
    return null;
  }
}

if (!customElements.get("deliberation-panel")) customElements.define("deliberation-panel", DeliberationPanel);
