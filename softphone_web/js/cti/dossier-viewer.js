// <dossier-viewer>: the exam dossier — a table of contents (documents and their sections), the
// documents one after another in a readable column, and an in-page search (accents and case
// ignored; Entrée / Maj+Entrée go to the next / previous match, Échap clears).
//   viewer.documents = subject.dossier;   // [{ id, kind, title, html }]
//   viewer.show("doc-id");
import { el } from "../components/dom.js";
import { sanitizedFragment } from "./sanitize.js";

const fold = (/** @type {string} */ s) => {
  let out = "";
  // One code unit in, one out, so offsets in the folded text are offsets in the original.
  for (const c of s) out += c.length === 1 ? c.normalize("NFD")[0].toLowerCase()[0] : c;
  return out;
};

export class DossierViewer extends HTMLElement {
  /** @type {HTMLInputElement} */
  _query;
  /** @type {HTMLSpanElement} */
  _count;
  /** @type {HTMLElement} */
  _nav;
  /** @type {HTMLDivElement} */
  _body;
  /** @type {any[]} */
  _marks;
  /** @type {any} */
  _at;
  /** @type {any} */
  _docsKey;
  /** @type {any} */
  _docs;
  /** @type {any} */
  _lastQuery;

  connectedCallback() {
    if (this._body) return;
    this.classList.add("dossier");
    const bar = el("div", "dossier-search");
    this._query = document.createElement("input");
    this._query.type = "search";
    this._query.placeholder = "Rechercher dans le dossier…";
    this._query.setAttribute("aria-label", "Rechercher dans le dossier");
    this._count = el("span", "dossier-count muted");
    this._count.setAttribute("aria-live", "polite");
    const prev = el("button", "small-button", "◀");
    prev.type = "button";
    prev.title = "Résultat précédent (Maj+Entrée)";
    prev.setAttribute("aria-label", "Résultat précédent");
    const next = el("button", "small-button", "▶");
    next.type = "button";
    next.title = "Résultat suivant (Entrée)";
    next.setAttribute("aria-label", "Résultat suivant");
    bar.append(this._query, this._count, prev, next);
    this._nav = el("nav", "dossier-nav");
    this._nav.setAttribute("aria-label", "Sommaire du dossier");
    this._body = el("div", "dossier-body");
    this._body.tabIndex = 0;
    const cols = el("div", "dossier-cols");
    cols.append(this._nav, this._body);
    this.append(bar, cols);
    this._marks = [];
    this._at = -1;
    /** @type {number | undefined} */
    let timer;
    this._query.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.search(this._query.value), 180);
    });
    this._query.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        clearTimeout(timer);
        if (this._lastQuery !== this._query.value) this.search(this._query.value);
        else this._step(ev.shiftKey ? -1 : 1);
      } else if (ev.key === "Escape") {
        this._query.value = "";
        this.search("");
      }
    });
    prev.addEventListener("click", () => this._step(-1));
    next.addEventListener("click", () => this._step(1));
    if (this._docs) this._render();
  }

  /** @param {Array<{ id: string, title: string, html: string, [key: string]: any }> | null | undefined} docs the dossier (GET …/subject) */
  set documents(docs) {
    const same = JSON.stringify((docs || []).map((d) => [d.id, d.html]));
    if (same === this._docsKey) return;
    this._docsKey = same;
    this._docs = docs || [];
    if (this._body) this._render();
  }

  get documents() {
    return this._docs || [];
  }

  focusSearch() {
    this._query?.focus();
    this._query?.select();
  }

  /** @param {string} docId */
  show(docId) {
    const target = this._body?.querySelector(`[data-doc="${CSS.escape(docId)}"]`);
    if (target) target.scrollIntoView({ block: "start" });
  }

  _render() {
    const nav = el("ol", "toc");
    const articles = [];
    let n = 0;
    for (const doc of this._docs) {
      const article = el("article", "dossier-doc");
      article.dataset.doc = doc.id;
      article.dataset.kind = doc.kind || "";
      article.append(sanitizedFragment(doc.html));
      if (!article.querySelector("h1")) article.prepend(el("h1", "", doc.title));
      articles.push(article);
      const item = el("li");
      const link = el("button", "toc-doc", doc.title);
      link.type = "button";
      link.addEventListener("click", () => this._goTo(article.querySelector("h1") || article));
      item.append(link);
      const subs = [...article.querySelectorAll("h2")];
      if (subs.length) {
        const sub = el("ol", "toc-sub");
        for (const h of subs) {
          h.id = `dossier-h-${++n}`;
          const b = el("button", "toc-section", h.textContent);
          b.type = "button";
          b.addEventListener("click", () => this._goTo(h));
          const li = el("li");
          sub.append(li);
          li.append(b);
        }
        item.append(sub);
      }
      nav.append(item);
    }
    this._nav.replaceChildren(nav);
    this._body.replaceChildren(...articles);
    if (!this._docs.length) this._body.append(el("p", "muted", "Le dossier n'est pas encore disponible."));
    if (this._query.value) this.search(this._query.value);
  }

  /** @param {HTMLElement} target */
  _goTo(target) {
    target.scrollIntoView({ block: "start" });
    target.tabIndex = -1;
    target.focus({ preventScroll: true });
  }

  _clearMarks() {
    const parents = new Set();
    for (const m of this._marks) {
      const parent = m.parentNode;
      if (!parent) continue;
      m.replaceWith(document.createTextNode(m.textContent));
      parents.add(parent);
    }
    for (const p of parents) p.normalize();
    this._marks = [];
    this._at = -1;
  }

  // Highlights every match of `query`; returns how many were found.
  /** @param {string} query */
  search(query) {
    this._lastQuery = query;
    this._clearMarks();
    const q = fold(query.trim());
    if (q.length < 2) {
      this._count.textContent = query.trim() ? "2 caractères au moins" : "";
      return 0;
    }
    const walker = document.createTreeWalker(this._body, NodeFilter.SHOW_TEXT);
    /** @type {Text[]} */
    const nodes = [];
    while (walker.nextNode()) nodes.push(/** @type {Text} */ (walker.currentNode));
    for (const node of nodes) {
      const folded = fold(node.data);
      let from = 0;
      let idx;
      const hits = [];
      while ((idx = folded.indexOf(q, from)) !== -1) {
        hits.push(idx);
        from = idx + q.length;
      }
      // Split from the end so earlier offsets stay valid.
      for (let i = hits.length - 1; i >= 0; i--) {
        const start = hits[i];
        const tail = node.splitText(start);
        tail.splitText(q.length);
        const mark = el("mark", "", tail.data);
        tail.replaceWith(mark);
        this._marks.unshift(mark);
      }
    }
    // Document order (unshift per node keeps order inside a node; sort across nodes).
    this._marks.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    if (this._marks.length) this._step(1);
    else this._count.textContent = "Aucun résultat";
    return this._marks.length;
  }

  /** @param {number} delta */
  _step(delta) {
    if (!this._marks.length) return;
    this._marks[this._at]?.classList.remove("current");
    this._at = (this._at + delta + this._marks.length) % this._marks.length;
    const mark = this._marks[this._at];
    mark.classList.add("current");
    // Scroll the dossier's own text, never the panes around it (scrollIntoView would move the
    // whole pane too and slide the text under the search bar in a narrow column).
    const body = this._body.getBoundingClientRect();
    const at = mark.getBoundingClientRect();
    this._body.scrollTop += at.top - body.top - this._body.clientHeight / 2;
    this._count.textContent = `${this._at + 1} / ${this._marks.length}`;
  }
}

if (!customElements.get("dossier-viewer")) customElements.define("dossier-viewer", DossierViewer);
