// <documents-panel>: the session's documents for the organiser — the procès-verbal and the
// results list, each candidate's grid and livret (a preview of the current state, and the
// issued versions, each kept with its SHA-256), the appeal archives (session, candidate).
//   panel.show(GET /api/sessions/{id}/documents)
//   events: "document-issue" ({ kind, candidateId, label, name, next })
//   panel.say(message, isError)
import { el } from "./components/dom.js";

/** @typedef {import("./types/http.js").DocumentsOverview} DocumentsOverview */
/** @typedef {import("./types/http.js").IssuedOut} IssuedOut */
/**
 * What "document-issue" carries (with `next`, the version it will be).
 * @typedef {{ kind: string, candidateId: string | null, label: string, name: string }} IssueTarget
 */

const SESSION_KINDS = ["pv", "resultats"];
const CANDIDATE_KINDS = ["grille", "livret"];

/**
 * @param {string} text
 * @param {string} href
 * @param {string} [label]
 */
function link(text, href, label) {
  const a = el("a", "doc-link", text);
  a.href = href;
  a.setAttribute("download", "");
  if (label) a.setAttribute("aria-label", label);
  return a;
}

/** @param {string | null | undefined} actor */
function byLabel(actor) {
  if (!actor) return "";
  if (actor.startsWith("organiser:")) return "le responsable de session";
  if (actor === "cli") return "la ligne de commande";
  return actor;
}

export class DocumentsPanel extends HTMLElement {
  /** @type {HTMLParagraphElement} */
  _message;
  /** @type {HTMLElement} */
  _session;
  /** @type {HTMLElement} */
  _candidates;
  /** @type {DocumentsOverview | undefined} */
  _data;

  connectedCallback() {
    if (this._session) return;
    this._message = el("p", "small");
    this._message.setAttribute("role", "status");
    const intro = el(
      "p",
      "muted",
      "Aperçu : le document dans l'état actuel, non émis. Émettre : une version numérotée est enregistrée telle quelle (empreinte SHA-256) ; une correction ultérieure en émet une nouvelle, les précédentes restent téléchargeables.",
    );
    this._session = el("section", "panel");
    this._candidates = el("section", "panel");
    this.append(intro, this._message, this._session, this._candidates);
  }

  /**
   * @param {string} message
   * @param {boolean} [isError]
   */
  say(message, isError = false) {
    this._message.className = isError ? "small error" : "small ok";
    this._message.textContent = message || "";
  }

  /** @param {DocumentsOverview} data the session's documents (GET …/documents) */
  show(data) {
    this._data = data;
    const kinds = data.kinds || {};
    this._session.replaceChildren(el("h2", "", "Documents de la session"));
    const table = el("table", "documents");
    const head = el("tr");
    for (const h of ["Document", "Aperçu", "Versions émises", ""]) head.append(el("th", "", h));
    table.createTHead().append(head);
    const body = table.createTBody();
    for (const kind of SESSION_KINDS) {
      const versions = (data.session.issued || {})[kind] || [];
      body.append(
        this._row(kinds[kind], data.session.previews[kind], versions, {
          kind,
          candidateId: null,
          label: kinds[kind],
          name: "",
        }),
      );
    }
    const archive = el("p");
    archive.append(link("Archive de la session (ZIP, pour un recours)", data.session.archive));
    this._session.append(table, archive);

    this._candidates.replaceChildren(el("h2", "", "Documents des candidats"));
    if (!data.candidates.length) {
      this._candidates.append(el("p", "muted", "Aucun candidat dans cette session."));
      return;
    }
    for (const c of data.candidates) {
      const block = el("div", "candidate-documents");
      block.dataset.candidateId = c.id;
      const title = el("h3", "", c.name);
      const decision = el("p", "small", `${c.pathway_label} — ${c.decision_label}`);
      const t = el("table", "documents");
      const h = el("tr");
      for (const x of ["Document", "Aperçu", "Versions émises", ""]) h.append(el("th", "", x));
      t.createTHead().append(h);
      const b = t.createTBody();
      for (const kind of CANDIDATE_KINDS) {
        const unavailable = kind === "livret" ? c.livret_unavailable : null;
        b.append(
          this._row(
            kinds[kind],
            c.previews[kind],
            (c.issued || {})[kind] || [],
            { kind, candidateId: c.id, label: kinds[kind], name: c.name },
            unavailable,
          ),
        );
      }
      const archive = el("p");
      archive.append(link("Archive du candidat (ZIP)", c.archive, `Archive de ${c.name}`));
      block.append(title, decision, t, archive);
      this._candidates.append(block);
    }
  }

  /**
   * @param {string} label
   * @param {string} preview its address
   * @param {IssuedOut[]} versions oldest first
   * @param {IssueTarget} detail
   * @param {string | null} [unavailable]
   */
  _row(label, preview, versions, detail, unavailable = null) {
    const tr = el("tr");
    tr.dataset.kind = detail.kind;
    tr.append(el("td", "", label));
    const previewCell = el("td");
    if (unavailable) previewCell.append(el("span", "muted small", unavailable));
    else previewCell.append(link("Aperçu (PDF)", preview, `Aperçu : ${label}${detail.name ? ` de ${detail.name}` : ""}`));
    tr.append(previewCell);
    const list = el("ul", "versions small");
    if (!versions.length) list.append(el("li", "muted", "Aucune version émise."));
    for (const v of [...versions].reverse()) {
      const li = el("li");
      li.dataset.version = String(v.version);
      li.append(
        link(`Version ${v.version}`, v.url, `${label} version ${v.version}${detail.name ? ` de ${detail.name}` : ""}`),
        document.createTextNode(
          ` — émise le ${v.issued_at_label} par ${byLabel(v.issued_by)} — ${v.reason}`,
        ),
      );
      const digest = el("code", "sha", v.sha256.slice(0, 12));
      digest.title = `SHA-256 ${v.sha256}`;
      li.append(document.createTextNode(" — "), digest);
      list.append(li);
    }
    const versionsCell = el("td");
    versionsCell.append(list);
    tr.append(versionsCell);
    const action = el("td");
    const next = versions.length + 1;
    const issue = el("button", next === 1 ? "primary" : "", next === 1 ? "Émettre" : `Émettre la version ${next}`);
    issue.type = "button";
    issue.disabled = Boolean(unavailable);
    issue.setAttribute("aria-label", `Émettre : ${label}${detail.name ? ` de ${detail.name}` : ""}`);
    issue.addEventListener("click", () =>
      this.dispatchEvent(new CustomEvent("document-issue", { detail: { ...detail, next } })),
    );
    action.append(issue);
    tr.append(action);
    return tr;
  }
}

if (!customElements.get("documents-panel")) customElements.define("documents-panel", DocumentsPanel);
