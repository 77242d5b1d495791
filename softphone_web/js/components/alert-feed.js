// <alert-feed>: the latest alerts of a session, newest first (lockdown incidents, time
// warnings, technical incidents). New entries are highlighted for a while and read out politely by screen readers.
//
//   feed.add({ at: iso, who: "Alice DURAND", text: "Plein écran quitté", level: "alert" | "info" })
import { clockTime } from "./format.js";

const LIMIT = 60;
const FRESH_MS = 20000;

export class AlertFeed extends HTMLElement {
  /** @type {HTMLOListElement} */
  _list;
  /** @type {HTMLParagraphElement} */
  _empty;

  connectedCallback() {
    if (this._list) return;
    this._list = document.createElement("ol");
    this._list.className = "alert-feed";
    this._list.setAttribute("aria-live", "polite");
    this._empty = document.createElement("p");
    this._empty.className = "muted";
    this._empty.textContent = this.getAttribute("empty") || "Aucune alerte.";
    this.append(this._empty, this._list);
  }

  /** @param {{ at: string, who: string, text: string, level?: string }} item */
  add({ at, who, text, level = "alert" }) {
    const li = document.createElement("li");
    li.className = `feed-${level} fresh`;
    const time = document.createElement("time");
    time.className = "muted";
    time.textContent = clockTime(at);
    const name = document.createElement("strong");
    name.textContent = who;
    li.append(time, " ", name, " — ", text);
    this._list.prepend(li);
    while (this._list.children.length > LIMIT) this._list.lastElementChild?.remove();
    this._empty.hidden = true;
    setTimeout(() => li.classList.remove("fresh"), FRESH_MS);
  }

  clear() {
    this._list.replaceChildren();
    this._empty.hidden = false;
  }
}

if (!customElements.get("alert-feed")) customElements.define("alert-feed", AlertFeed);
