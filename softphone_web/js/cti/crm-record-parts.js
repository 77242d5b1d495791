// What <crm-record> draws with: the labels of its codes, dates and names as French text, its
// tables and sections, its actions and edit fields (crm-record.js re-exports the text helpers
// that the other CTI modules import).
import { el } from "../components/dom.js";

/** @type {Record<string, string>} */
export const KIND_LABELS = { client: "Client", prospect: "Prospect", usager: "Usager" };
/** @type {Record<string, string>} */
export const CHANNELS = {
  telephone: "Téléphone", courriel: "Courriel", courrier: "Courrier", sms: "SMS", chat: "Chat",
  web: "Web", agence: "Agence",
};
/** @type {Record<string, string>} */
export const INVOICE_STATUS = { payee: "Payée", impayee: "Impayée", a_echoir: "À échoir" };
/** @type {Record<string, string>} */
export const CONTRACT_STATUS = { actif: "Actif", suspendu: "Suspendu", resilie: "Résilié", expire: "Expiré" };

/** @param {string | null | undefined} iso */
export function dayText(iso) {
  if (!iso) return "";
  const [y, m, d] = String(iso).slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

/** @param {string | null | undefined} iso */
export function instantText(iso) {
  if (!iso) return "";
  const s = String(iso);
  const time = s.length > 10 ? s.slice(11, 16).replace(":", " h ") : "";
  return `${dayText(s)}${time ? ` à ${time}` : ""}`;
}

/**
 * A CRM record, as the server sends it (`server.crm.store.record_out`: the pack's record and the
 * candidate's changes; no generated typedef yet).
 * @typedef {Record<string, any>} CrmRecordData
 */
/** @param {CrmRecordData | null | undefined} r */
export function recordName(r) {
  if (!r) return "";
  const person = [r.civility, r.first_name, r.last_name].filter(Boolean).join(" ");
  if (r.company) return person ? `${r.company} (${person})` : r.company;
  return person;
}

/**
 * @template T
 * @param {Array<{ label: string, num?: boolean, value: (row: T) => string | Node | null | undefined }>} columns
 * @param {T[]} rows
 * @param {string} empty what the table says when there is no row
 */
export function table(columns, rows, empty) {
  if (!rows.length) return el("p", "muted small", empty);
  const t = el("table", "crm-table");
  const head = el("tr");
  for (const c of columns) head.append(el("th", c.num ? "num" : "", c.label));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const c of columns) {
      const v = c.value(row);
      const td = el("td", c.num ? "num" : "");
      if (v instanceof Node) td.append(v);
      else td.textContent = v ?? "";
      tr.append(td);
    }
    tbody.append(tr);
  }
  t.append(thead, tbody);
  return t;
}

/**
 * @param {string} title
 * @param {...(Node | string)} nodes
 */
export function section(title, ...nodes) {
  const s = el("section", "crm-section");
  s.append(el("h3", "", title), ...nodes);
  return s;
}

/**
 * A section's content, after its title: replaced (tables and lists hold no button).
 * @param {HTMLElement} sec
 * @param {Node} content
 */
export function fill(sec, content) {
  sec.replaceChildren(/** @type {Node} */ (sec.firstElementChild), content);
}

/** @type {ReadonlyArray<[action: string, label: string]>} */
export const ACTIONS = [
  ["edit", "Modifier la fiche"],
  ["note", "Note de contact"],
  ["callback", "Rappel / rendez-vous"],
  ["order", "Commande"],
  ["agreement", "Accord de paiement"],
];

/** @type {[name: string, label: string, type?: string, options?: string[]][]} */
export const EDIT_FIELDS = [
  ["civility", "Civilité", "select", ["", "M.", "Mme"]],
  ["last_name", "Nom"],
  ["first_name", "Prénom"],
  ["company", "Raison sociale"],
  ["position", "Fonction"],
  ["email", "Courriel", "email"],
  ["street", "Adresse"],
  ["postcode", "Code postal"],
  ["city", "Ville"],
  ["segment", "Segment"],
];
