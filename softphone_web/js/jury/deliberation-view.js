// The DOM pieces of <deliberation-panel> (no state, no requests): radio groups, a CCP's
// competences with the grid's status and the jury's choice, the transversal competences, the
// signatures, the decision (previewed or taken), the evidence form, a set-aside entry and the
// older versions. Text goes in with textContent only.
//
//   const { node, cells, aid } = ccpSection({ uid, group, form, readOnly, onChange });
//   fillStatus(cells.get("CP1"), competence);  aid.textContent = aidText(group);
import { el } from "../components/dom.js";
import {
  CAPACITY_LABELS,
  CCP_OUTCOMES,
  COMPETENCE_OUTCOMES,
  DOCUMENT_LABELS,
  EVIDENCE_LABELS,
  GRID_STATUS,
  OUTCOME_LABELS,
  PATHWAY_LABELS,
  SESSION_KINDS,
  TITLE_OUTCOMES,
  body,
  ccpAid,
  needsReason,
  proposalLine,
  rebaseEvidence,
} from "./deliberation-model.js";
import { dayAndTime, hhmm } from "./review-common.js";

/** @typedef {import("./deliberation-model.js").Form} Form */
/** @typedef {import("./deliberation-model.js").CcpGroup} CcpGroup */
/** @typedef {import("../types/events.js").DeliberationOut} DeliberationOut */
/**
 * A competence as GET …/evaluation gives it (the grid's status and its marks by value).
 * @typedef {import("./deliberation-model.js").GridCompetence & { name?: string, counts?: Record<string, number> }} Competence
 */
/** @typedef {{ status: HTMLElement, counts: HTMLElement }} StatusCells */
/** @typedef {import("./deliberation-state.js").FormPatch} FormPatch */
/** @typedef {import("./deliberation-model.js").EvidenceShown} EvidenceShown */
/** @typedef {import("./deliberation-model.js").EvidenceValues} EvidenceValues */
/** @typedef {{ kinds: string[], from_training: boolean | null }} EvidenceBase */

// A label by key (the server's value itself when the key is unknown to the table).
/**
 * @param {Record<string, string>} labels
 * @param {string | undefined} key
 * @returns {string | undefined}
 */
const label = (labels, key) => (key === undefined ? undefined : labels[key]);

/**
 * @param {string} text
 * @param {string} [className]
 */
function button(text, className = "") {
  const b = el("button", className, text);
  b.type = "button";
  return b;
}

// Native radio buttons (arrow keys move within the group), each with its label.
/**
 * @param {string} name
 * @param {Record<string, string>} options value → label
 * @param {string | undefined} value the value checked
 * @param {(value: string) => void} onChange
 * @param {{ disabled?: boolean, label?: string }} [how]
 */
export function radios(name, options, value, onChange, { disabled = false, label = "" } = {}) {
  const box = el("span", "dp-radios");
  box.setAttribute("role", "radiogroup");
  if (label) box.setAttribute("aria-label", label);
  for (const [v, text] of Object.entries(options)) {
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = v;
    input.id = `${name}-${v || "none"}`;
    input.checked = value === v;
    input.disabled = disabled;
    input.addEventListener("change", () => input.checked && onChange(v));
    const l = el("label", `dp-choice dp-choice-${v || "none"}`);
    l.htmlFor = input.id;
    l.append(input, document.createTextNode(` ${text}`));
    box.append(l);
  }
  return box;
}

/** @param {CcpGroup} group */
export function aidText(group) {
  return `D'après la grille : ${ccpAid(group).text}.`;
}

/**
 * @param {StatusCells} cells
 * @param {Competence} c
 */
export function fillStatus(cells, c) {
  cells.status.replaceChildren(el("span", `badge dp-status dp-status-${c.status}`, label(GRID_STATUS, c.status) || c.status));
  const n = c.counts || {};
  cells.counts.textContent = `${n.acquis || 0} acquis · ${n.non_acquis || 0} non acquis · ${n.non_observe || 0} non observé`;
}

