// <written-replies>: the candidate's written replies as the jury reads them — read-only, in the
// channel's layout (courriel: À / Objet; courrier: expéditeur, destinataire, lieu et date, objet,
// corps, formule; SMS: the message with its SMS count), each with its task (the brief the
// candidate had, the juror's marking notes folded), the word and character counts, the time of
// the last save, how many saves were accepted / refused, and whether it was frozen at the end of
// the writing phase (automatically, with its SHA-256). The server's French aid (spelling with
// Hunspell, grammar with Grammalecte, typography) can highlight possible mistakes (« aide » :
// the juror decides); it says which engines ran, or what is missing. Nothing is editable.
//
//   replies.bind(ctx);  replies.unbind();   // ctx: see the jury page's contract
//   replies.reload();                       // asks the page: "replies-wanted"
//   replies.review = data                   // the page's GET /api/candidates/{cid}/writing/review
//   replies.error = text                    // why it could not: « Écrits non chargés : … »
// The page reads the server for it (juror-review-feeds.js: feedWrittenReplies); the simulations'
// titles come with the context (ctx.simulations).
// Live: reloads on « snapshot » (reconnect), on « writing.frozen », and on « writing.saved » (the
// candidate saved a reply during the writing phase; several saves in a row make one reload).
import { el } from "../components/dom.js";
import { hhmmss, timeNode } from "./review-common.js";
import { JuryPanel } from "./jury-panel.js";

/** @type {Record<string, string>} */
export const CHANNEL_LABELS = { courriel: "Courriel", courrier: "Courrier", sms: "SMS" };
/** @type {Record<string, string>} */
const ISSUE_KINDS = { orthographe: "Orthographe", grammaire: "Grammaire", typographie: "Typographie", "répétition": "Répétition" };
/** @type {Record<string, string>} */
const MARK_CLASSES = { orthographe: "spelling", grammaire: "grammar" };

// « Orthographe : Hunspell (fr_FR) · grammaire : Grammalecte 2.1.2 », or what is missing here.
/** @param {any} aid what the automatic reading aid ran with (GET …/writing/review: `aid`) */
export function aidText(aid) {
  if (!aid) return "Aide automatique : elle signale, le jury apprécie.";
  const spelling = aid.spelling_fallback
    ? `orthographe : ${aid.spelling} (Hunspell indisponible : ${aid.spelling_fallback})`
    : `orthographe : ${aid.spelling}`;
  const grammar = aid.grammar ? `grammaire : ${aid.grammar}` : `grammaire non vérifiée (${aid.grammar_absent})`;
  return `Aide automatique hors ligne — ${spelling} · ${grammar}. Les noms, adresses et courriels du sujet et du CRM du candidat sont ignorés. Elle signale, le jury apprécie.`;
}
// The fields of each channel in reading order, with their French labels.
/** @type {Record<string, Array<[string, string]>>} */
const LAYOUT = {
  courriel: [
    ["to", "À"],
    ["subject", "Objet"],
    ["body", ""],
  ],
  courrier: [
    ["sender", "Expéditeur"],
    ["recipient", "Destinataire"],
    ["place_date", "Lieu et date"],
    ["object", "Objet"],
    ["body", ""],
    ["closing", "Formule de politesse et signature"],
  ],
  sms: [["body", ""]],
};

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 */
function plural(n, one, many) {
  return `${n} ${n > 1 ? many : one}`;
}

// `text` with the issues' ranges (code point offsets, as the server counts) in <mark>.
/**
 * @param {string} text
 * @param {Array<{ start: number, end: number, kind: string, message?: string, suggestions?: string[] }> | null | undefined} issues
 * @param {boolean} enabled
 */
export function highlighted(text, issues, enabled) {
  const box = el("div", "wr-text");
  if (!text) {
    box.append(el("span", "muted", "(vide)"));
    return box;
  }
  if (!enabled || !issues || !issues.length) {
    box.textContent = text;
    return box;
  }
  const chars = Array.from(text);
  let at = 0;
  for (const issue of [...issues].sort((a, b) => a.start - b.start)) {
    if (issue.start < at || issue.end <= issue.start || issue.end > chars.length) continue;
    if (issue.start > at) box.append(document.createTextNode(chars.slice(at, issue.start).join("")));
    const mark = el("mark", `wr-issue wr-issue-${MARK_CLASSES[issue.kind] || "typo"}`, chars.slice(issue.start, issue.end).join(""));
    const hint = issue.suggestions && issue.suggestions.length ? ` Suggestion : ${issue.suggestions.join(", ")}.` : "";
    mark.title = `${issue.message}${hint}`;
    box.append(mark);
    at = issue.end;
  }
  if (at < chars.length) box.append(document.createTextNode(chars.slice(at).join("")));
  return box;
}

