// A page's audio link to the call room on the server: the microphone (the device the headset or
// mic check chose), mute, the levels shown on `phone` (any element: it gets micLevel, earLevel
// and data-audio; measured by WebRTC on what the peer connection really sends and receives),
// and one RTCPeerConnection negotiated over the WebSocket (`rtc.offer` →
// answer), rebuilt by itself after a network cut or a reload (the server re-attaches it to the
// live call). Used by the candidate (no candidateId: the server knows the room), the client
// juror (candidateId: whose room) and the observer (candidateId, receiveOnly: the live mix).
import { savedMicDevice } from "./cti/headset-check.js";
import { audioContext, watchPeerLevels } from "./cti/level-meter.js";

const GATHER_MS = 2500; // the server does not trickle: the offer carries its candidates
const RETRY_MS = [1000, 2000, 4000, 8000];

export class CallAudio {
  /** @type {number} */
  _watchdog;
  /** @type {boolean} */
  _awaitingGesture;
  /** @type {boolean} */
  connecting;
  /** @type {any} */
  _retryTimer;

  /**
   * @param {{
   *   socket: import("./socket.js").PlateauSocket,
   *   phone: any,
   *   announce: (text: string, options?: object) => void,
   *   candidateId?: string | null,
   *   receiveOnly?: boolean,
   *   micDevice?: () => string,
   * }} options `phone`: the bar that shows the call (its levels, its audio state)
   */
  constructor({ socket, phone, announce, candidateId = null, receiveOnly = false, micDevice = savedMicDevice }) {
    this.socket = socket;
    this.phone = phone;
    this.announce = announce;
    this.candidateId = candidateId;
    this.receiveOnly = receiveOnly;
    this.micDevice = micDevice;
    this.muted = false;
    this.stream = null;
    this.pc = null;
    this.active = false;
    this.retries = 0;
    this.stopLevels = null;
    this.player = document.createElement("audio");
    this.player.autoplay = true;
    this.player.hidden = true;
    document.body.append(this.player);
    socket.addEventListener("snapshot", () => {
      if (this.active && !this._healthy()) this.connect();
    });
  }

  get state() {
    return this.pc ? this.pc.connectionState : "closed";
  }

  async start() {
    this.active = true;
    // A watchdog as well as the events: a peer closed or failed quietly is rebuilt too.
    clearInterval(this._watchdog);
    this._watchdog = setInterval(() => {
      if (this.active && !this._healthy() && !this.connecting && !this._retryTimer && this.socket.connected) {
        this.connect();
      }
    }, 3000);
    if (!this.receiveOnly) await this.ensure().catch(() => null);
    await this.connect();
  }

  stop() {
    this.active = false;
    clearInterval(this._watchdog);
    this._closePc();
    for (const t of this.stream?.getTracks() || []) t.stop();
    this.stream = null;
  }

  // For good (the juror switches candidate): stop and remove the player.
  dispose() {
    this.stop();
    this.player.remove();
  }

