// <mic-check>: before playing the client, the juror checks the microphone — picks it, speaks,
// sees the level move. « Micro vérifié » once a voice level was heard. Works in any browser
// (getUserMedia + Web Audio); needs HTTPS or localhost, which the message says when missing.
//
//   check.deviceId          // the chosen input ("" = default)
//   "mic-checked" event     // { ok: true, deviceId }
import { el } from "../components/dom.js";

const HEARD = 0.02; // RMS of a voice close to the microphone

export class MicCheck extends HTMLElement {
  /** @type {HTMLSelectElement} */
  _select;
  /** @type {HTMLButtonElement} */
  _button;
  /** @type {HTMLMeterElement} */
  _meter;
  /** @type {HTMLSpanElement} */
  _status;
  /** @type {null | MediaStream} */
  _stream;
  /** @type {null | AudioContext} */
  _ctx;
  /** @type {null | number} */
  _raf;

  connectedCallback() {
    if (this._button) return;
    this.classList.add("mic-check");
    this._select = document.createElement("select");
    this._select.setAttribute("aria-label", "Micro");
    this._select.append(new Option("Micro par défaut", ""));
    this._button = el("button", "", "Tester le micro");
    this._button.type = "button";
    this._meter = document.createElement("meter");
    this._meter.min = 0;
    this._meter.max = 1;
    this._meter.value = 0;
    this._meter.setAttribute("aria-label", "Niveau du micro");
    this._status = el("span", "mic-status muted", "Micro non vérifié");
    this._status.setAttribute("role", "status");
    const row = el("div", "mic-row");
    row.append(this._select, this._button);
    this.append(row, this._meter, this._status);
    this._button.addEventListener("click", () => (this._stream ? this.stop() : this.start()));
    this._select.addEventListener("change", () => this._stream && this.start());
    this.dataset.state = "unchecked";
  }

  disconnectedCallback() {
    this.stop();
  }

  get deviceId() {
    return this._select ? this._select.value : "";
  }

  get checked() {
    return this.dataset.state === "ok";
  }

  async start() {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) {
      this._say("Micro inaccessible : ouvrez la page en HTTPS.", "bad");
      return;
    }
    try {
      const audio = this.deviceId ? { deviceId: { exact: this.deviceId } } : true;
      this._stream = await navigator.mediaDevices.getUserMedia({ audio });
    } catch (err) {
      this._say(`Micro refusé ou absent (${/** @type {Error} */ (err).name}).`, "bad");
      return;
    }
    await this._listDevices();
    this._button.textContent = "Arrêter le test";
    this._say("Parlez : la jauge doit bouger.", "");
    const AudioCtx = window.AudioContext || window.webkitAudioContext;
    this._ctx = new AudioCtx();
    const analyser = this._ctx.createAnalyser();
    analyser.fftSize = 1024;
    this._ctx.createMediaStreamSource(this._stream).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (!this._ctx) return;
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      const rms = Math.sqrt(sum / data.length);
      this._meter.value = Math.min(1, rms * 5);
      if (rms >= HEARD && this.dataset.state !== "ok") {
        this._say("Micro vérifié", "ok");
        this.dispatchEvent(new CustomEvent("mic-checked", { detail: { ok: true, deviceId: this.deviceId } }));
      }
      this._raf = requestAnimationFrame(tick);
    };
    tick();
  }

  stop() {
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = null;
    this._stream?.getTracks().forEach((t) => t.stop());
    this._stream = null;
    this._ctx?.close();
    this._ctx = null;
    if (this._button) this._button.textContent = "Tester le micro";
    if (this._meter) this._meter.value = 0;
  }

  async _listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    const inputs = devices.filter((d) => d.kind === "audioinput" && d.deviceId && d.deviceId !== "default");
    const keep = this._select.value;
    this._select.replaceChildren(new Option("Micro par défaut", ""));
    inputs.forEach((d, i) => this._select.append(new Option(d.label || `Micro ${i + 1}`, d.deviceId)));
    this._select.value = inputs.some((d) => d.deviceId === keep) ? keep : "";
  }

  /**
   * @param {string} text
   * @param {string} state
   */
  _say(text, state) {
    this._status.textContent = text;
    this._status.className = `mic-status ${state === "ok" ? "ok" : state === "bad" ? "error" : "muted"}`;
    if (state === "ok" || state === "bad") this.dataset.state = state;
  }
}

if (!customElements.get("mic-check")) customElements.define("mic-check", MicCheck);
