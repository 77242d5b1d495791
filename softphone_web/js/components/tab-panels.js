// <tab-panels>: turns its children with data-tab="Label" (and an id) into tabs, with a tab
// list built in front of them (arrow keys, Home/End). Fires "tab-change" ({ id }).
//   <tab-panels><section id="setup" data-tab="Préparation">…</section>…</tab-panels>
//   tabs.select("live");
export class TabPanels extends HTMLElement {
  /** @type {HTMLElement[]} */
  _panels;
  /** @type {HTMLDivElement} */
  _bar;
  /** @type {HTMLButtonElement[]} */
  _tabs;
  /** @type {any} */
  _current;

  connectedCallback() {
    if (this._bar) return;
    this._panels = /** @type {HTMLElement[]} */ ([...this.children]).filter((c) => c.dataset.tab);
    this._bar = document.createElement("div");
    this._bar.className = "tab-bar no-print";
    this._bar.setAttribute("role", "tablist");
    this._tabs = this._panels.map((panel, i) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = `tab-${panel.id}`;
      tab.textContent = panel.dataset.tab ?? "";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", () => this.select(panel.id));
      tab.addEventListener("keydown", (ev) => this._key(ev, i));
      return tab;
    });
    this._bar.append(...this._tabs);
    this.prepend(this._bar);
    this.select(this._panels[0]?.id);
  }

  get current() {
    return this._current;
  }

  /**
   * @param {string} id the panel's id
   * @param {{ focus?: boolean }} [options]
   */
  select(id, { focus = false } = {}) {
    if (!this._panels.some((p) => p.id === id)) return;
    const changed = this._current !== id;
    this._current = id;
    this._panels.forEach((panel, i) => {
      const on = panel.id === id;
      panel.hidden = !on;
      this._tabs[i].setAttribute("aria-selected", String(on));
      this._tabs[i].tabIndex = on ? 0 : -1;
      if (on && focus) this._tabs[i].focus();
    });
    if (changed) this.dispatchEvent(new CustomEvent("tab-change", { detail: { id } }));
  }

  /**
   * @param {KeyboardEvent} ev
   * @param {number} i
   */
  _key(ev, i) {
    const n = this._tabs.length;
    /** @type {Record<string, number>} */
    const moves = { ArrowRight: i + 1, ArrowLeft: i - 1 + n, Home: 0, End: n - 1 };
    const to = moves[ev.key];
    if (to === undefined) return;
    ev.preventDefault();
    this.select(this._panels[to % n].id, { focus: true });
  }
}

if (!customElements.get("tab-panels")) customElements.define("tab-panels", TabPanels);
