// <people-panel>: a session's candidates (with their jury: the juror playing the client and
// the observer), its jurors and proctors, the forms that add them, a button per person to
// correct (a typo in a name) or remove them (before they started), and who was removed.
//   panel.detail = SessionDetail  ({ session, candidates, staff, removed })
//   events: "candidate-add" ({ last_name, first_name, pathway }),
//           "staff-add" ({ role, display_name }),
//           "jury-assign" ({ candidateId, capacity: "client" | "observer", jurorId }),
//           "person-correct" ({ id, role, name, last_name?, first_name?, pathway? }),
//           "person-remove" ({ id, role, name })
//   panel.say(message, isError)   — a line under the lists (a correction's result…)
//   panel.formResult("candidate" | "staff", errorMessage | null)
//   panel.assignResult({ candidateId, capacity, jurorId }, errorMessage | null)
import { button, el, field, input, select } from "./components/dom.js";

/** @typedef {import("./types/http.js").SessionDetail} SessionDetail */
/** @typedef {import("./types/http.js").Role} Role */
/** @typedef {import("./types/http.js").Pathway} Pathway */
/** @typedef {"client" | "observer"} Capacity */
/**
 * Whom "person-correct" and "person-remove" are about.
 * @typedef {{ id: string, role: Role, name: string, last_name?: string, first_name?: string, pathway?: Pathway }} PersonRef
 */

const PATHWAYS = [
  { value: "formation_continue", label: "Formation continue" },
  { value: "vae", label: "VAE" },
  { value: "capitalisation", label: "Capitalisation de CCP" },
];
const STAFF_ROLES = [
  { value: "juror", label: "Juré" },
  { value: "proctor", label: "Surveillant" },
];
/** @type {[Capacity, string][]} */
const CAPACITIES = [
  ["client", "Juré « client »"],
  ["observer", "Juré observateur"],
];
/**
 * @param {string} capacity a Capacity
 * @returns {"client_juror_id" | "observer_juror_id"} the candidate's field naming that juror
 */
const jurorField = (capacity) => (capacity === "client" ? "client_juror_id" : "observer_juror_id");

export class PeoplePanel extends HTMLElement {
  /** @type {HTMLDivElement} */
  _cands;
  /** @type {HTMLParagraphElement} */
  _assignMsg;
  /** @type {HTMLDivElement} */
  _removed;
  /** @type {HTMLFormElement} */
  _candForm;
  /** @type {HTMLDivElement} */
  _staff;
  /** @type {HTMLFormElement} */
  _staffForm;
  /** @type {SessionDetail | undefined} */
  _detail;

  connectedCallback() {
    if (this._cands) return;
    this.classList.add("people-grid");
    const left = el("section", "panel");
    left.append(el("h2", "", "Candidats et jury"));
    this._cands = el("div");
    this._assignMsg = el("p", "small");
    this._assignMsg.setAttribute("role", "status");
    this._removed = el("div", "removed-people");
    left.append(this._cands, this._assignMsg, el("h3", "", "Ajouter un candidat"));
    this._candForm = this._form(
      [
        field("Nom", input("text", { maxlength: "100", autocomplete: "off" }), { name: "last_name", required: true }),
        field("Prénom", input("text", { maxlength: "100", autocomplete: "off" }), { name: "first_name", required: true }),
        field("Parcours", select(PATHWAYS), { name: "pathway" }),
      ],
      "Ajouter le candidat",
      "candidate-add",
    );
    left.append(this._candForm);

    const right = el("section", "panel");
    right.append(el("h2", "", "Jurés et surveillants"));
    this._staff = el("div");
    right.append(this._staff, el("h3", "", "Ajouter un membre"));
    this._staffForm = this._form(
      [
        field("Rôle", select(STAFF_ROLES), { name: "role" }),
        field("Nom affiché", input("text", { maxlength: "200", autocomplete: "off" }), {
          name: "display_name",
          required: true,
        }),
      ],
      "Ajouter",
      "staff-add",
    );
    right.append(this._staffForm, this._removed);
    this.append(left, right);
    this._render();
  }

  /** @param {SessionDetail} value the session's people (GET …/overview: its `detail`) */
  set detail(value) {
    this._detail = value;
    this._render();
  }

  /**
   * @param {string} message
   * @param {boolean} [isError]
   */
  say(message, isError = false) {
    this._assignMsg.className = isError ? "small error" : "small ok";
    this._assignMsg.textContent = message || "";
  }

  /** @param {PersonRef} person a candidate or a staff member */
  _personButtons(person) {
    const wrap = el("span", "person-actions");
    const fire = (/** @type {string} */ name) =>
      this.dispatchEvent(new CustomEvent(name, { detail: person }));
    const fix = el("button", "small-button", "Corriger");
    fix.type = "button";
    fix.setAttribute("aria-label", `Corriger : ${person.name}`);
    fix.addEventListener("click", () => fire("person-correct"));
    const remove = el("button", "small-button", "Retirer");
    remove.type = "button";
    remove.setAttribute("aria-label", `Retirer : ${person.name}`);
    remove.addEventListener("click", () => fire("person-remove"));
    wrap.append(fix, remove);
    return wrap;
  }

