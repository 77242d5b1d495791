// The server's clock, as seen from this page: an anchor measured over the WebSocket (NTP-style,
// the sample with the shortest round trip wins) and the rate exam time runs at (1, or N under
// `plateau demo --speed N`: the snapshot says). Countdowns use serverNow(), never Date.now().
//   serverNow() = server instant of the anchor + (Date.now() − client instant of it) × rate
/** @type {number | null} */
let anchorServerMs = null;
let anchorClientMs = 0;
let rate = 1;
let bestRtt = Infinity;

/**
 * @param {number} clientSentMs
 * @param {string} serverIso
 * @param {number} clientReceivedMs
 */
export function recordTimeSample(clientSentMs, serverIso, clientReceivedMs) {
  const rtt = clientReceivedMs - clientSentMs;
  if (rtt > bestRtt * 1.5 + 50) return;
  bestRtt = Math.min(bestRtt, rtt);
  anchorServerMs = Date.parse(serverIso);
  anchorClientMs = clientSentMs + rtt / 2;
}

// A first, rough reading (the snapshot's server time, one way: off by the network delay) so
// that countdowns are right from the first render, before any round-trip sample arrives.
/**
 * @param {string} serverIso
 * @param {number} clientReceivedMs
 */
export function recordServerTime(serverIso, clientReceivedMs) {
  if (bestRtt !== Infinity) return;
  anchorServerMs = Date.parse(serverIso);
  anchorClientMs = clientReceivedMs;
}

// How many exam milliseconds pass per real millisecond (from the snapshot's `clock` part).
/** @param {unknown} value */
export function setClockRate(value) {
  const next = Number(value);
  if (!Number.isFinite(next) || next <= 0 || next === rate) return;
  if (anchorServerMs !== null) {
    // Keep the current reading continuous, then run at the new rate from here.
    const now = Date.now();
    anchorServerMs = serverNow();
    anchorClientMs = now;
  }
  rate = next;
}

/** @returns {number} */
export function clockRate() {
  return rate;
}

/** @returns {number} */
export function serverNow() {
  const now = Date.now();
  if (anchorServerMs === null) return now;
  return anchorServerMs + (now - anchorClientMs) * rate;
}

// How far serverNow() may be from the server's clock, in exam milliseconds: half the best
// round trip, scaled by the rate (null before any round-trip sample).
/** @returns {number | null} */
export function clockUncertaintyMs() {
  return bestRtt === Infinity ? null : (bestRtt / 2) * rate;
}

/** @returns {number} */
export function clockOffsetMs() {
  return serverNow() - Date.now();
}

/**
 * @param {number} ms
 * @returns {string}
 */
export function formatRemaining(ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  /** @param {number} n */
  const pad = (n) => String(n).padStart(2, "0");
  const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return neg ? `+${body}` : body;
}
