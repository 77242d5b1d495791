// <headset-check>: before the calls phase — pick the headset's microphone (the list is there
// from the start, and follows a headset plugged in or out; the browser names them once the
// microphone is allowed), see its level move, and a clear French message when the browser
// refuses the microphone or finds none.
// Fires "mic-change" ({ deviceId }) when the choice changes; `stream` is the live test stream.
import { el } from "../components/dom.js";
import { watchLevel } from "./level-meter.js";
import "./level-meter.js";

const STORAGE = "plateau.micDevice";

/** @param {any} err what getUserMedia threw (a DOMException, usually) */
export function micErrorMessage(err) {
  switch (err && err.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Le navigateur refuse l'accès au micro. Autorisez le micro pour ce site (icône à gauche de l'adresse), puis cliquez sur « Réessayer ». Prévenez le surveillant si le problème persiste.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "Aucun micro n'a été trouvé. Vérifiez que le casque est bien branché, puis cliquez sur « Réessayer ».";
    case "NotReadableError":
    case "AbortError":
      return "Le micro est occupé par une autre application ou a cessé de répondre. Fermez-la ou rebranchez le casque, puis cliquez sur « Réessayer ».";
    default:
      return `Le micro ne peut pas être utilisé (${(err && err.message) || "erreur inconnue"}).`;
  }
}

export function savedMicDevice() {
  try {
    return localStorage.getItem(STORAGE) || "";
  } catch {
    return "";
  }
}

export class HeadsetCheck extends HTMLElement {
  /** @type {HTMLSelectElement} */
  _select;
  /** @type {HTMLButtonElement} */
  _retry;
  /** @type {import("./level-meter.js").LevelMeter} */
  _meter;
  /** @type {HTMLParagraphElement} */
  _status;
  /** @type {() => Promise<void>} */
  _onDevices;
  /** @type {null | (() => void)} */
  _stopMeter;

  connectedCallback() {
    if (this._meter) return;
    this.classList.add("headset-check");
    const head = el("div", "mic-head");
    this._select = document.createElement("select");
    // One per view (waiting, préparation, calls): each its own id, so each label names its list.
    this._select.id = `mic-device-${this.id || Math.random().toString(36).slice(2, 8)}`;
    const label = el("label", "", "Micro du casque");
    label.htmlFor = this._select.id;
    this._retry = el("button", "", "Tester le micro");
    this._retry.type = "button";
    head.append(label, this._select, this._retry);
    this._meter = /** @type {import("./level-meter.js").LevelMeter} */ (document.createElement("level-meter"));
    this._meter.setAttribute("aria-label", "Niveau du micro");
    this._status = el("p", "mic-status");
    this._status.setAttribute("role", "status");
    this.append(head, this._meter, this._status);
    this._select.addEventListener("change", () => this._choose(this._select.value));
    this._retry.addEventListener("click", () => this.start());
    this.dataset.state = "idle";
    this._status.textContent = "Choisissez le micro du casque, puis « Tester le micro » : la barre doit bouger.";
    this._listDevices();
    this._onDevices = () => this._listDevices();
    navigator.mediaDevices?.addEventListener?.("devicechange", this._onDevices);
  }

  disconnectedCallback() {
    this.stop();
    navigator.mediaDevices?.removeEventListener?.("devicechange", this._onDevices);
  }

  get deviceId() {
    return this._select?.value || savedMicDevice();
  }

  async start() {
    this.stop();
    this.dataset.state = "asking";
    this._status.textContent = "Accès au micro…";
    this._status.classList.remove("error");
    try {
      const wanted = savedMicDevice();
      const audio = wanted ? { deviceId: { ideal: wanted }, echoCancellation: true } : { echoCancellation: true };
      this.stream = await navigator.mediaDevices.getUserMedia({ audio });
    } catch (err) {
      this.dataset.state = "refused";
      this._status.textContent = micErrorMessage(err);
      this._status.classList.add("error");
      this._retry.textContent = "Réessayer";
      this.dispatchEvent(new CustomEvent("mic-refused", { detail: { name: err && /** @type {Error} */ (err).name } }));
      return false;
    }
    await this._listDevices();
    const track = this.stream.getAudioTracks()[0];
    const id = track?.getSettings().deviceId || "";
    if (id) this._select.value = id;
    this._stopMeter = watchLevel(this.stream, (level) => {
      this._meter.level = level;
      if (level > 0.15 && this.dataset.state !== "heard") {
        this.dataset.state = "heard";
        this._status.textContent = "Le micro fonctionne.";
      }
    });
    this.dataset.state = "listening";
    this._status.textContent = `Micro actif : ${track?.label || "micro par défaut"}. Parlez : la barre doit bouger.`;
    this._retry.textContent = "Tester à nouveau";
    return true;
  }

  stop() {
    if (this._stopMeter) this._stopMeter();
    this._stopMeter = null;
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.stream = null;
    if (this._meter) this._meter.level = 0;
  }

  async _listDevices() {
    /** @type {MediaDeviceInfo[]} */
    let devices = [];
    try {
      devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
    } catch {
      /* no media devices here (not a secure context): said at the test */
    }
    const current = this._select.value || savedMicDevice();
    const named = devices.some((d) => d.label);
    this._select.replaceChildren(
      ...devices.map((d, i) => new Option(d.label || `Micro ${i + 1}${named ? "" : " (nom affiché après le test)"}`, d.deviceId)),
    );
    if (!devices.length) this._select.append(new Option("Aucun micro détecté", ""));
    if (current && devices.some((d) => d.deviceId === current)) this._select.value = current;
    this.dataset.devices = String(devices.length);
  }

  /** @param {string} deviceId */
  _choose(deviceId) {
    try {
      localStorage.setItem(STORAGE, deviceId);
    } catch {
      /* private mode */
    }
    this.dispatchEvent(new CustomEvent("mic-change", { detail: { deviceId } }));
    this.start();
  }
}

if (!customElements.get("headset-check")) customElements.define("headset-check", HeadsetCheck);
