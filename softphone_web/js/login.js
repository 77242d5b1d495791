import { api } from "./api.js";

/** @typedef {import("./types/http.js").Me} Me */
/** @typedef {import("./types/http.js").CodeLogin} CodeLogin */
/** @typedef {import("./types/http.js").PasswordLogin} PasswordLogin */

const codeForm = /** @type {HTMLFormElement} */ (document.getElementById("code-form"));
const codeInput = /** @type {HTMLInputElement} */ (document.getElementById("code"));
/** @param {string} id */
const valueOf = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value;
const params = new URLSearchParams(location.search);

/**
 * @param {"/api/auth/code" | "/api/auth/password"} path
 * @param {CodeLogin | PasswordLogin} body
 * @param {HTMLElement} errorEl
 */
async function signIn(path, body, errorEl) {
  errorEl.textContent = "";
  try {
    /** @type {Me} */
    const me = await api("POST", path, body);
    location.replace(me.home);
  } catch (err) {
    errorEl.textContent = /** @type {Error} */ (err).message;
  }
}
/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

codeForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  signIn("/api/auth/code", { code: codeInput.value.trim() }, byId("code-error"));
});

byId("password-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  signIn(
    "/api/auth/password",
    { username: valueOf("username"), password: valueOf("password") },
    byId("password-error"),
  );
});

if (params.get("code")) {
  codeInput.value = params.get("code") || "";
  history.replaceState(null, "", "/connexion");
  codeForm.requestSubmit();
}
