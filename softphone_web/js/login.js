import { api } from "./api.js";

const codeForm = /** @type {HTMLFormElement} */ (document.getElementById("code-form"));
const codeInput = /** @type {HTMLInputElement} */ (document.getElementById("code"));
/** @param {string} id */
const valueOf = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value;
const params = new URLSearchParams(location.search);

/**
 * @param {string} path
 * @param {object} body
 * @param {HTMLElement} errorEl
 */
async function signIn(path, body, errorEl) {
  errorEl.textContent = "";
  try {
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