// One CCP: its competences (code, name, the grid's status and marks, the jury's choice), what
// the grid says of the CCP, and the jury's choice for the CCP.
/**
 * @param {{ uid: string, group: CcpGroup, form: Form, readOnly: boolean, onChange: (patch: FormPatch) => void }} how
 * @returns {{ node: HTMLElement, cells: Map<string, StatusCells>, aid: HTMLElement }}
 */
export function ccpSection({ uid, group, form, readOnly, onChange }) {
  const node = el("fieldset", "dp-ccp");
  node.dataset.ccp = group.code;
  node.append(el("legend", "", group.code));
  const table = el("table", "dp-table");
  const head = el("tr");
  for (const h of ["Compétence", "Grille", "Marques", "Proposition du jury"]) head.append(el("th", "", h));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  /** @type {Map<string, StatusCells>} */
  const cells = new Map();
  for (const c of /** @type {Competence[]} */ (group.competences)) {
    const tr = el("tr", "dp-comp");
    tr.dataset.competence = c.code;
    const name = el("td", "dp-comp-name");
    name.append(el("strong", "", c.code), document.createTextNode(` ${c.name}`));
    const status = el("td");
    const counts = el("td", "small dp-counts");
    fillStatus({ status, counts }, c);
    cells.set(c.code, { status, counts });
    const choice = el("td");
    choice.append(radios(`${uid}-comp-${c.code}`, COMPETENCE_OUTCOMES, form.competences[c.code], (v) => onChange({ competence: [c.code, v] }), { disabled: readOnly, label: `${c.code} : proposition du jury` }));
    // Acquise without any criterion observed: the jury writes why (the server requires it).
    if (needsReason(form, c) || ((form.reasons || {})[c.code] && form.competences[c.code] === "acquise")) {
      const box = el("div", "dp-reason");
      const id = `${uid}-reason-${c.code}`;
      const label = el("label", "small", `${c.code} n'a pas été évaluée (aucun critère observé) : pourquoi est-elle acquise ?`);
      label.htmlFor = id;
      if (readOnly) {
        box.append(label, el("p", "dp-reason-text", (form.reasons || {})[c.code] || "—"));
      } else {
        const area = document.createElement("textarea");
        Object.assign(area, { id, rows: 2, maxLength: 2000, lang: "fr", value: (form.reasons || {})[c.code] || "" });
        area.addEventListener("input", () => onChange({ reason: [c.code, area.value] }));
        box.append(label, area);
      }
      choice.append(box);
    }
    tr.append(name, status, counts, choice);
    tbody.append(tr);
  }
  table.append(thead, tbody);
  const aid = el("p", "small muted dp-aid", aidText(group));
  const ccp = String(group.code); // the CCP as the form keys it
  const row = el("div", "dp-ccp-row");
  row.append(
    el("span", "dp-label", `Proposition pour ${group.code} :`),
    radios(`${uid}-ccp-${ccp}`, CCP_OUTCOMES, form.ccps[ccp], (v) => onChange({ ccp: [ccp, v] }), { disabled: readOnly, label: `${ccp} : proposition du jury` }),
  );
  node.append(table, aid, row);
  return { node, cells, aid };
}

/** @param {Array<{ status: string, name: string, explanation: string }> | null | undefined} list */
export function transversalNodes(list) {
  if (!list || !list.length) return [];
  const det = el("details");
  det.append(el("summary", "", "Compétences transversales (déduites de la grille)"));
  const ul = el("ul", "dp-transversal-list small");
  for (const t of list) {
    const li = el("li");
    li.append(el("span", `badge dp-status dp-status-${t.status}`, label(GRID_STATUS, t.status) || t.status), document.createTextNode(` ${t.name}`), el("span", "muted", ` — ${t.explanation}`));
    ul.append(li);
  }
  det.append(ul);
  return [det];
}

// Who signed the version when: this juror and the other (by capacity), or « Juré 1 / 2 » for
// a reader who is not one of them.
/**
 * @param {DeliberationOut} version
 * @param {{ myId: string | null, capacity: string, juror: boolean }} who
 */
