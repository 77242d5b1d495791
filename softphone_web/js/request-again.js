// A command the server makes safe to send twice (a mark: the same save from the same base is
// acknowledged as stored), sent again until it is answered: a cut, or no answer, is not a
// refusal — the command waits for the socket to be back (its next snapshot) and goes again,
// instead of being dropped with what the juror wrote. A refusal (the server answered « non »)
// ends it, as does `signal` (the page moved on).
//
//   const result = await requestAgainWhenBack(socket, { type: "evaluation.set_mark", ... });
/**
 * @typedef {EventTarget & { connected: boolean, request: (message: any) => Promise<any> }} RetryingSocket
 */

// A failure while the socket still says « connected » (no answer, or a socket closing that has
// not said so yet) is tried again after this pause, never at once: an immediate retry of a
// request that fails at once would loop in microtasks and starve the page, its socket included.
export const RETRY_MS = 1000;

/**
 * @param {RetryingSocket} socket the page's PlateauSocket
 * @param {{ type: string, [field: string]: unknown }} message
 * @param {AbortSignal} [signal]
 * @param {{ retryMs?: number }} [options]
 * @returns {Promise<any>} the acknowledgement's result
 */
export async function requestAgainWhenBack(socket, message, signal, { retryMs = RETRY_MS } = {}) {
  for (;;) {
    try {
      return await socket.request(message);
    } catch (caught) {
      const err = /** @type {Error & { refused?: boolean }} */ (caught);
      if ((err && err.refused) || signal?.aborted) throw err;
      if (socket.connected) await pause(retryMs, signal);
      if (!socket.connected && !signal?.aborted) await back(socket, signal);
      if (signal?.aborted) throw err;
    }
  }
}

/**
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done); // the page's signal outlives the pause
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * @param {EventTarget} socket
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>} when the socket's next snapshot arrives (or `signal` aborts)
 */
function back(socket, signal) {
  return new Promise((resolve) => {
    const done = () => {
      socket.removeEventListener("snapshot", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    socket.addEventListener("snapshot", done);
    signal?.addEventListener("abort", done);
  });
}
