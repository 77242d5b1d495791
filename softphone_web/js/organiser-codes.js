// <code-sheet>: the printable access-code sheet of a session — one block per person (to cut
// out and hand over), with the sign-in address the workstations use (the server says it:
// PLATEAU_PUBLIC_URL or its LAN address; `origin` only if it says nothing).
//   sheet.show({ session: SessionOut, codes: [CodeOut], origin: location.origin })
//   events: "code-renew" ({ participantId, name })
import { button, el } from "./components/dom.js";
import { dayLabel } from "./components/format.js";

/** @typedef {import("./types/http.js").SessionOut} SessionOut */
/** @typedef {import("./types/http.js").CodeOut} CodeOut */

/** @type {Record<string, number>} */
const ROLE_ORDER = { candidate: 0, juror: 1, proctor: 2 };

/**
 * @param {string} origin
 * @param {string} code
 */
export function signInUrl(origin, code) {
  return `${origin}/connexion?code=${encodeURIComponent(code)}`;
}

export class CodeSheet extends HTMLElement {
  /** @type {HTMLButtonElement} */
  _print;
  /** @type {HTMLHeadingElement} */
  _heading;
  /** @type {HTMLDivElement} */
  _cards;
  /** @type {HTMLParagraphElement} */
  _empty;

  connectedCallback() {
    if (this._cards) return;
    const bar = el("div", "row no-print sheet-bar");
    const hint = el(
      "p",
      "muted",
      "Une fiche par personne, à découper et à remettre en main propre. Un code est personnel : « Nouveau code » rend l'ancien inutilisable.",
    );
    this._print = button("Imprimer les codes", { className: "primary" });
    this._print.addEventListener("click", () => window.print());
    bar.append(hint, this._print);
    this._heading = el("h2", "sheet-title");
    this._cards = el("div", "code-cards");
    this._empty = el("p", "muted", "Aucune personne dans cette session.");
    this.append(bar, this._heading, this._empty, this._cards);
  }

  /** @param {{ session: SessionOut, codes: CodeOut[], origin: string }} data the session and its sign-in codes */
  show({ session, codes, origin }) {
    this._heading.textContent = `Codes d'accès — ${session.centre} — ${dayLabel(session.day)} — ${session.format_name}`;
    const sorted = [...codes].sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9));
    this._cards.replaceChildren(...sorted.map((c) => this._card(c, origin, session)));
    this._empty.hidden = codes.length > 0;
    this._print.disabled = codes.length === 0;
  }

  /**
   * @param {CodeOut} c a sign-in code (role, name, code…)
   * @param {string} origin
   * @param {SessionOut} session
   */
  _card(c, origin, session) {
    const card = el("article", `code-card role-${c.role}`);
    card.dataset.participantId = c.participant_id;
    const url = c.sign_in_url || signInUrl(origin, c.code);
    const head = el("div", "code-card-head");
    head.append(el("span", "badge", c.role_label), el("strong", "code-name", c.display_name));
    const code = el("p", "code-value", c.code);
    code.setAttribute("aria-label", `Code d'accès : ${c.code.split("").join(" ")}`);
    const where = el("p", "small");
    where.append(el("span", "muted", "Adresse : "), el("span", "code-url", url));
    const session_ = el("p", "small muted", `${session.centre} — ${dayLabel(session.day)}`);
    const renew = button("Nouveau code", { className: "no-print small-button" });
    renew.setAttribute("aria-label", `Nouveau code pour ${c.display_name}`);
    renew.addEventListener("click", () =>
      this.dispatchEvent(
        new CustomEvent("code-renew", { detail: { participantId: c.participant_id, name: c.display_name } }),
      ),
    );
    card.append(head, code, where, session_, renew);
    return card;
  }
}

if (!customElements.get("code-sheet")) customElements.define("code-sheet", CodeSheet);
