// <soft-phone>: the agent's softphone bar — state (libre / sonnerie / en ligne / en attente /
// clôture), the other party's number, the call timer, answer, reject, hang up, hold, mute, a
// dial pad, and the headset levels (micro, écoute). It shows; the controller acts.
//
//   phone.call = { call_id, direction, state, number, line, answered_at, hold_started_at, … } | null;
//   (`line`: the line that rings — the principal's name, as a CTI shows the DNIS; on hold the
//   bar shows how long the customer has been waiting)
//   phone.wrapUpPending = true;              // « Clôture » until the wrap-up is saved
//   phone.muted = true;  phone.micLevel = 0.4;  phone.earLevel = 0.2;
//   phone.dial("0241456307");                // fills the pad (click-to-dial)
//   "phone-action" event: { action: "answer"|"reject"|"hangup"|"hold"|"resume"|"mute"|"dial", number }
// Keys: Alt+R répondre, Alt+H raccrocher, Alt+A attente/reprise, Alt+M micro, Alt+C clavier.
import { el } from "../components/dom.js";
import { formatRemaining, serverNow } from "../clock.js";
import "./level-meter.js";

export const PHONE_STATES = {
  idle: "Libre",
  ringing: "Sonnerie",
  dialing: "Appel en cours…",
  active: "En ligne",
  held: "En attente",
  wrapup: "Clôture",
  offline: "Hors service",
};

// The bar's state from a call and the wrap-up flag (pure).
/**
 * @param {{ state?: string, direction?: string, [field: string]: any } | null | undefined} call
 * @param {boolean} wrapUpPending
 * @param {boolean} [available]
 */
export function phoneState(call, wrapUpPending, available = true) {
  if (call) {
    switch (call.state) {
      case "sonnerie":
        return call.direction === "outbound" ? "dialing" : "ringing";
      case "en_ligne":
        return "active";
      case "en_attente":
        return "held";
      default:
        break;
    }
  }
  if (wrapUpPending) return "wrapup";
  return available ? "idle" : "offline";
}

