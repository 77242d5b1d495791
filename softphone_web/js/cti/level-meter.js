// <level-meter>: a horizontal audio level bar; watchLevel(stream, cb) measures a MediaStream
// (RMS of the time-domain signal, 0..1) about 15 times a second through Web Audio — for the
// microphone checks; watchPeerLevels(pc, cb) reads what a call's peer connection really sends
// and receives from WebRTC's own measures (no Web Audio: a context the browser keeps suspended
// until a gesture, or a player it does not let play, does not blank the call's meters).
//   const stop = watchLevel(stream, (level) => (meter.level = level));
//   const stop = watchPeerLevels(pc, ({ mic, ear }) => …);
/** @type {AudioContext | null} */
let audioCtx = null;

export function audioContext() {
  const ctx = audioCtx || (audioCtx = new AudioContext());
  if (ctx.state === "suspended") ctx.resume().catch(() => null);
  return ctx;
}

// A context created before any gesture stays suspended (autoplay policy): the first key or
// click of the page resumes it.
for (const type of ["pointerdown", "keydown"]) {
  document.addEventListener(type, () => audioCtx?.state === "suspended" && audioCtx?.resume().catch(() => null), {
    capture: true,
  });
}

// An amplitude or RMS (0..1, 1 = full scale) on the meter's scale: -60 dBFS → 0, -6 → 1.
/** @param {number} amplitude */
export function meterLevel(amplitude) {
  if (!(amplitude > 0.0005)) return 0;
  return Math.min(1, Math.max(0, (20 * Math.log10(amplitude) + 60) / 54));
}

// Reads a peer connection's own measures every `everyMs`: the level of the audio received in
// that interval (its inbound RTP stream's energy over its duration: the RMS of the decoded
// audio, 0 when nothing came) and of the microphone sent (the media source's level).
/**
 * @param {RTCPeerConnection} pc
 * @param {(levels: { mic: number, ear: number }) => void} onLevels
 * @param {number} [everyMs]
 * @returns {() => void} stops
 */
export function watchPeerLevels(pc, onLevels, everyMs = 150) {
  let stopped = false;
  let busy = false;
  /** @type {{ energy: number, duration: number } | null} */
  let last = null; // { energy, duration } of the inbound stream at the previous reading
  const timer = setInterval(async () => {
    if (stopped || busy || pc.connectionState === "closed") return;
    busy = true;
    try {
      let mic = 0;
      /** @type {{ inbound: { energy: number, duration: number } | null }} */
      const seen = { inbound: null };
      (await pc.getStats()).forEach((r) => {
        if (r.kind !== "audio") return;
        if (r.type === "media-source" && typeof r.audioLevel === "number") mic = Math.max(mic, meterLevel(r.audioLevel));
        if (r.type === "inbound-rtp" && typeof r.totalAudioEnergy === "number") {
          seen.inbound = { energy: r.totalAudioEnergy, duration: r.totalSamplesDuration || 0 };
        }
      });
      const inbound = seen.inbound;
      let ear = 0;
      if (inbound && last) {
        const span = inbound.duration - last.duration;
        if (span > 0) ear = meterLevel(Math.sqrt(Math.max(0, inbound.energy - last.energy) / span));
      }
      last = inbound;
      if (!stopped) onLevels({ mic, ear });
    } catch {
      /* closed meanwhile */
    } finally {
      busy = false;
    }
  }, everyMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * @param {MediaStream | null | undefined} stream
 * @param {(level: number, rms: number) => void} onLevel the meter's level (0..1) and the RMS it shows
 * @returns {() => void} stops
 */
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
    onLevel(meterLevel(rms), rms);
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
  /** @type {HTMLSpanElement} */
  _bar;
  /** @type {any} */
  _v;

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
