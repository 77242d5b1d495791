// <deliberation-panel>'s versions (deliberation-panel.js tells what the panel is and does): the
// saved versions read from the page (GET …/evaluation, then the rules' facts: the evidence, the
// decision preview, the readiness), the version the form is based on and the check a save or a
// signature makes against the server's last version, and the other juror's changes heard
// meanwhile (evaluation.deliberation): a conflict reloads the saved version and sets this
// juror's unsaved entry aside (« Reprendre ma saisie »), kept locally like the entry itself.
import { ccpGroups, draftOnLoad, emptyForm, fingerprint, formFrom, formFromGrid, sameForm } from "./deliberation-model.js";
import { DeliberationRendering } from "./deliberation-rendering.js";
import { heardAction } from "./deliberation-state.js";
import { aidText, asideNodes, fillStatus, transversalNodes } from "./deliberation-view.js";
import { errorText, hhmm, readLocal, writeLocal } from "./review-common.js";

/** @typedef {import("../types/events.js").DeliberationOut} DeliberationOut */
/** @typedef {import("./deliberation-model.js").Form} Form */
/** @typedef {import("./observer-common.js").JuryContext} JuryContext */

export class DeliberationVersions extends DeliberationRendering {
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
    const action = heardAction(version, { busy: this._busy, baseFp: this._baseFp, versions: this._versions });
    if (action === "voided") {
      // A change after a signature: its signatures no longer count, a new version follows.
      const n = Object.keys(version.signatures || {}).length;
      this._say(`Signature${n > 1 ? "s" : ""} de la version ${version.version} annulée${n > 1 ? "s" : ""} : ${version.voided_reason}. La version suivante est à relire et à signer par les deux jurés.`, "conflict");
      this._voidedSaid = version.version;
      if (!this._busy) this.reload();
      else this._remoteWhileBusy = true;
      return;
    }
    if (action === "later") {
      this._remoteWhileBusy = true;
      return;
    }
    if (action === "changed") {
      this._changedByOther(version);
      return;
    }
    // Same proposal: a signature (or the lock) changed — unless this is what we already hold:
    // the echo of our own save or signature arriving after its answer (or an event the
    // snapshot already reflected) changes nothing and says nothing.
    if (action === "known") return;
    const known = this._versions.find((v) => v.version === version.version);
    if (known) Object.assign(known, version);
    if (action === "locked") {
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

  _persist() {
    writeLocal(this._key(), { baseFp: this._baseFp, form: this._form, at: Date.now() });
  }

  // ---- the version the form is based on, checked against the server's -------------------

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
}
