// One criterion of the evaluation grid, as a list item: its number and exact text (« à
// observer » when the juror card asks for it), the three marks A / N / O, its comment, and
// what the grid knows of it (being saved, marked by the other juror). The grid decides; the row
// only shows and reports. The item is focusable (roving tabindex, kept by the grid): the marks
// and the comment button are clicked, the keys go to `onKey` (A, N, O, arrows, Entrée).
//
//   const row = new CriterionRow({ index, text, watch }, "CP3", {
//     onMark: (value) => …, onComment: (text) => …, onOpenComment: () => …, onKey: (ev) => …,
//   });
//   list.append(row.li);   row.render({ value, comment, pending }, byOther);   row.openComment();
import { el } from "../components/dom.js";
import { LABEL, VALUES } from "./grid-marks.js";

let uid = 0;

export class CriterionRow {
  /**
   * @param {{ index: number, text: string, watch?: boolean }} criterion
   * @param {string} code the competence's code
   * @param {{ onMark: (value: string) => void, onComment: (text: string) => void, onOpenComment: () => void, onKey: (ev: KeyboardEvent) => void }} handlers
   */
  constructor(criterion, code, { onMark, onComment, onOpenComment, onKey }) {
    this.index = criterion.index;
    this.code = code;
    const li = el("li", "eg-crit");
    this.li = li;
    li.tabIndex = -1;
    li.dataset.competence = code;
    li.dataset.criterion = String(criterion.index);
    li.setAttribute("aria-keyshortcuts", "A N O");
    const main = el("div", "eg-crit-main");
    const text = el("span", "eg-text", criterion.text);
    text.id = `eg-text-${++uid}`;
    li.setAttribute("aria-describedby", text.id);
    main.append(el("span", "eg-index", String(criterion.index)), text);
    if (criterion.watch) main.append(el("span", "badge eg-watch", "à observer"));
    const group = el("div", "eg-values");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Évaluation du critère");
    /** @type {Record<string, HTMLButtonElement>} */
    this.buttons = {};
    for (const v of VALUES) {
      const b = el("button", `eg-value eg-${v.value}`, v.short);
      b.type = "button";
      b.tabIndex = -1; // the keys A, N, O on the item do the same
      b.title = `${v.label} (touche ${v.short})`;
      b.setAttribute("aria-label", v.label);
      b.addEventListener("click", () => {
        li.focus();
        onMark(v.value);
      });
      this.buttons[v.value] = b;
      group.append(b);
    }
    this.state = el("span", "eg-state small");
    this.commentButton = el("button", "eg-comment-toggle small-button", "Commentaire");
    this.commentButton.type = "button";
    this.commentButton.tabIndex = -1;
    this.commentButton.addEventListener("click", onOpenComment);
    group.append(this.commentButton, this.state);
    this.commentText = el("p", "eg-comment-text small");
    const comment = document.createElement("textarea");
    this.comment = comment;
    comment.className = "eg-comment";
    comment.rows = 2;
    comment.maxLength = 4000;
    comment.hidden = true;
    comment.setAttribute("aria-label", `Commentaire du critère ${criterion.index} de ${code}`);
    comment.addEventListener("change", () => onComment(comment.value));
    comment.addEventListener("keydown", (ev) => {
      const save = ev.key === "Enter" && (ev.ctrlKey || ev.metaKey);
      if (!save && ev.key !== "Escape") return;
      ev.preventDefault();
      if (save) onComment(comment.value);
      comment.hidden = true; // its "change" (blur) finds nothing new to save
      li.focus();
    });
    li.append(main, group, this.commentText, comment);
    li.addEventListener("keydown", (ev) => {
      if (ev.target === li && !ev.ctrlKey && !ev.metaKey && !ev.altKey) onKey(ev);
    });
  }

  /**
   * @param {{ value: string | null, comment: string, pending: boolean }} shown
   * @param {boolean} byOther the mark shown is the other juror's
   */
  render({ value, comment, pending }, byOther) {
    for (const [v, b] of Object.entries(this.buttons)) b.setAttribute("aria-pressed", String(v === value));
    this.li.dataset.value = value || "";
    this.li.dataset.pending = String(pending);
    this.li.classList.toggle("by-other", byOther);
    this.state.textContent = pending ? "enregistrement…" : byOther ? "noté par l'autre juré" : "";
    this.commentText.textContent = comment ? `« ${comment} »` : "";
    if (document.activeElement !== this.comment) this.comment.value = comment;
    this.commentButton.disabled = !value;
    this.commentButton.title = value ? "Ajouter ou modifier le commentaire (Entrée)" : "Notez d'abord le critère (A, N ou O)";
    const said = value ? LABEL[value] : "non noté";
    this.li.setAttribute("aria-label", `Critère ${this.index} de ${this.code} : ${said}${pending ? " (enregistrement)" : ""}`);
  }

  openComment() {
    this.comment.hidden = false;
    this.comment.focus();
  }
}
