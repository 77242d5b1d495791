import { api } from "./api.js";

const codeForm = /** @type {HTMLFormElement} */ (document.getElementById("code-form"));
const codeInput = /** @type {HTMLInputElement} */ (document.getElementById("code"));
/** @param {string} id */
const valueOf = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value;
const params = new URLSearchParams(location.search);

async function signIn(path, body, errorEl) {
  errorEl.textContent = "";
  try {
    const me = await api("POST", path, body);
    location.replace(me.home);
  } catch (err) {
    errorEl.textContent = err.message;
  }
}

codeForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  signIn("/api/auth/code", { code: codeInput.value.trim() }, document.getElementById("code-error"));
});

document.getElementById("password-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  signIn(
    "/api/auth/password",
    { username: valueOf("username"), password: valueOf("password") },
    document.getElementById("password-error"),
  );
});

if (params.get("code")) {
  codeInput.value = params.get("code") || "";
  history.replaceState(null, "", "/connexion");
  codeForm.requestSubmit();
}