export function signatureList(version, { myId, capacity, juror }) {
  /** @type {Record<string, string>} */
  const sigs = version.signatures || {};
  const ul = el("ul", "dp-sign-list");
  const line = (/** @type {string} */ who, /** @type {string | null | undefined} */ at) => {
    const li = el("li", at ? "dp-signed" : "dp-unsigned");
    li.append(el("strong", "", who), document.createTextNode(at ? ` : signé le ${dayAndTime(at)}` : " : pas encore signé"));
    return li;
  };
  if (juror && capacity) {
    const other = capacity === "client" ? "observer" : "client";
    ul.append(line(`${label(CAPACITY_LABELS, capacity)} (vous)`, myId === null ? null : sigs[myId]));
    const theirs = Object.entries(sigs).find(([id]) => id !== myId);
    ul.append(line(CAPACITY_LABELS[other], theirs ? theirs[1] : null));
    if (version.seal) ul.append(el("li", "small muted dp-seal", `Empreinte de ce qui est signé : ${version.seal.slice(0, 12)}…`));
  } else {
    const entries = Object.entries(sigs);
    entries.forEach(([, at], i) => ul.append(line(`Juré ${i + 1}`, at)));
    for (let i = entries.length; i < 2; i++) ul.append(line(`Juré ${i + 1}`, null));
  }
  return ul;
}

// The confirmation before signing; Échap or « Annuler » closes it.
/**
 * @param {DeliberationOut} version
 * @param {{ onConfirm: () => void, onCancel: () => void }} then
 */
export function signConfirmation(version, { onConfirm, onCancel }) {
  const box = el("div", "dp-confirm");
  box.append(
    el("p", "", `Vous signez la version ${version.version} : ${proposalLine(version) || "proposition"}.`),
    el("p", "small muted", "Quand les deux jurés ont signé, la version est verrouillée et la décision est prise ; toute modification ultérieure fera une nouvelle version."),
  );
  const yes = button("Confirmer la signature", "primary dp-confirm-sign");
  const no = button("Annuler");
  yes.addEventListener("click", onConfirm);
  no.addEventListener("click", onCancel);
  box.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") onCancel();
  });
  const row = el("div", "dp-actions");
  row.append(yes, no);
  box.append(row);
  return { box, yes };
}

// A decision (the preview's or the one taken): outcome, document, CCPs, the rule applied.
/**
 * @param {any} d the rules' decision as the server writes it (no generated typedef)
 * @param {string} intro
 */
export function decisionNodes(d, intro) {
  const box = el("div", "dp-outcome");
  const outcome = d.outcome_label || label(OUTCOME_LABELS, d.outcome) || d.outcome;
  const doc = d.document_label || label(DOCUMENT_LABELS, d.document) || "";
  const head = el("p", "dp-outcome-line");
  head.append(document.createTextNode(`${intro} `), el("strong", `dp-outcome-${d.outcome}`, outcome), document.createTextNode(doc && d.document !== "aucun" ? ` — ${doc}` : ""));
  box.append(head);
  const dl = el("dl", "dp-facts");
  const row = (/** @type {string} */ k, /** @type {string} */ v) => dl.append(el("dt", "", k), el("dd", "", v));
  const granted = (d.granted || []).map((/** @type {{ ccp: string }} */ g) => g.ccp);
  row("CCP obtenus à cette session", granted.length ? granted.join(", ") : "aucun");
  const held = (d.held || []).map((/** @type {{ code: string, name?: string }} */ h) => (h.name ? `${h.code} « ${h.name} »` : h.code)).filter(Boolean);
  if (held.length) row("CCP détenus après la session", held.join(" ; "));
  row("CCP restant à obtenir pour le titre", (d.remaining || []).length ? d.remaining.join(", ") : "aucun");
  const sitting = d.sitting || {};
  row(
    "Règle appliquée",
    `parcours « ${label(PATHWAY_LABELS, d.pathway) || d.pathway} », ${label(SESSION_KINDS, sitting.kind) || sitting.kind || "session"} : ` +
      "le jury décide au vu des pièces que le parcours exige ; le titre n'est attribué que si tous les CCP sont détenus (obtenus ou capitalisés).",
  );
  box.append(dl);
  return box;
}

