// <seb-panel>: the session's Safe Exam Browser setting — required or not during the locked
// phases, the server address the workstations use, the quit password given to the proctors —
// and the link to the session's .seb file.
//   panel.show({ sessionId, settings: SebOut }); panel.formResult(errorMessage | null)
//   events: "seb-save" ({ required, origin, quit_password })
import { button, el, field, input } from "./components/dom.js";

/** @typedef {import("./types/http.js").SebOut} SebOut */
/** @typedef {import("./types/http.js").SebIn} SebIn */

export class SebPanel extends HTMLElement {
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {HTMLInputElement} */
  _required;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLButtonElement} */
  _submit;
  /** @type {HTMLAnchorElement} */
  _download;
  /** @type {HTMLDivElement} */
  _details;
  /** @type {HTMLFormElement} */
  _form;
  /** @type {HTMLInputElement} */
  _origin;
  /** @type {HTMLInputElement} */
  _password;
  /** @type {HTMLParagraphElement} */
  _after;
  /** @type {HTMLElement} */
  _file;
  /** @type {HTMLParagraphElement} */
  _noFile;
  /** @type {SebOut | undefined} */
  _settings;

  connectedCallback() {
    if (this._form) return;
    const intro = el(
      "p",
      "muted",
      "Sur des postes verrouillés par Safe Exam Browser (SEB), Plateau vérifie pendant les phases verrouillées que chaque requête du candidat vient de SEB avec la configuration de cette session ; sinon la requête est refusée et le surveillant prévenu.",
    );
    this._status = el("p", "seb-status");
    const form = el("form", "seb-form");
    form.noValidate = true;
    this._required = input("checkbox");
    this._required.id = "seb-required";
    const check = el("label", "seb-check", " Exiger Safe Exam Browser pendant les phases verrouillées");
    check.prepend(this._required);
    const [originField, origin] = field(
      "Adresse du serveur pour les postes candidats",
      input("url", { placeholder: location.origin, maxlength: "200" }),
      { name: "origin" },
    );
    const [passwordField, password] = field(
      "Mot de passe de sortie de SEB (pour les surveillants)",
      input("password", { autocomplete: "new-password", maxlength: "200" }),
      { name: "quit_password" },
    );
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    this._submit = button("Enregistrer", { type: "submit", className: "primary" });
    form.append(check, originField, passwordField, this._error, this._submit);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this._save();
    });
    this._download = el("a", "button primary", "Télécharger le fichier .seb de la session");
    this._download.setAttribute("download", "");
    this._details = el("div", "muted small seb-details");
    const after = el(
      "p",
      "muted small",
      "Ouvrez ce fichier sur chaque poste (double-clic) : SEB démarre sur la page du candidat. Après un changement d'adresse ou de mot de passe, téléchargez-le de nouveau et remplacez-le sur les postes.",
    );
    this._form = form;
    this._origin = origin;
    this._password = password;
    this._after = after;
    // Two columns: the setting on the left, the workstations' file on the right.
    const settings = el("section", "seb-settings");
    settings.append(el("h3", "", "Réglage de la session"), this._status, form);
    this._file = el("section", "seb-file");
    this._noFile = el("p", "muted small", "Le fichier .seb est disponible une fois SEB exigé et le mot de passe de sortie choisi.");
    this._file.append(el("h3", "", "Fichier des postes candidats"), this._noFile, this._download, this._details, after);
    const columns = el("div", "seb-columns");
    columns.append(settings, this._file);
    this.append(el("h2", "", "Safe Exam Browser"), intro, columns);
  }

  /** @param {{ sessionId: string, settings: SebOut }} session the session and its SEB settings (GET …/seb/settings) */
  show({ sessionId, settings }) {
    this._settings = settings;
    this._required.checked = settings.required;
    this._origin.value = settings.origin || "";
    this._password.value = "";
    this._password.placeholder = settings.quit_password_set ? "inchangé" : "obligatoire pour exiger SEB";
    const phases = (settings.locked_phases || []).join(" et ");
    this._status.textContent = settings.required
      ? `Exigé pendant : ${phases}.`
      : "Non exigé : les candidats travaillent dans un navigateur ordinaire (signalements du navigateur seulement).";
    const ready = Boolean(settings.config_key);
    this._download.hidden = !ready;
    this._after.hidden = !ready;
    this._noFile.hidden = ready;
    this._download.href = `/api/sessions/${encodeURIComponent(sessionId)}/seb`;
    this._details.replaceChildren();
    if (ready) {
      const dl = el("dl", "seb-keys");
      dl.append(el("dt", "", "Page de départ"), el("dd", "", settings.start_url), el("dt", "", "Config Key"), el("dd", "", settings.config_key));
      this._details.append(dl);
    }
    this._error.textContent = "";
    this._submit.disabled = false;
  }

  /** @param {string | null | undefined} error */
  formResult(error) {
    this._submit.disabled = false;
    this._error.textContent = error || "";
  }

  _save() {
    this._submit.disabled = true;
    this._error.textContent = "";
    /** @type {SebIn} the body of PUT …/seb */
    const detail = {
      required: this._required.checked,
      origin: this._origin.value.trim() || null,
      quit_password: this._password.value || null,
    };
    this.dispatchEvent(new CustomEvent("seb-save", { detail }));
  }
}

if (!customElements.get("seb-panel")) customElements.define("seb-panel", SebPanel);