  /**
   * @param {"candidate" | "staff"} which
   * @param {string | null | undefined} error
   */
  formResult(which, error) {
    const form = which === "candidate" ? this._candForm : this._staffForm;
    /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]")).disabled = false;
    /** @type {HTMLElement} */ (form.querySelector(".error")).textContent = error || "";
    if (!error) {
      for (const i of form.querySelectorAll("input")) i.value = "";
      form.querySelector("input")?.focus();
    }
  }

  /**
   * @param {{ candidateId: string, capacity: string, jurorId: string }} assignment (capacity: a Capacity)
   * @param {string | null | undefined} error
   */
  assignResult({ candidateId, capacity, jurorId }, error) {
    const cand = (this._detail?.candidates || []).find((c) => c.id === candidateId);
    const juror = (this._detail?.staff || []).find((p) => p.id === jurorId);
    const what = `${new Map(/** @type {[string, string][]} */ (CAPACITIES)).get(capacity)} de ${cand ? cand.display_name : "?"}`;
    if (cand && !error) cand[jurorField(capacity)] = jurorId; // the select already shows it
    this._assignMsg.className = error ? "small error" : "small ok";
    this._assignMsg.textContent = error
      ? `${what} non enregistré : ${error}`
      : `${what} : ${juror ? juror.display_name : "?"}, enregistré.`;
  }

  /**
   * @param {Array<[HTMLElement, HTMLInputElement | HTMLSelectElement]>} fields [wrapper, control], as field() makes them
   * @param {string} submitText
   * @param {string} eventName
   */
  _form(fields, submitText, eventName) {
    const form = el("form", "add-form");
    form.noValidate = true;
    const row = el("div", "row");
    for (const [wrap] of fields) row.append(wrap);
    const submit = button(submitText, { type: "submit", className: "primary" });
    row.append(submit);
    const error = el("p", "error");
    error.setAttribute("role", "alert");
    form.append(row, error);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      /** @type {Record<string, string>} */
      const values = {};
      for (const [wrap, control] of fields) {
        values[control.name] = control.value.trim();
        if (control.required && !values[control.name]) {
          error.textContent = `« ${/** @type {HTMLLabelElement} */ (wrap.querySelector("label")).textContent} » est obligatoire.`;
          control.focus();
          return;
        }
      }
      error.textContent = "";
      submit.disabled = true;
      this.dispatchEvent(new CustomEvent(eventName, { detail: values }));
    });
    return form;
  }

  _render() {
    if (!this._cands || !this._detail) return;
    const { candidates, staff } = this._detail;
    const jurors = staff.filter((p) => p.role === "juror");

    if (!candidates.length) {
      this._cands.replaceChildren(el("p", "muted", "Aucun candidat pour l'instant."));
    } else {
      const table = el("table", "people");
      const head = el("tr");
      for (const h of ["N°", "Candidat", "Parcours", ...CAPACITIES.map(([, l]) => l), ""]) {
        head.append(el("th", "", h));
      }
      table.createTHead().append(head);
      const body = table.createTBody();
      for (const c of candidates) {
        const tr = el("tr");
        tr.dataset.candidateId = c.id;
        tr.append(el("td", "", String(c.position + 1)), el("td", "", c.display_name), el("td", "", c.pathway_label));
        for (const [capacity, label] of CAPACITIES) {
          const current = c[jurorField(capacity)] || "";
          const choice = select(
            [{ value: "", label: "— à choisir —" }, ...jurors.map((j) => ({ value: j.id, label: j.display_name }))],
            current,
          );
          choice.dataset.capacity = capacity;
          choice.setAttribute("aria-label", `${label} de ${c.display_name}`);
          choice.addEventListener("change", () => {
            if (!choice.value) return;
            this.dispatchEvent(
              new CustomEvent("jury-assign", {
                detail: { candidateId: c.id, capacity, jurorId: choice.value },
              }),
            );
          });
          const td = el("td");
          td.append(choice);
          tr.append(td);
        }
        const actions = el("td");
        actions.append(
          this._personButtons({
            id: c.id,
            role: "candidate",
            name: c.display_name,
            last_name: c.last_name,
            first_name: c.first_name,
            pathway: c.pathway,
          }),
        );
        tr.append(actions);
        body.append(tr);
      }
      this._cands.replaceChildren(table);
    }

    if (!staff.length) {
      this._staff.replaceChildren(el("p", "muted", "Aucun juré ni surveillant pour l'instant."));
    } else {
      const list = el("ul", "staff-list");
      for (const p of staff) {
        const li = el("li");
        li.dataset.personId = p.id;
        const role = STAFF_ROLES.find((r) => r.value === p.role);
        li.append(el("span", "badge", role ? role.label : p.role), document.createTextNode(` ${p.display_name} `));
        li.append(this._personButtons({ id: p.id, role: p.role, name: p.display_name }));
        list.append(li);
      }
      this._staff.replaceChildren(list);
    }

    const removed = this._detail.removed || [];
    this._removed.hidden = removed.length === 0;
    if (removed.length) {
      const list = el("ul", "removed-list small");
      for (const r of removed) {
        const role = r.role === "candidate" ? "Candidat" : (STAFF_ROLES.find((x) => x.value === r.role) || {}).label || r.role;
        list.append(el("li", "", `${r.display_name} (${role}) — ${r.reason}`));
      }
      this._removed.replaceChildren(el("h3", "", "Personnes retirées"), list);
    }
  }
}

if (!customElements.get("people-panel")) customElements.define("people-panel", PeoplePanel);