// GET …/decision/preview: what the saved version would decide, or why it would be refused.
/** @param {any} p the preview, or { error } when it could not be read */
export function previewNodes(p) {
  if (!p) return [];
  if (p.error) return [el("p", "error", `Aperçu indisponible : ${p.error}`)];
  if (p.version === null || p.version === undefined) {
    return [el("p", "muted", "Enregistrez une proposition pour voir la décision qu'elle entraînerait.")];
  }
  const intro = `Si la version ${p.version} est signée :`;
  if (p.ok) return [decisionNodes(p.decision, intro)];
  const box = el("div", "dp-refused");
  box.append(el("p", "", `${intro} décision refusée — ${p.refused}`));
  if ((p.missing || []).length) {
    const ul = el("ul");
    for (const m of p.missing) ul.append(el("li", "", `Pièce manquante : ${m.label}`));
    box.append(ul);
  }
  return [box];
}

// The decision in force (GET …/certification → decision, stored without its document).
/**
 * @param {any} summary GET …/certification
 * @param {DeliberationOut} version the version signed
 */
export function takenNodes(summary, version) {
  const d = summary.decision;
  const document = label({ titre: "parchemin", ccs: "parchemin", reussite_partielle: "livret_certification" }, d.outcome) || "aucun";
  return [el("h3", "", "Décision prise"), decisionNodes({ ...d, document }, `Version ${summary.decision_version}, signée le ${dayAndTime(version.locked_at)} :`)];
}

// The evidence: what the timeline shows, and the pieces of the file the jury declares.
// `pending` ({ kinds, training, base }) keeps what was ticked and not saved across re-renders,
// and what the form showed before (its base): shown moved onto what is stored now (the other
// juror's save appears at once beside this juror's unsaved changes), and sent with it.
/**
 * @param {any} summary GET …/certification, or { error }
 * @param {{ uid: string, editable: boolean, pending: EvidenceValues | null, savedAt: string | null,
 *   onChange: (values: EvidenceValues) => void, onSubmit: (kinds: string[], fromTraining: boolean | null, base: EvidenceBase) => Promise<string | null> }} how
 */
export function evidenceNodes(summary, { uid, editable, pending, savedAt, onChange, onSubmit }) {
  if (summary.error) return [el("p", "error", summary.error)];
  /** @type {Set<string>} */
  const present = new Set(summary.evidence || []);
  /** @type {string[]} */
  const declarable = summary.declarable || [];
  const derived = [...present].filter((k) => !declarable.includes(k));
  const seen = el("p", "small", derived.length
    ? `Constatées dans le déroulé de l'épreuve : ${derived.map((k) => label(EVIDENCE_LABELS, k) || k).join(", ")}.`
    : "Aucune partie de l'épreuve n'est encore terminée.");
  const form = el("form", "dp-evidence-form");
  form.noValidate = true;
  const list = el("div", "dp-evidence-list");
  const known = summary.from_training === null || summary.from_training === undefined ? "" : String(summary.from_training);
  /** @type {EvidenceShown} */
  const shown = { kinds: declarable.filter((k) => present.has(k)), training: known };
  const unsaved = pending ? rebaseEvidence(pending, shown) : null;
  for (const kind of declarable) {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `${uid}-ev-${kind}`;
    box.value = kind;
    box.checked = unsaved ? unsaved.kinds.includes(kind) : present.has(kind);
    box.disabled = !editable;
    const l = el("label", "dp-check");
    l.htmlFor = box.id;
    l.append(box, document.createTextNode(` ${label(EVIDENCE_LABELS, kind) || kind}`));
    list.append(l);
  }
  const training = document.createElement("select");
  training.id = `${uid}-training`;
  for (const [v, t] of [["", "Non précisé"], ["true", "Oui"], ["false", "Non"]]) training.append(new Option(t, v));
  training.value = unsaved ? unsaved.training : known;
  training.disabled = !editable;
  const tl = el("label", "", "Candidat issu d'un parcours de formation");
  tl.htmlFor = training.id;
  const save = el("button", "", "Enregistrer les pièces");
  save.type = "submit";
  save.hidden = !editable;
  const status = el("p", "small dp-evidence-status");
  status.setAttribute("role", "status");
  if (pending) status.textContent = "Modifications non enregistrées.";
  else if (savedAt) status.textContent = `Pièces enregistrées à ${hhmm(savedAt)}.`;
  form.append(el("p", "dp-label", "Pièces du dossier présentées au jury :"), list, tl, training, save, status);
  /** @returns {EvidenceValues} */
  const values = () => ({
    kinds: [...list.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value),
    training: training.value,
    base: shown,
  });
  /** @param {string} t */
  const trained = (t) => (t === "" ? null : t === "true");
  form.addEventListener("change", () => {
    onChange(values());
    status.textContent = "Modifications non enregistrées.";
    status.classList.remove("error");
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values();
    save.disabled = true;
    const error = await onSubmit(v.kinds, trained(v.training), { kinds: v.base.kinds, from_training: trained(v.base.training) });
    if (error) {
      status.textContent = `Non enregistré : ${error}`;
      status.classList.add("error");
      save.disabled = false;
    }
  });
  return [seen, form];
}