  // The microphone stream (asked once; the browser may refuse: say so, calls still work).
  async ensure() {
    if (this.stream && this.stream.getAudioTracks().some((t) => t.readyState === "live")) return this.stream;
    const id = this.micDevice();
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { ...(id ? { deviceId: { ideal: id } } : {}), echoCancellation: true, noiseSuppression: true },
      });
    } catch (err) {
      this.announce("Micro inaccessible : vérifiez-le (onglet « Casque » ou « Vérification du micro »).", { level: "warn", ms: 15000 });
      this.phone.dataset.mic = "refused";
      throw err;
    }
    this.phone.dataset.mic = "ok";
    this.setMuted(this.muted);
    const track = this.stream.getAudioTracks()[0];
    const sender = this.pc?.getSenders().find((s) => s.track === null || s.track.kind === "audio");
    if (sender) await sender.replaceTrack(track).catch(() => null);
    return this.stream;
  }

  // The browser refused to play before a gesture (autoplay policy): the first key or click
  // of the page starts the headset.
  _playAtNextGesture() {
    if (this._awaitingGesture) return;
    this._awaitingGesture = true;
    const go = () => {
      this._awaitingGesture = false;
      for (const type of ["pointerdown", "keydown"]) document.removeEventListener(type, go, true);
      this.player.play().catch(() => this._playAtNextGesture());
    };
    for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, go, true);
  }

  /** @param {boolean} value */
  setMuted(value) {
    this.muted = Boolean(value);
    for (const t of this.stream?.getAudioTracks() || []) t.enabled = !this.muted;
  }

  _healthy() {
    return this.pc && ["new", "connecting", "connected"].includes(this.pc.connectionState);
  }

  _closePc() {
    const pc = this.pc;
    this.pc = null;
    this.stopLevels?.();
    this.stopLevels = null;
    this.phone.earLevel = 0;
    this.phone.micLevel = 0;
    if (pc) pc.close();
  }

  // One peer connection to the server; a new one replaces it after a failure or a reconnect.
  async connect() {
    if (!this.active || this.connecting) return;
    this.connecting = true;
    try {
      this._closePc();
      const pc = new RTCPeerConnection({ iceServers: [] });
      this.pc = pc;
      const track = this.stream?.getAudioTracks()[0];
      if (this.receiveOnly) pc.addTransceiver("audio", { direction: "recvonly" });
      else if (track && this.stream) pc.addTransceiver(track, { direction: "sendrecv", streams: [this.stream] });
      else pc.addTransceiver("audio", { direction: "sendrecv" });
      pc.addEventListener("track", (ev) => {
        const remote = ev.streams[0] || new MediaStream([ev.track]);
        this.player.srcObject = remote;
        this.player.play().catch(() => this._playAtNextGesture());
      });
      this.stopLevels?.();
      this.stopLevels = watchPeerLevels(pc, ({ mic, ear }) => {
        if (pc !== this.pc) return;
        this.phone.micLevel = this.muted ? 0 : mic;
        this.phone.earLevel = ear;
      });
      pc.addEventListener("connectionstatechange", () => {
        if (pc !== this.pc) return;
        this.phone.dataset.audio = pc.connectionState;
        if (pc.connectionState === "connected") this.retries = 0;
        if (["failed", "closed", "disconnected"].includes(pc.connectionState)) this._retry();
      });
      await pc.setLocalDescription(await pc.createOffer());
      await this._gathered(pc);
      /** @type {{ type: string, sdp: string, candidate_id?: string }} */
      const offer = { type: "rtc.offer", sdp: pc.localDescription?.sdp || "" };
      if (this.candidateId) offer.candidate_id = this.candidateId;
      const answer = await this.socket.request(offer);
      if (pc !== this.pc) return;
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    } catch {
      this.phone.dataset.audio = "failed";
      this._retry();
    } finally {
      this.connecting = false;
    }
  }

  _retry() {
    if (!this.active || this._retryTimer) return;
    const wait = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)];
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      if (this.active && !this._healthy() && this.socket.connected) this.connect();
      else if (this.active && !this._healthy()) this._retry();
    }, wait);
  }

  /**
   * @param {RTCPeerConnection} pc
   * @returns {Promise<void>}
   */
  _gathered(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((/** @type {(value?: void) => void} */ resolve) => {
      const done = () => {
        if (pc.iceGatheringState === "complete") {
          pc.removeEventListener("icegatheringstatechange", done);
          resolve();
        }
      };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, GATHER_MS);
    });
  }

  // The server's view of our peer (`rtc.peer_state`): shown on the bar for the candidate's own.
  /**
   * @param {import("./types/events.js").PeerState} detail
   * @param {string} [role]
   */
  peerState(detail, role = "candidate") {
    if (detail.role === role) this.phone.dataset.serverAudio = detail.state;
  }

  attach() {
    if (this.active && !this._healthy()) this.connect();
  }

  detach() {}

  // The special information tone (three rising notes) for a number that is not assigned.
  unassignedTone() {
    try {
      const ctx = audioContext();
      const t0 = ctx.currentTime + 0.05;
      for (const [i, f] of [913.8, 1370.6, 1776.7].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.frequency.value = f;
        gain.gain.value = 0.12;
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0 + i * 0.33);
        osc.stop(t0 + i * 0.33 + 0.3);
      }
    } catch {
      /* no audio output: the written message is there */
    }
  }
}