export class WrittenReplies extends JuryPanel {
  /** @type {HTMLInputElement} */
  _marksToggle;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {HTMLParagraphElement} */
  _error;
  /** @type {HTMLDivElement} */
  _list;

  constructor() {
    super();
    this._data = null;
    this._sims = new Map();
  }

  _build() {
    if (this._list) return;
    this.classList.add("written-replies");
    const head = el("div", "wr-head");
    head.append(el("h2", "", "Écrits du candidat"));
    const tools = el("div", "wr-tools");
    this._marksToggle = document.createElement("input");
    this._marksToggle.type = "checkbox";
    this._marksToggle.checked = true;
    this._marksToggle.id = `wr-marks-${Math.random().toString(36).slice(2, 8)}`;
    const toggleLabel = el("label", "wr-toggle", "Surligner les fautes possibles (aide)");
    toggleLabel.htmlFor = this._marksToggle.id;
    this._marksToggle.addEventListener("change", () => this._render());
    tools.append(this._marksToggle, toggleLabel);
    head.append(tools);
    this._status = el("p", "wr-status");
    this._status.setAttribute("role", "status");
    this._error = el("p", "error");
    this._error.setAttribute("role", "alert");
    this._list = el("div", "wr-list");
    this.append(head, this._status, this._error, this._list);
  }

  // ---- the page contract ------------------------------------------------------------------

  /**
   * @param {import("./observer-common.js").JuryContext} ctx
   * @param {import("./observer-common.js").On} on
   */
  bound(ctx, on) {
    on("snapshot", () => this.reload());
    on("writing.frozen", (msg) => {
      if (msg.candidate_id === ctx.candidateId) this.reload();
    });
    on("writing.saved", (msg) => {
      if (msg.candidate_id === ctx.candidateId) this._soon();
    });
    this._list.replaceChildren(el("p", "muted", "Chargement des écrits…"));
    this.whenSimulations(ctx, (sims) => {
      this._sims = sims;
      this._render();
    });
    this.reload();
  }

  // One reload for a burst of saves (the candidate's autosave runs as they type), a moment
  // after its first; out of the page, once put back (`_later`: jury-panel.js).
  _soon() {
    this._later("reload", () => this.reload(), 800, { keep: true });
  }

  unbound() {
    this._data = null;
    this._sims = new Map();
    if (this._list) {
      this._list.replaceChildren();
      this._status.textContent = "";
      this._error.textContent = "";
    }
  }

  get replies() {
    return this._data ? this._data.drafts : [];
  }

  reload() {
    if (this._ctx) this.dispatchEvent(new CustomEvent("replies-wanted"));
  }

  /** @param {any} data the candidate's replies as the jury reads them (GET …/writing/review) */
  set review(data) {
    if (!this._ctx) return;
    this._data = data;
    this._error.textContent = "";
    this._render();
  }

  /** @param {string} text why the replies could not be read (the server's French message) */
  set error(text) {
    if (!this._ctx) return;
    this._error.textContent = `Écrits non chargés : ${text}`;
    if (!this._data) this._list.replaceChildren();
  }

  // ---- rendering --------------------------------------------------------------------------

  _render() {
    const data = this._data;
    if (!data) return;
    this.dataset.frozen = String(Boolean(data.frozen));
    this._status.textContent = data.frozen
      ? "Rédaction terminée : les réponses ont été figées automatiquement à l'échéance."
      : data.writable
        ? "Rédaction en cours : les réponses s'affichent à chaque enregistrement du candidat (lecture seule)."
        : "La rédaction n'est pas terminée : les réponses ne sont pas encore figées.";
    const drafts = data.drafts || [];
    if (!drafts.length) {
      this._list.replaceChildren(el("p", "muted", "Aucun sujet de rédaction pour ce candidat."));
      return;
    }
    this._list.replaceChildren(...drafts.map((/** @type {any} */ d, /** @type {number} */ i) => this._reply(d, i)));
  }

