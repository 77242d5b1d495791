// A page controller's reading of the server for one element, asked again (a snapshot, an
// event) before the previous answer came: only the answer to the latest request is applied,
// and nothing once the feed's signal has aborted (the juror switched candidate).
//
//   const latest = latestReading(signal);
//   latest(() => api("GET", path), (data) => (panel.review = data), (err) => (panel.error = …));

/**
 * @param {AbortSignal} signal
 * @returns {<T>(read: () => Promise<T>, apply: (value: T) => void, failed?: (err: unknown) => void) => Promise<void>}
 */
export function latestReading(signal) {
  let turn = 0;
  return async (read, apply, failed) => {
    const mine = ++turn;
    const current = () => mine === turn && !signal.aborted;
    let value;
    try {
      value = await read();
    } catch (err) {
      if (current() && failed) failed(err);
      return;
    }
    if (current()) apply(value);
  };
}
