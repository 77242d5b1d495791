// The writing phase's lockdown, reported rather than enforced: full screen asked for; leaving
// it, losing focus, hiding the tab and pasting text that was not copied inside this page are
// reported to the proctor and the observer (`report(kind, detail)` → WS `lockdown.report`).
const MIN_GAP_MS = 2000; // one report per kind at most every 2 s (a blur storm is one event)
const MEMORY = 50; // texts copied inside the page that may be pasted back freely

const squash = (/** @type {string | null | undefined} */ s) => (s || "").replace(/\s+/g, " ").trim();

export class Lockdown extends EventTarget {
  /** @param {(kind: string, detail: string) => void} report */
  constructor(report) {
    super();
    this.report = report;
    this.active = false;
    /** @type {string[]} */
    this.copied = [];
    /** @type {Record<string, number>} */
    this._last = {};
    this._focusLost = false;
    this._wasFullscreen = Boolean(document.fullscreenElement);
    // The page's own copies are tracked always (a text copied in the calls phase may be pasted).
    const remember = (/** @type {Event} */ ev) => this._remember(ev);
    document.addEventListener("copy", remember, true);
    document.addEventListener("cut", remember, true);
    document.addEventListener("paste", (ev) => this._paste(ev), true);
    window.addEventListener("blur", () => this._blur());
    window.addEventListener("focus", () => (this._focusLost = false));
    document.addEventListener("visibilitychange", () => {
      if (this.active && document.visibilityState === "hidden") {
        this._send("tab_hidden", "Onglet masqué ou fenêtre réduite.");
      }
    });
    document.addEventListener("fullscreenchange", () => this._fullscreenChanged());
  }

  get fullscreen() {
    return Boolean(document.fullscreenElement);
  }

  start() {
    this.active = true;
    this._focusLost = !document.hasFocus();
  }

  stop() {
    this.active = false;
  }

  // Must run from a user gesture (a click) or the browser refuses; resolves to true when on.
  async enterFullscreen() {
    if (this.fullscreen) return true;
    try {
      await document.documentElement.requestFullscreen({ navigationUI: "hide" });
      return true;
    } catch {
      return false;
    }
  }

  _fullscreenChanged() {
    const now = this.fullscreen;
    if (this._wasFullscreen && !now && this.active) {
      this._send("fullscreen_left", "Sortie du mode plein écran.");
    }
    this._wasFullscreen = now;
    this.dispatchEvent(new CustomEvent("fullscreen", { detail: { on: now } }));
  }

  _blur() {
    if (!this.active || this._focusLost) return;
    // A blur towards an iframe or a native dialog of this page is not a loss of focus.
    setTimeout(() => {
      if (document.hasFocus() || this._focusLost || !this.active) return;
      this._focusLost = true;
      this._send("focus_lost", "La fenêtre de l'épreuve a perdu le focus.");
    }, 150);
  }

  /** @param {Event} ev */
  _remember(ev) {
    const t = /** @type {any} */ (ev.target);
    let text = "";
    if (t && (t.localName === "textarea" || t.localName === "input") && typeof t.selectionStart === "number") {
      text = t.value.substring(t.selectionStart, t.selectionEnd);
    } else {
      text = String(document.getSelection() || "");
    }
    text = squash(text);
    if (!text) return;
    this.copied.push(text);
    if (this.copied.length > MEMORY) this.copied.shift();
  }

  // Whether `text` was copied inside the page (exactly, or as a part of a copied text).
  /** @param {string} text */
  isOwnText(text) {
    const s = squash(text);
    if (!s) return true;
    return this.copied.some((c) => c === s || c.includes(s));
  }

  /** @param {ClipboardEvent} ev */
  _paste(ev) {
    if (!this.active) return;
    const text = ev.clipboardData ? ev.clipboardData.getData("text/plain") : "";
    if (this.isOwnText(text)) return;
    const s = squash(text);
    const excerpt = s.length > 120 ? `${s.slice(0, 120)}…` : s;
    this._send("paste", `Texte collé depuis l'extérieur (${[...text].length} caractères) : « ${excerpt} »`, true);
  }

  /**
   * @param {string} kind
   * @param {string} detail
   * @param {boolean} [always]
   */
  _send(kind, detail, always = false) {
    const now = Date.now();
    if (!always && now - (this._last[kind] || 0) < MIN_GAP_MS) return;
    this._last[kind] = now;
    this.report(kind, detail.slice(0, 300));
    this.dispatchEvent(new CustomEvent("reported", { detail: { kind, detail } }));
  }
}
