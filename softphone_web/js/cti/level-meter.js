// <level-meter>: a horizontal audio level bar; watchLevel(stream, cb) measures a MediaStream
// (RMS of the time-domain signal, 0..1) about 15 times a second.
//   const stop = watchLevel(stream, (level) => (meter.level = level));
let audioCtx = null;

export function audioContext() {
  if (!audioCtx) audioCtx = new AudioContext();
  if (audioCtx.state === "suspended") audioCtx.resume().catch(() => null);
  return audioCtx;
}

export function watchLevel(stream, onLevel) {
  if (!stream || !stream.getAudioTracks().length) return () => {};
  const ctx = audioContext();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    const rms = Math.sqrt(sum / data.length);
    // Speech sits around 0.02–0.2 RMS: a log scale makes the bar move usefully.
    const level = rms <= 0.0005 ? 0 : Math.min(1, Math.max(0, (20 * Math.log10(rms) + 60) / 54));
    onLevel(level, rms);
  }, 66);
  return () => {
    stopped = true;
    clearInterval(timer);
    try {
      source.disconnect();
    } catch {
      /* already gone */
    }
  };
}

export class LevelMeter extends HTMLElement {
  connectedCallback() {
    if (this._bar) return;
    this.setAttribute("role", "meter");
    this.setAttribute("aria-valuemin", "0");
    this.setAttribute("aria-valuemax", "100");
    this._bar = document.createElement("span");
    this._bar.className = "lm-bar";
    this.append(this._bar);
    this.level = 0;
  }

  set level(value) {
    const v = Math.round(Math.max(0, Math.min(1, value || 0)) * 100);
    if (!this._bar || v === this._v) return;
    this._v = v;
    this._bar.style.width = `${v}%`;
    this.setAttribute("aria-valuenow", String(v));
    this.dataset.level = String(v);
    this.classList.toggle("hot", v > 92);
  }

  get level() {
    return (this._v || 0) / 100;
  }
}

if (!customElements.get("level-meter")) customElements.define("level-meter", LevelMeter);