// This juror's entry set aside after a conflict, with « Reprendre » / « Abandonner ».
/**
 * @param {Form} form
 * @param {{ onTake: () => void, onDrop: () => void }} then
 */
export function asideNodes(form, { onTake, onDrop }) {
  const lines = el("ul", "small");
  const p = body(form);
  if (p.title) lines.append(el("li", "", `Titre : ${label(TITLE_OUTCOMES, p.title) || p.title}`));
  for (const [c, ok] of Object.entries(p.ccps)) lines.append(el("li", "", `${c} : ${ok ? "obtenu" : "non obtenu"}`));
  const comps = Object.entries(form.competences || {}).map(([c, v]) => `${c} ${(label(COMPETENCE_OUTCOMES, v) || v).toLowerCase()}`);
  if (comps.length) lines.append(el("li", "", `Compétences : ${comps.join(", ")}`));
  const take = button("Reprendre ma saisie", "primary");
  take.addEventListener("click", onTake);
  const drop = button("Abandonner ma saisie");
  drop.addEventListener("click", onDrop);
  const row = el("div", "dp-actions");
  row.append(take, drop);
  return [el("h3", "", "Votre saisie non enregistrée"), lines, el("p", "dp-label", "Justification :"), el("div", "dp-draft-text", form.justification || "(vide)"), row];
}

/** @param {DeliberationOut[]} older */
export function historyNodes(older) {
  if (!older.length) return [];
  const ul = el("ul", "small");
  for (const v of [...older].reverse()) {
    const li = el("li", v.voided ? "dp-voided" : "", `Version ${v.version} du ${dayAndTime(v.created_at)}${v.locked ? `, signée le ${dayAndTime(v.locked_at)}` : ""} : ${proposalLine(v)}`);
    if (v.voided) {
      const who = Object.keys(v.signatures || {}).length;
      li.append(el("span", "dp-voided-note", ` — ${who} signature(s) annulée(s) le ${dayAndTime(v.voided_at)} : ${v.voided_reason}.`));
    }
    ul.append(li);
  }
  return [el("summary", "", `Versions précédentes (${older.length})`), ul];
}

// What keeps the rules from deciding (GET …/deliberation/readiness, or a refused signature's
// `blocking`): nobody signs until the list is empty.
/** @param {any} r the readiness, a refused signature's blocking list, or { error } */
export function readinessNodes(r) {
  if (!r) return [];
  if (r.error) return [el("p", "error", `Vérification impossible : ${r.error}`)];
  if (r.version === null || r.version === undefined) return [el("p", "muted", "Enregistrez une proposition : elle sera vérifiée avant toute signature.")];
  if (r.can_sign) {
    const p = el("p", "dp-ready", `La version ${r.version} peut être signée : les règles peuvent décider.`);
    const seal = el("p", "small muted dp-seal", `La signature couvrira la proposition, les pièces du dossier et la décision (empreinte ${String(r.seal || "").slice(0, 12)}…).`);
    return [p, seal];
  }
  const box = el("div", "dp-blocking");
  box.setAttribute("role", "status");
  box.append(el("p", "", `Signature impossible pour l'instant : ce qui manque pour que les règles décident (version ${r.version}) :`));
  const ul = el("ul");
  for (const b of r.blocking || []) ul.append(el("li", `dp-block-${b.kind}`, b.text));
  box.append(ul);
  return [box];
}
