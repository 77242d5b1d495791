// The WebSocket's numbered events (pure: no socket, no DOM). A snapshot sets the sequence; an
// event carries the next number or the page missed one and asks for a resync (the server then
// sends a fresh snapshot) instead of applying it; a message without `seq` (acknowledgements,
// the time) is not numbered. Used by socket.js; tested by tests/js/socket-sequence.test.js.

/**
 * @typedef {{ seq?: number, type?: string }} Numbered
 * @typedef {{ resync: boolean, seq: number }} SequenceStep
 */

/**
 * What to do with `msg` when the last number seen is `seq`.
 * @param {number} seq
 * @param {Numbered} msg
 * @returns {SequenceStep}
 */
export function sequenceStep(seq, msg) {
  if (msg.seq === undefined) return { resync: false, seq };
  if (msg.type === "snapshot") return { resync: false, seq: msg.seq };
  if (msg.seq !== seq + 1) return { resync: true, seq };
  return { resync: false, seq: msg.seq };
}
