// The server's clock, as seen from this page: offset measured over the WebSocket (NTP-style,
// the sample with the shortest round trip wins). Countdowns use serverNow(), never Date.now().
let offsetMs = 0;
let bestRtt = Infinity;

export function recordTimeSample(clientSentMs, serverIso, clientReceivedMs) {
  const rtt = clientReceivedMs - clientSentMs;
  if (rtt > bestRtt * 1.5 + 50) return;
  bestRtt = Math.min(bestRtt, rtt);
  const server = Date.parse(serverIso);
  offsetMs = server - (clientSentMs + rtt / 2);
}

// A first, rough reading (the snapshot's server time, one way: off by the network delay) so
// that countdowns are right from the first render, before any round-trip sample arrives.
export function recordServerTime(serverIso, clientReceivedMs) {
  if (bestRtt !== Infinity) return;
  offsetMs = Date.parse(serverIso) - clientReceivedMs;
}

export function serverNow() {
  return Date.now() + offsetMs;
}

export function clockOffsetMs() {
  return offsetMs;
}

export function formatRemaining(ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n) => String(n).padStart(2, "0");
  const body = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return neg ? `+${body}` : body;
}
