// <documents-panel>: the candidate's documents as plain download links, each enabled only when
// the server can produce it for this person (otherwise shown greyed with the reason):
// - the filled evaluation grid, grille.pdf (the candidate's jurors and the organiser; « provisoire »
//   until both jurors signed the deliberation, then « définitive »);
// - the appeal archive, archive.zip (recordings, transcripts, grid, replies, notes, every
//   deliberation version, the decision and the audit rows with their hashes);
// - the livret de certification, livret.pdf (the organiser, once the candidate holds a CCP);
// - for the session, the procès-verbal pv.pdf and the results list resultats.pdf (the organiser
//   only: a juror is told who issues them).
// What is known comes from GET …/evaluation (is there a grid?), GET …/certification (decision,
// record) and the deliberation's events; a 404/409/403 the server would answer is not offered.
// The page reads both (juror-review-feeds.js: feedDocuments) and hands them to the panel.
//
//   docs.bind(ctx);  docs.unbind();   // ctx: see the jury page's contract
//   // ctx.sessionId (optional): the exam session, for the organiser's session documents
//   docs.documents = { grid, summary }   // the page's reading (DocumentsReading, below)
//   "documents-wanted"                   // the panel asks for them again (a snapshot, the
//                                        // deliberation signed, a decision); docs.reload() too
import { el } from "../components/dom.js";
import { candidatePath, dayAndTime, evaluationOf } from "./review-common.js";
import { JuryPanel } from "./jury-panel.js";

/**
 * @param {string} label
 * @param {string} href
 * @param {string} file
 * @param {{ enabled: boolean, note?: string, reason?: string }} state
 */
function link(label, href, file, { enabled, note = "", reason = "" }) {
  const li = el("li", "dc-item");
  li.dataset.enabled = String(Boolean(enabled));
  const a = el("a", "dc-link", label);
  if (enabled) {
    a.href = href;
    a.download = file;
  } else {
    a.setAttribute("role", "link");
    a.setAttribute("aria-disabled", "true");
  }
  li.append(a);
  const text = enabled ? note : reason;
  if (text) {
    const p = el("span", `dc-note small ${enabled ? "muted" : ""}`, text);
    p.id = `dc-${Math.random().toString(36).slice(2, 8)}`;
    a.setAttribute("aria-describedby", p.id);
    li.append(p);
  }
  return li;
}

/**
 * The page's reading for the panel: the grid (GET …/evaluation: its deliberation versions, or
 * the refusal's status and French text) and the certification summary (GET …/certification, or
 * `{ error }`).
 * @typedef {{ grid: { ok: boolean, deliberations?: any[], status?: number, error?: string }, summary: any }} DocumentsReading
 */

