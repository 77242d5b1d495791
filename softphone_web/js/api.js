// HTTP calls to the server: JSON in and out, the CSRF token on every change, and inside Safe
// Exam Browser the Config Key of its JavaScript API (see seb.js).
import { ApiError } from "./api-error.js";
import { sebPageKey } from "./seb.js";

function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)plateau_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export { ApiError };

/**
 * The server's JSON answer, null for a 204. Its type T is the route's answer model in
 * types/http.js (generated from the server's models), given where the answer is read: a
 * `const` typed `import("./types/http.js").SessionOut[]` takes `await api("GET", …)`.
 * Unnamed, T is `any`.
 * @template [T=any]
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body] the route's body model (types/http.js), as JSON
 * @returns {Promise<T>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  const sebKey = sebPageKey();
  if (sebKey) headers["X-Plateau-SEB-PageKey"] = sebKey;
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return /** @type {T} */ (/** @type {unknown} */ (null)); // a 204 route: T is null
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const detail = typeof data.detail === "string" ? data.detail : "Requête refusée.";
    throw new ApiError(res.status, detail, data);
  }
  return data;
}

// A change the server applies once per key (e.g. a CRM creation with its client_id): sent again
// with the same body after a network cut or a 5xx, so a dropped connection loses nothing.
/**
 * @template T
 * @param {() => Promise<T>} call
 * @param {{ delaysMs?: number[] }} [options]
 * @returns {Promise<T>}
 */
export async function idempotent(call, { delaysMs = [500, 1500, 4000] } = {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const transient = !(err instanceof ApiError) || err.status >= 500;
      if (!transient || attempt >= delaysMs.length) throw err;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}

// The signed-in person (`Me` in types/http.js), or null once the page is sent elsewhere (the
// sign-in page, or the person's own home when the role is not the page's).
/**
 * @param {string} [expectedRole]
 * @returns {Promise<import("./types/http.js").Me | null>}
 */
export async function requireMe(expectedRole) {
  try {
    /** @type {import("./types/http.js").Me} */
    const me = await api("GET", "/api/auth/me");
    if (expectedRole && me.role !== expectedRole) {
      window.location.replace(me.home);
      return null;
    }
    return me;
  } catch {
    window.location.replace("/connexion");
    return null;
  }
}

export async function logout() {
  await api("POST", "/api/auth/logout").catch(() => null);
  window.location.replace("/connexion");
}
