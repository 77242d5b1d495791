// <simulation-progress [compact]>: the candidate's simulations as actually played — how many
// were played, are in progress, remain, were not played (with the reason recorded at the end
// of the calls phase) — the time left in the calls phase and what the remaining simulations
// need (cards + wrap-up). When that no longer fits, a warning (role="alert") says so, turned
// on at the right instant by this page's clock (`fits_until`). `compact`: no list (the client
// juror's run sheet shows the states). The page controller reads the server and hands the
// reading over (board-progress.js followProgress); the element fetches nothing.
//
//   el.bind(ctx); el.unbind();
//   el.progress = reading;        // the server's reading (ProgressOut), or null; el.progress reads it back
//   el.error = message;           // the reading failed
//   "progress-change" ({ progress })            // each time the server's reading arrives
import { serverNow } from "../clock.js";
import { el } from "../components/dom.js";
import { STATE_LABELS, countsText, reading, timeText } from "../components/progress-text.js";
import { JuryPanel } from "./jury-panel.js";

export class SimulationProgress extends JuryPanel {
  /** @type {HTMLParagraphElement} */
  _summary;
  /** @type {HTMLParagraphElement} */
  _time;
  /** @type {HTMLDivElement} */
  _warning;
  /** @type {HTMLOListElement} */
  _list;
  /** @type {number} */
  _tick;
  /** @type {any} */
  _progress;

  _build() {
    if (this._summary) return;
    this.classList.add("simulation-progress");
    this._summary = el("p", "sp-summary");
    this._time = el("p", "sp-time small");
    this._warning = el("div", "sp-warning");
    this._warning.setAttribute("role", "alert");
    this._warning.hidden = true;
    this._list = el("ol", "sp-list");
    this._list.setAttribute("aria-label", "Simulations jouées et restantes");
    this.append(this._summary, this._time, this._warning, this._list);
  }

  get progress() {
    return this._progress || null;
  }

  set progress(progress) {
    this._apply(progress);
  }

  /** @param {string} message */
  set error(message) {
    if (this._summary) this._summary.textContent = `Simulations : ${message}`;
  }

  bound() {
    this._startClock();
  }

  // The clock runs while the panel is bound and in the page (taken out: stopped; put back: the
  // time left shown again at once).
  connectedCallback() {
    super.connectedCallback();
    if (this._startClock()) this._render();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this._tick);
    this._tick = 0;
  }

  _startClock() {
    if (this._tick || !this._ctx || !this.isConnected) return false;
    this._tick = setInterval(() => this._render(), 1000);
    return true;
  }

  unbound() {
    clearInterval(this._tick);
    this._tick = 0;
    this._progress = null;
    if (this._summary) {
      for (const node of [this._summary, this._time, this._list]) node.replaceChildren();
      this._warning.hidden = true;
    }
  }

  /** @param {import("../types/events.js").ProgressOut | null | undefined} progress */
  _apply(progress) {
    this._progress = progress || null;
    this._renderList();
    this._render();
    this.dispatchEvent(new CustomEvent("progress-change", { detail: { progress: this._progress }, bubbles: true }));
  }

  // The parts that move with the clock: the counts, the time left, the warning.
  _render() {
    const p = this._progress;
    if (!this._summary) return;
    if (!p) {
      this._summary.textContent = this._ctx ? "Aucun sujet : pas de simulations." : "";
      this._time.textContent = "";
      this._warning.hidden = true;
      return;
    }
    const r = reading(p, serverNow());
    if (!r) return;
    this._summary.textContent = countsText(p);
    this._time.textContent = timeText(p, r);
    this.dataset.short = String(r.short);
    if (this._warning.textContent !== (r.warning || "")) this._warning.textContent = r.warning || "";
    this._warning.hidden = !r.short;
  }

  _renderList() {
    const p = this._progress;
    this._list.hidden = this.hasAttribute("compact") || !p;
    if (!p) return this._list.replaceChildren();
    this._list.replaceChildren(
      ...p.simulations.map((/** @type {import("../types/events.js").SimProgressOut} */ s) => {
        const li = el("li", `sp-item sp-${s.state}`);
        li.dataset.id = s.id;
        const head = el("span", "sp-head");
        head.append(
          el("span", "sp-order", `${s.order}.`),
          el("span", "sp-title", s.title),
          el("span", `badge sp-state sp-state-${s.state}`, s.state_label || STATE_LABELS[s.state] || s.state),
        );
        li.append(head);
        const note = s.state === "non_jouee" ? `${s.reason_label} — ${s.detail}` : s.state === "a_faire" && s.attempts ? `${s.attempts} appel(s) non abouti(s)` : `${s.kind_label}, ${s.minutes} min`;
        li.append(el("span", "sp-note small muted", note));
        return li;
      }),
    );
  }
}

if (!customElements.get("simulation-progress")) customElements.define("simulation-progress", SimulationProgress);
