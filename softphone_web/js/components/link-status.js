// <link-status>: whether the page's link to the server is up: « Connecté », or « Connexion
// perdue » from the moment the socket is closed or silent (see socket.js) until it is back.
//   link.connected = socket.connected;   // on every "connection" event of PlateauSocket
export class LinkStatus extends HTMLElement {
  /** @type {HTMLSpanElement} */
  _dot;
  /** @type {HTMLSpanElement} */
  _text;

  connectedCallback() {
    if (this._text) return;
    this.setAttribute("role", "status");
    this._dot = document.createElement("span");
    this._text = document.createElement("span");
    this.append(this._dot, this._text);
    this.connected = false;
  }

  /** @param {boolean} value */
  set connected(value) {
    if (!this._text) return;
    this._dot.className = value ? "status-dot on" : "status-dot";
    this._text.textContent = value ? "Connecté" : "Connexion perdue — reconnexion…";
    this.dataset.connected = String(Boolean(value));
  }
}

if (!customElements.get("link-status")) customElements.define("link-status", LinkStatus);