const digitsOnly = (/** @type {string | null | undefined} */ s) => (s || "").replace(/[^\d+*#]/g, "");
/** @param {string | null | undefined} s */
export function displayNumber(s) {
  const d = digitsOnly(s);
  return /^0\d{9}$/.test(d) ? d.replace(/(\d{2})(?=\d)/g, "$1 ") : d;
}

/**
 * @param {string} text
 * @param {string} action
 * @param {string} [key]
 */
function iconButton(text, action, key) {
  const b = el("button", `sp-btn sp-${action}`, text);
  b.type = "button";
  b.dataset.action = action;
  if (key) {
    b.setAttribute("aria-keyshortcuts", `Alt+${key}`);
    b.title = `${text} (Alt+${key})`;
  }
  return b;
}

export class SoftPhone extends HTMLElement {
  /** @type {HTMLSpanElement} */
  _state;
  /** @type {HTMLSpanElement} */
  _number;
  /** @type {HTMLSpanElement} */
  _who;
  /** @type {HTMLSpanElement} */
  _line;
  /** @type {HTMLSpanElement} */
  _timer;
  /** @type {HTMLSpanElement} */
  _held;
  /** @type {{ answer: HTMLButtonElement; reject: HTMLButtonElement; hangup: HTMLButtonElement; hold: HTMLButtonElement; mute: HTMLButtonElement; pad: HTMLButtonElement; }} */
  _buttons;
  /** @type {import("./level-meter.js").LevelMeter} */
  _mic;
  /** @type {import("./level-meter.js").LevelMeter} */
  _ear;
  /** @type {HTMLDivElement} */
  _pad;
  /** @type {null | number} */
  _tick;
  /** @type {AbortController | null | undefined} the keyboard shortcuts' listener, in the page */
  _keys;
  /** @type {any} */
  _callerName;
  /** @type {HTMLInputElement} */
  _padInput;
  /** @type {HTMLButtonElement} */
  _padCall;

  constructor() {
    super();
    /** @type {Record<string, any> | null} the live call, in the page's words (candidate-calls.js PageCall) */
    this._call = null;
    this._wrap = false;
    this._muted = false;
    this._available = true;
  }

  connectedCallback() {
    if (this._state) {
      this._connected();
      this._renderTimer();
      return;
    }
    this.setAttribute("role", "region");
    this.setAttribute("aria-label", "Téléphone");
    this._state = el("span", "sp-state");
    this._state.setAttribute("role", "status");
    this._number = el("span", "sp-number");
    this._who = el("span", "sp-who");
    this._line = el("span", "sp-line");
    this._timer = el("span", "sp-timer countdown");
    this._held = el("span", "sp-held countdown");
    this._held.setAttribute("aria-label", "Durée de l'attente du client");
    const info = el("div", "sp-info");
    info.append(this._state, this._line, this._number, this._who, this._timer, this._held);
    this._buttons = {
      answer: iconButton("Répondre", "answer", "R"),
      reject: iconButton("Refuser", "reject"),
      hangup: iconButton("Raccrocher", "hangup", "H"),
      hold: iconButton("Attente", "hold", "A"),
      mute: iconButton("Couper le micro", "mute", "M"),
      pad: iconButton("Clavier", "pad", "C"),
    };
    const actions = el("div", "sp-actions");
    actions.append(...Object.values(this._buttons));
    this._mic = /** @type {import("./level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    this._mic.setAttribute("aria-label", "Niveau du micro");
    this._ear = /** @type {import("./level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    this._ear.setAttribute("aria-label", "Niveau d'écoute");
    const levels = el("div", "sp-levels");
    const micRow = el("span", "sp-level");
    micRow.append(el("span", "sp-level-label", "Micro"), this._mic);
    const earRow = el("span", "sp-level");
    earRow.append(el("span", "sp-level-label", "Écoute"), this._ear);
    levels.append(micRow, earRow);
    this._pad = this._buildPad();
    this._pad.hidden = true;
    this.append(info, actions, levels, this._pad);
    actions.addEventListener("click", (ev) => {
      const b = /** @type {HTMLButtonElement | null} */ (/** @type {Element} */ (ev.target).closest("button[data-action]"));
      if (b && !b.disabled) this._act(b.dataset.action);
    });
    this._connected();
    this._render();
  }

  // In the page: the call's clock runs and the keyboard shortcuts (Alt+R, Alt+H…) answer;
  // taken out, both stop (put back, both again).
  _connected() {
    this._keys?.abort();
    this._keys = new AbortController();
    document.addEventListener("keydown", (ev) => this._shortcut(ev), { signal: this._keys.signal });
    clearInterval(this._tick ?? undefined);
    this._tick = setInterval(() => this._renderTimer(), 500);
  }

  disconnectedCallback() {
    this._keys?.abort();
    this._keys = null;
    clearInterval(this._tick ?? undefined);
    this._tick = null;
  }

  /** @param {KeyboardEvent} ev */
  _shortcut(ev) {
    if (!ev.altKey || this.hidden) return;
    /** @type {Record<string, "answer" | "hangup" | "hold" | "mute" | "pad">} */
    const map = { r: "answer", h: "hangup", a: "hold", m: "mute", c: "pad" };
    const action = map[ev.key.toLowerCase()];
    if (!action) return;
    ev.preventDefault();
    const b = this._buttons[action];
    if (b && !b.disabled) this._act(action);
  }

  set call(value) {
    this._call = value || null;
    this._render();
  }

  /** @returns {Record<string, any> | null} */
  get call() {
    return this._call;
  }

  /** @param {boolean} value */
  set wrapUpPending(value) {
    this._wrap = Boolean(value);
    this._render();
  }

  /** @param {boolean} value */
  set available(value) {
    this._available = Boolean(value);
    this._render();
  }

  /** @param {boolean} value */
  set muted(value) {
    this._muted = Boolean(value);
    this._render();
  }

  /** @param {number} v */
  set micLevel(v) {
    if (this._mic) this._mic.level = this._muted ? 0 : v;
  }

  /** @param {number} v */
  set earLevel(v) {
    if (this._ear) this._ear.level = v;
  }

  /** @param {string} text */
  set callerName(text) {
    this._callerName = text || "";
    this._render();
  }

  get state() {
    return phoneState(this._call, this._wrap, this._available);
  }

  // Click-to-dial: open the pad with the number, ready to call.
  /** @param {string} number */
  dial(number) {
    this._padInput.value = displayNumber(number);
    this._pad.hidden = false;
    this._render();
    this._padCall.focus();
  }

  /** @param {string | undefined} action */
  _act(action) {
    const c = this._call;
    if (action === "pad") {
      this._pad.hidden = !this._pad.hidden;
      if (!this._pad.hidden) this._padInput.focus();
      this._render();
      return;
    }
    if (action === "hold" && c && c.state === "en_attente") action = "resume";
    this.dispatchEvent(new CustomEvent("phone-action", { detail: { action, call: c } }));
  }

  _buildPad() {
    const pad = el("div", "sp-dialpad");
    pad.setAttribute("role", "dialog");
    pad.setAttribute("aria-label", "Clavier de numérotation");
    this._padInput = document.createElement("input");
    this._padInput.type = "tel";
    this._padInput.className = "sp-pad-input";
    this._padInput.setAttribute("aria-label", "Numéro à composer");
    this._padInput.autocomplete = "off";
    const keys = el("div", "sp-keys");
    for (const k of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]) {
      const b = el("button", "sp-key", k);
      b.type = "button";
      b.tabIndex = -1;
      b.addEventListener("click", () => {
        this._padInput.value = displayNumber(this._padInput.value + k);
        this._padInput.focus();
      });
      keys.append(b);
    }
    const row = el("div", "sp-pad-row");
    const back = el("button", "", "⌫");
    back.type = "button";
    back.setAttribute("aria-label", "Effacer un chiffre");
    back.addEventListener("click", () => {
      this._padInput.value = displayNumber(digitsOnly(this._padInput.value).slice(0, -1));
    });
    this._padCall = el("button", "primary", "Appeler");
    this._padCall.type = "button";
    this._padCall.dataset.action = "dial";
    row.append(back, this._padCall);
    this._padCall.addEventListener("click", () => this._dial());
    this._padInput.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this._dial();
      } else if (ev.key === "Escape") {
        this._pad.hidden = true;
        this._render();
      }
    });
    pad.append(this._padInput, keys, row);
    return pad;
  }

  _dial() {
    const number = digitsOnly(this._padInput.value);
    if (!number || this._padCall.disabled) return;
    this.dispatchEvent(new CustomEvent("phone-action", { detail: { action: "dial", number } }));
  }

  padClose() {
    this._pad.hidden = true;
    this._padInput.value = "";
    this._render();
  }

  _render() {
    if (!this._state) return;
    const state = this.state;
    const c = this._call;
    this.dataset.state = state;
    this._state.textContent = PHONE_STATES[state];
    const number = c ? c.number_display || displayNumber(c.number || "") : "";
    const arrow = c ? (c.direction === "outbound" ? "→ " : "← ") : "";
    this._number.textContent = number ? `${arrow}${number}` : "";
    this._who.textContent = c && this._callerName ? this._callerName : "";
    this._line.textContent = c && c.line ? `Ligne ${c.line}` : "";
    this._line.hidden = !this._line.textContent;
    const b = this._buttons;
    b.answer.hidden = state !== "ringing";
    b.reject.hidden = state !== "ringing";
    b.hangup.disabled = !["dialing", "active", "held"].includes(state);
    b.hold.disabled = !["active", "held"].includes(state);
    b.hold.textContent = state === "held" ? "Reprendre" : "Attente";
    b.hold.setAttribute("aria-pressed", String(state === "held"));
    b.mute.disabled = !["active", "held", "dialing"].includes(state);
    b.mute.textContent = this._muted ? "Rétablir le micro" : "Couper le micro";
    b.mute.setAttribute("aria-pressed", String(this._muted));
    b.pad.setAttribute("aria-expanded", String(!this._pad.hidden));
    this._padCall.disabled = state !== "idle";
    this._padCall.title = state === "wrapup" ? "Terminez d'abord la clôture de l'appel précédent." : "";
    this._renderTimer();
  }

  _renderTimer() {
    if (!this._timer) return;
    const c = this._call;
    let text = "";
    if (c && c.answered_at && ["en_ligne", "en_attente"].includes(c.state)) {
      text = formatRemaining(Math.max(0, serverNow() - Date.parse(c.answered_at)));
    } else if (c && c.state === "sonnerie" && c.ringing_at) {
      text = formatRemaining(Math.max(0, serverNow() - Date.parse(c.ringing_at)));
    }
    if (this._timer.textContent !== text) this._timer.textContent = text;
    let held = "";
    if (c && c.state === "en_attente" && c.hold_started_at) {
      held = `Attente ${formatRemaining(Math.max(0, serverNow() - Date.parse(c.hold_started_at)))}`;
    }
    if (this._held.textContent !== held) this._held.textContent = held;
    this._held.hidden = !held;
  }
}

if (!customElements.get("soft-phone")) customElements.define("soft-phone", SoftPhone);
