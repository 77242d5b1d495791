// <pack-chooser>: the session's scenario pack — shown when the session was created without
// one (or while no candidate has started, to change it); the server refuses a change once a
// candidate has begun and says so.
//   chooser.show({ session: SessionOut, packs: catalogue.packs })
//   events: "pack-choose" ({ packId })
//   chooser.result(errorMessage | null)
import { button, el, field, select } from "./components/dom.js";

/** @typedef {import("./types/http.js").SessionOut} SessionOut */
/** @typedef {import("./types/http.js").PackOut} PackOut */

export class PackChooser extends HTMLElement {
  /** @type {HTMLHeadingElement} */
  _title;
  /** @type {HTMLParagraphElement} */
  _current;
  /** @type {HTMLElement} */
  _field;
  /** @type {HTMLSelectElement} */
  _select;
  /** @type {HTMLButtonElement} */
  _button;
  /** @type {HTMLParagraphElement} */
  _error;

  connectedCallback() {
    if (this._select) return;
    this.classList.add("panel");
    this._title = el("h2", "", "Sujet de la session");
    this._current = el("p", "small");
    const [packField, packSelect] = field("Pack de scénarios", select([]), { name: "pack" });
    this._field = packField;
    this._select = packSelect;
    this._button = button("Choisir ce pack", { className: "primary" });
    this._error = el("p", "error small");
    this._error.setAttribute("role", "alert");
    this._button.addEventListener("click", () => {
      if (!this._select.value) return this.result("Choisissez un pack.");
      this._button.disabled = true;
      this.dispatchEvent(new CustomEvent("pack-choose", { detail: { packId: this._select.value } }));
    });
    const row = el("div", "row");
    row.append(this._field, this._button);
    this.append(this._title, this._current, row, this._error);
  }

  /** @param {{ session: SessionOut, packs: PackOut[] }} data the session and the packs (GET /api/catalogue) */
  show({ session, packs }) {
    const fits = (packs || []).filter(
      (p) => p.title === session.title_id && p.formats.includes(session.format_id),
    );
    this._current.textContent = session.pack_label
      ? `Pack figé : ${session.pack_label}. Il peut encore changer tant qu'aucun candidat n'a commencé.`
      : "Aucun pack : sans sujet, ni dossier pour les candidats ni fiches pour le jury. Choisissez-en un avant le premier départ.";
    this._current.className = session.pack_label ? "small" : "small warn";
    // A refresh in the background (an event, another action) keeps what the organiser chose.
    const chosen = this._select.value;
    this._select.replaceChildren(
      new Option("— choisir —", ""),
      ...fits.map((p) => new Option(`${p.name || p.id} — version ${p.version}`, p.id)),
    );
    if (chosen && fits.some((p) => p.id === chosen)) this._select.value = chosen;
    this._button.textContent = session.pack_label ? "Changer de pack" : "Choisir ce pack";
  }

  /** @param {string | null | undefined} error */
  result(error) {
    this._button.disabled = false;
    this._error.textContent = error || "";
  }
}

if (!customElements.get("pack-chooser")) customElements.define("pack-chooser", PackChooser);