export class DocumentsPanel extends JuryPanel {
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLUListElement} */
  _list;
  /** @type {HTMLElement} */
  _session;
  /** @type {any} */
  _deliberation;
  /** @type {null | { ok: boolean; deliberations?: any[]; status?: number; error?: string; }} */
  _grid;
  /** @type {any} */
  _summary;

  _build() {
    if (this._list) return;
    this.classList.add("documents-panel");
    this.append(el("h2", "", "Documents"));
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    this._list = el("ul", "dc-list");
    this._session = el("section", "dc-session");
    this.append(this._error, this._list, this._session);
  }

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    const mine = (/** @type {{ candidate_id: string }} */ msg) => msg.candidate_id === ctx.candidateId;
    on("snapshot", () => this.reload());
    on("evaluation.deliberation", (msg) => {
      if (mine(msg) && msg.deliberation) {
        this._deliberation = msg.deliberation;
        if (msg.deliberation.locked) this.reload();
        else this._render();
      }
    });
    on("certification.decision", (msg) => {
      if (mine(msg)) this.reload();
    });
    this._list.replaceChildren(el("li", "muted", "Chargement…"));
    this.reload();
  }

  unbound() {
    this._grid = null;
    this._summary = null;
    this._deliberation = null;
    if (this._list) {
      this._list.replaceChildren();
      this._session.replaceChildren();
      this._error.textContent = "";
    }
  }

  // Asks the page for the grid and the certification again (the deliberation in the snapshot
  // meanwhile).
  reload() {
    const ctx = this._ctx;
    if (!ctx) return;
    const ev = evaluationOf(ctx.snapshot && ctx.snapshot(), ctx.candidateId);
    if (ev && ev.deliberation) this._deliberation = ev.deliberation;
    this.dispatchEvent(new CustomEvent("documents-wanted"));
  }

  /** @param {DocumentsReading} reading */
  set documents({ grid, summary }) {
    if (!this._ctx) return;
    this._grid = grid;
    this._summary = summary;
    const versions = grid.deliberations || [];
    if (grid.ok && versions.length) this._deliberation = versions[versions.length - 1];
    this._error.textContent = grid.ok || grid.status === 404 ? "" : `Documents : ${grid.error}`;
    this._render();
  }

  _render() {
    const ctx = this._ctx;
    if (!ctx || !this._grid) return;
    const cid = encodeURIComponent(ctx.candidateId);
    const base = candidatePath(ctx.candidateId, "/documents");
    const role = ctx.me ? ctx.me.role : "juror";
    const organiser = role === "organiser";
    const d = this._deliberation;
    const signed = Boolean(d && d.locked);
    const summary = this._summary && !this._summary.error ? this._summary : null;
    const gridExists = this._grid.ok;
    this.dataset.signed = String(signed);

    const earlier = summary && summary.signed_version;
    const status = signed
      ? `définitive : délibération (version ${d.version}) signée par les deux jurés le ${dayAndTime(d.locked_at)}`
      : d && earlier
        ? `la version ${d.version} de la délibération attend les signatures (la version ${earlier} reste la version signée)`
        : "provisoire : la délibération n'est pas encore signée par les deux jurés";
    const items = [
      link("Grille d'évaluation (PDF)", `${base}/grille.pdf`, `grille-${cid}.pdf`, {
        enabled: gridExists,
        note: `Grille remplie — ${status}.`,
        reason: "Pas de grille : aucun sujet n'est associé à la session.",
      }),
      link("Archive d'appel (ZIP)", `${base}/archive.zip`, `archive-${cid}.zip`, {
        enabled: true,
        note: `Enregistrements, transcriptions, grille, écrits, notes, délibérations et journal d'audit avec empreintes — ${signed ? "état final" : "état à l'instant du téléchargement"}.`,
      }),
    ];
    const held = summary && ((summary.decision && (summary.decision.held || []).length) || (summary.record && (summary.record.ccps || []).length));
    items.push(
      link("Livret de certification (PDF)", `${base}/livret.pdf`, `livret-${cid}.pdf`, {
        enabled: organiser && Boolean(held),
        note: "CCP détenus par le candidat, capitalisés compris.",
        reason: !organiser
          ? "Édité par le responsable de session."
          : summary && summary.decision
            ? "Aucun CCP obtenu : pas de livret de certification."
            : "Disponible après la décision du jury (signature des deux jurés).",
      }),
    );
    this._list.replaceChildren(...items);

    this._session.replaceChildren(el("h3", "", "Documents de la session"));
    const sessionId = ctx.sessionId || (ctx.me && ctx.me.exam_session_id);
    if (!organiser || !sessionId) {
      this._session.append(el("p", "small muted", "Le procès-verbal et la liste des résultats de la session sont édités par le responsable de session."));
      return;
    }
    const sbase = `/api/sessions/${encodeURIComponent(sessionId)}/documents`;
    const ul = el("ul", "dc-list");
    ul.append(
      link("Procès-verbal de la session (PDF)", `${sbase}/pv.pdf`, `proces-verbal-${sessionId}.pdf`, { enabled: true, note: "Délibérations de tous les candidats, signées ou en attente." }),
      link("Liste des résultats (PDF)", `${sbase}/resultats.pdf`, `resultats-${sessionId}.pdf`, { enabled: true, note: "Décisions prises à ce jour." }),
    );
    this._session.append(ul);
  }
}

if (!customElements.get("documents-panel")) customElements.define("documents-panel", DocumentsPanel);
