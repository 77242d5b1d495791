// The browser latency benchmark's instrumented page (loaded as a module on the server's own
// origin by benchmarks/browser_latency.py). It signs in with an access code, opens the app's
// WebSocket (socket.js) and the app's own call audio (call-audio.js: the microphone with echo
// cancellation and noise suppression, the peer connection, the <audio> player), and listens:
// to its own microphone ("mouth") and to every remote stream it receives ("ear"), each through
// an AudioWorklet that finds click onsets and tells their frequency (Goertzel on 5 ms blocks).
// Onsets are timestamped on the machine's wall clock in ms (performance.timeOrigin + the
// context's output timestamp), the same clock in every browser process.
const BLOCK = 240; // 5 ms at 48 kHz
const THRESHOLD = 0.05; // tone amplitude (full scale 1) in a block
const REFRACTORY_S = 0.1;

const WORKLET = `
class Clicks extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const p = options.processorOptions;
    this.freqs = p.freqs;
    this.threshold = p.threshold;
    this.refractory = Math.round(p.refractory * sampleRate);
    this.n = p.block;
    this.cur = new Float32Array(this.n);
    this.prev = new Float32Array(this.n);
    this.fill = 0;
    this.start = 0;
    this.quiet = this.refractory;
    this.coef = this.freqs.map((f) => 2 * Math.cos((2 * Math.PI * f) / sampleRate));
  }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      if (this.fill === 0) this.start = currentFrame + i;
      this.cur[this.fill++] = ch[i];
      if (this.fill === this.n) {
        this.block();
        const t = this.prev; this.prev = this.cur; this.cur = t;
        this.fill = 0;
      }
    }
    return true;
  }
  block() {
    let best = -1, amp = 0;
    for (let j = 0; j < this.freqs.length; j++) {
      let s1 = 0, s2 = 0;
      const c = this.coef[j];
      for (let i = 0; i < this.n; i++) { const s = this.cur[i] + c * s1 - s2; s2 = s1; s1 = s; }
      const a = (2 * Math.sqrt(Math.max(s1 * s1 + s2 * s2 - c * s1 * s2, 0))) / this.n;
      if (a > amp) { amp = a; best = j; }
    }
    if (amp <= this.threshold) { this.quiet += this.n; return; }
    if (this.quiet >= this.refractory) {
      let peak = 0;
      for (let i = 0; i < this.n; i++) peak = Math.max(peak, Math.abs(this.cur[i]));
      // The onset: the first sample over half the peak, in this block or the one before.
      let k = -this.n;
      while (k < this.n && Math.abs(k < 0 ? this.prev[this.n + k] : this.cur[k]) < peak / 2) k++;
      this.port.postMessage({ frame: this.start + k, hz: this.freqs[best], amp });
    }
    this.quiet = 0;
  }
}
registerProcessor("clicks", Clicks);
`;

const bench = {
  events: [],
  errors: [],
  ctx: null,
  socket: null,
  audio: null,
  ready: null,

  epochMs(frame) {
    const ctx = this.ctx;
    const ts = ctx.getOutputTimestamp();
    if (ts.performanceTime > 0 && ts.contextTime > 0) {
      return performance.timeOrigin + ts.performanceTime + (frame / ctx.sampleRate - ts.contextTime) * 1000;
    }
    return performance.timeOrigin + performance.now() - (ctx.currentTime - frame / ctx.sampleRate) * 1000;
  },

  async listen(stream, kind, freqs) {
    await this.ready;
    const source = this.ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(this.ctx, "clicks", {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      processorOptions: { freqs, threshold: THRESHOLD, refractory: REFRACTORY_S, block: BLOCK },
    });
    node.port.onmessage = (ev) => {
      this.events.push({ kind, hz: ev.data.hz, t: this.epochMs(ev.data.frame), amp: ev.data.amp });
    };
    source.connect(node);
    (this.nodes ||= []).push(source, node);
  },

  take() {
    const out = this.events;
    this.events = [];
    return out;
  },

  // The receiving browser's own jitter buffer (NetEq), per inbound audio stream: its
  // cumulative delay and emitted samples (their deltas give the mean buffering delay over an
  // interval) and its current target — to tell a step in the server from one in the browser.
  async jitter() {
    const out = [];
    for (const pc of this.pcs || []) {
      const report = await pc.getStats();
      report.forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "audio") {
          out.push({
            t: Date.now(), ssrc: r.ssrc, delay_s: r.jitterBufferDelay,
            emitted: r.jitterBufferEmittedCount, target_s: r.jitterBufferTargetDelay,
          });
        }
      });
    }
    return out;
  },

  async request(msg) {
    return this.socket.request(msg);
  },

  async start({ code, candidateId, receiveOnly, mouthHz, earHz }) {
    this.ctx = new AudioContext({ sampleRate: 48000 });
    const url = URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" }));
    this.ready = this.ctx.audioWorklet.addModule(url).then(() => this.ctx.resume());
    const Original = window.RTCPeerConnection;
    const self = this;
    window.RTCPeerConnection = class extends Original {
      constructor(...args) {
        super(...args);
        (self.pcs ||= []).push(this);
        this.addEventListener("track", (ev) => {
          const remote = ev.streams[0] || new MediaStream([ev.track]);
          self.listen(remote, "ear", earHz).catch((e) => self.errors.push(String(e)));
        });
      }
    };
    const r = await fetch("/api/auth/code", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code }),
    });
    if (!r.ok) throw new Error("sign-in " + r.status);
    const { PlateauSocket } = await import("/static/js/socket.js");
    const { CallAudio } = await import("/static/js/call-audio.js");
    const socket = new PlateauSocket();
    this.socket = socket;
    const opened = new Promise((ok) => socket.addEventListener("snapshot", ok, { once: true }));
    socket.connect();
    await opened;
    const phone = document.createElement("div");
    document.body.append(phone);
    this.audio = new CallAudio({
      socket,
      phone,
      announce: (text) => this.errors.push("announce: " + text),
      candidateId: candidateId || null,
      receiveOnly: Boolean(receiveOnly),
    });
    await this.audio.start();
    if (!receiveOnly && this.audio.stream) await this.listen(this.audio.stream, "mouth", mouthHz);
    await this.ready;
    const limit = Date.now() + 30000;
    while (this.audio.state !== "connected" && Date.now() < limit) {
      await new Promise((ok) => setTimeout(ok, 100));
    }
    return this.audio.state;
  },
};

window.__bench = bench;
document.body.dataset.ready = "true";
