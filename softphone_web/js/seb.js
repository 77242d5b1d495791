// Safe Exam Browser's JavaScript API (SEB ≥ 3.3.2 for Windows, ≥ 3.0 for macOS/iOS): the
// Config Key hashed with this page's URL. SEB for Windows also sends it in a header of its own;
// SEB for macOS/iOS (modern WebView, which WebRTC needs) cannot, so the page forwards it: in the
// X-Plateau-SEB-PageKey header of its API calls and in ?seb= of its WebSocket. Outside SEB all
// of this is empty and changes nothing.
function security() {
  const seb = window.SafeExamBrowser;
  return seb && seb.security ? seb.security : null;
}

export function insideSeb() {
  return Boolean(window.SafeExamBrowser) || /\bSEB\//.test(navigator.userAgent);
}

export function sebPageKey() {
  const s = security();
  return s && typeof s.configKey === "string" ? s.configKey : "";
}

// SEB 3.0 for macOS/iOS sets the keys only after updateKeys(callback); later versions at load.
/**
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
export function sebKeysReady(timeoutMs = 2000) {
  const s = security();
  if (!s || sebPageKey() || typeof s.updateKeys !== "function") return Promise.resolve();
  const updateKeys = s.updateKeys;
  return new Promise((resolve) => {
    setTimeout(resolve, timeoutMs);
    try {
      updateKeys.call(s, () => resolve());
    } catch {
      resolve();
    }
  });
}