  /**
   * @param {any} d a reply, as GET …/writing/review lists it
   * @param {number} i
   */
  _reply(d, i) {
    const task = d.task || {};
    const channel = d.channel || task.channel;
    const art = el("article", `wr-reply wr-${channel}`);
    art.dataset.taskId = d.task_id;
    art.dataset.frozen = String(Boolean(d.frozen));
    const sim = this._sims.get(task.simulation);
    const title = el("h3", "wr-title");
    title.append(
      el("span", "wr-channel badge", CHANNEL_LABELS[channel] || channel),
      document.createTextNode(` Écrit ${i + 1}${sim ? ` — suite de « ${sim.title} »` : ""}`),
    );
    art.setAttribute("aria-label", `Écrit ${i + 1} (${CHANNEL_LABELS[channel] || channel})`);
    art.append(title, this._meta(d, channel));

    const brief = task.candidate && task.candidate.brief;
    if (brief) {
      const det = el("details", "wr-brief");
      det.open = true;
      det.append(el("summary", "", "Consigne donnée au candidat"), el("p", "wr-brief-text", brief));
      if (task.candidate.max_length) det.append(el("p", "small muted", `Longueur maximale : ${task.candidate.max_length} caractères.`));
      art.append(det);
    }
    const notes = (task.juror && task.juror.marking_notes) || [];
    if (notes.length) {
      const det = el("details", "wr-marking");
      const ul = el("ul");
      for (const n of notes) ul.append(el("li", "", n));
      det.append(el("summary", "", "Points attendus (fiche du juré)"), ul);
      art.append(det);
    }

    art.append(this._body(d, channel));
    art.append(this._issues(d));
    if (d.sha256) {
      const sha = el("p", "wr-sha small muted", `Empreinte SHA-256 : ${d.sha256}`);
      sha.title = "Empreinte du texte figé (archive d'appel)";
      art.append(sha);
    }
    return art;
  }

  /**
   * @param {any} d
   * @param {string} channel
   */
  _meta(d, channel) {
    const meta = el("p", "wr-meta");
    const frozen = el("span", `badge wr-frozen ${d.frozen ? "is-frozen" : "not-frozen"}`);
    frozen.textContent = d.frozen
      ? "Figé automatiquement à la fin de la rédaction"
      : d.saved_at
        ? "Pas encore figé"
        : "Rien n'a été enregistré";
    meta.append(frozen);
    const saved = el("span", "wr-saved");
    if (d.saved_at) {
      saved.append(document.createTextNode("Dernier enregistrement à "), timeNode(d.saved_at, hhmmss(d.saved_at)));
    } else {
      saved.textContent = "Aucun enregistrement";
    }
    meta.append(saved);
    const c = d.counts || {};
    const words = el("span", "wr-words", `${plural(c.words || 0, "mot", "mots")} · ${plural(c.characters || 0, "caractère", "caractères")}`);
    meta.append(words);
    if (channel === "sms" && c.segments !== undefined) {
      const enc = c.encoding === "UCS-2" ? "Unicode (UCS-2)" : "GSM-7";
      meta.append(el("span", "wr-sms", `${c.segments} SMS (${enc}, ${c.units ?? c.characters} unités)`));
    }
    const max = d.max_length || (d.task && d.task.candidate && d.task.candidate.max_length);
    if (max && (c.characters || 0) > max) meta.append(el("span", "badge wr-over", `Dépasse ${max} caractères`));
    if (d.saves && (d.saves.accepted || d.saves.refused)) {
      const s = `${plural(d.saves.accepted || 0, "enregistrement", "enregistrements")}` +
        (d.saves.refused ? `, ${plural(d.saves.refused, "refusé", "refusés")} (hors délai ou en pause)` : "");
      meta.append(el("span", "wr-saves small muted", s));
    }
    return meta;
  }

  /**
   * @param {any} d
   * @param {string} channel
   */
  _body(d, channel) {
    const content = d.content || {};
    const issues = d.issues || {};
    const on = this._marksToggle.checked;
    const box = el("div", "wr-reply-body");
    box.setAttribute("aria-readonly", "true");
    for (const [name, label] of LAYOUT[channel] || Object.keys(content).map((k) => /** @type {[string, string]} */ ([k, k]))) {
      const value = content[name] || "";
      const part = el("div", `wr-field wr-field-${name}`);
      if (label) part.append(el("span", "wr-label", label));
      part.append(highlighted(value, issues[name], on));
      box.append(part);
    }
    return box;
  }

  /** @param {any} d */
  _issues(d) {
    /** @type {Array<{ start: number, end: number, kind: string, message: string, suggestions?: string[], field: string }>} */
    const all = Object.entries(d.issues || {}).flatMap(([field, list]) => (/** @type {any[]} */ (list) || []).map((i) => ({ ...i, field })));
    const det = el("details", "wr-issues");
    det.append(el("summary", "", all.length ? `Aide à la relecture : ${plural(all.length, "point à vérifier", "points à vérifier")}` : "Aide à la relecture : rien à signaler"));
    if (all.length) {
      const ul = el("ul", "small");
      for (const i of all) {
        const text = Array.from((d.content || {})[i.field] || "").slice(i.start, i.end).join("");
        const li = el("li", "", `${ISSUE_KINDS[i.kind] || i.kind} — « ${text} » : ${i.message}`);
        if (i.suggestions && i.suggestions.length) li.append(el("span", "muted", ` (suggestion : ${i.suggestions.join(", ")})`));
        ul.append(li);
      }
      det.append(ul);
    }
    det.append(el("p", "small muted wr-aid", aidText(this._data && this._data.aid)));
    return det;
  }
}

if (!customElements.get("written-replies")) customElements.define("written-replies", WrittenReplies);
