// The organiser's console (/organisation): sessions, people and jury, access codes, and the
// live overview of a session. The page's elements do the DOM; this controller calls the API
// and the WebSocket and hands them data.
import { ApiError, api, logout, requireMe } from "./api.js";
import { PlateauSocket } from "./socket.js";
import "./components/action-dialog.js";
import "./components/alert-feed.js";
import "./components/candidate-board.js";
import "./components/link-status.js";
import "./components/tab-panels.js";
import { boardData, runBoardAction, wireBoard } from "./board-live.js";
import { wireProgress } from "./board-progress.js";
import "./organiser-codes.js";
import "./organiser-documents.js";
import "./organiser-pack.js";
import "./organiser-people.js";
import { dayLabel } from "./components/format.js";
import "./organiser-sessions.js";
import "./organiser-seb.js";
import "./components/proctor-extension.js";

/** @typedef {import("./components/candidate-board.js").BoardActionDetail} BoardActionDetail */
/**
 * A person of the session as <people-panel> hands it over ("person-correct", "person-remove").
 * @typedef {{ id: string, role: string, name: string, last_name?: string, first_name?: string, pathway?: string, [field: string]: unknown }} Person
 */

// The page's own elements (organiser.html has every id asked here).
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const ui = {
  picker: /** @type {import("./organiser-sessions.js").SessionPicker} */ ($("picker")),
  home: $("home-view"),
  view: $("session-view"),
  title: $("session-title"),
  sub: $("session-sub"),
  tabs: /** @type {import("./components/tab-panels.js").TabPanels} */ ($("tabs")),
  people: /** @type {import("./organiser-people.js").PeoplePanel} */ ($("people")),
  sheet: /** @type {import("./organiser-codes.js").CodeSheet} */ ($("sheet")),
  seb: /** @type {import("./organiser-seb.js").SebPanel} */ ($("seb-panel")),
  pack: /** @type {import("./organiser-pack.js").PackChooser} */ ($("pack")),
  documents: /** @type {import("./organiser-documents.js").DocumentsPanel} */ ($("documents-panel")),
  board: /** @type {import("./components/candidate-board.js").CandidateBoard} */ ($("board")),
  proctorExtension: /** @type {import("./components/proctor-extension.js").ProctorExtension} */ ($("proctor-extension")),
  feed: /** @type {import("./components/alert-feed.js").AlertFeed} */ ($("feed")),
  dialog: /** @type {import("./components/action-dialog.js").ActionDialog} */ ($("dialog")),
  link: /** @type {import("./components/link-status.js").LinkStatus} */ ($("link")),
  error: $("page-error"),
};
const TABS = ["setup", "codes", "seb", "live", "documents"];

/** @type {string | null} */
let current = null; // the open session's id
/** @type {{ packs?: any[] } | null} */
let catalogue = null; // GET /api/catalogue (titles, packs): an untyped HTTP answer
/** @type {PlateauSocket | null} */
let socket = null;
/** @type {ReturnType<typeof wireProgress> | null} */
let progress = null; // the simulations of each candidate on the board (organiser only)
/** @type {ReturnType<typeof setTimeout> | undefined} */
let refreshTimer;

/** @param {unknown} err */
function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

/** @param {string | null | undefined} message */
function showError(message) {
  ui.error.textContent = message || "";
}

/** @param {string} [suffix] */
function sessionPath(suffix = "") {
  if (!current) throw new Error("Aucune session ouverte.");
  return `/api/sessions/${encodeURIComponent(current)}${suffix}`;
}

/** @param {{ pack_label?: string | null, pack_snapshot_id?: string | null }} s */
function packText(s) {
  if (s.pack_label) return `pack « ${s.pack_label} »`;
  return s.pack_snapshot_id ? "pack de scénarios figé" : "sans pack de scénarios";
}

// ---- sessions ---------------------------------------------------------------------------

async function loadSessions() {
  try {
    ui.picker.sessions = await api("GET", "/api/sessions");
  } catch (err) {
    showError(errorText(err));
  }
}

/**
 * @param {string} id
 * @param {string} [tab]
 */
function openSession(id, tab = "setup") {
  location.hash = new URLSearchParams({ session: id, tab }).toString();
}

ui.picker.addEventListener("session-open", (ev) => openSession(/** @type {CustomEvent<{ id: string }>} */ (ev).detail.id, "live"));
ui.picker.addEventListener("session-create", async (ev) => {
  try {
    const created = await api("POST", "/api/sessions", /** @type {CustomEvent<unknown>} */ (ev).detail);
    ui.picker.formResult(null);
    openSession(created.id, "setup");
  } catch (err) {
    ui.picker.formResult(errorText(err));
  }
});

// ---- one session ------------------------------------------------------------------------

// Refreshes can overlap (an event's refresh, an action's refresh): only the last one started
// is shown, so an older answer that arrives late never puts back a state already replaced.
let refreshSeq = 0;

async function refresh() {
  if (!current) return;
  const id = current;
  const seq = ++refreshSeq;
  try {
    const overview = await api("GET", sessionPath("/overview"));
    if (id !== current || seq !== refreshSeq) return;
    const s = overview.detail.session;
    ui.title.textContent = `${s.centre} — ${dayLabel(s.day)}`;
    ui.sub.textContent = `${s.format_name} — ${packText(s)}`;
    document.title = `${s.centre} — Organisation — Plateau`;
    ui.people.detail = overview.detail;
    ui.pack.show({ session: s, packs: (catalogue && catalogue.packs) || [] });
    ui.board.load(boardData(overview));
    ui.proctorExtension.show(s.proctor_extension_minutes ?? null);
    progress?.loadAll();
    showError("");
  } catch (err) {
    if (seq !== refreshSeq) return;
    if (err instanceof ApiError && err.status === 404 && id === current) ui.title.textContent = "Session introuvable";
    showError(errorText(err));
  }
}

function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}

async function loadCodes() {
  try {
    const [codes, detail] = await Promise.all([api("GET", sessionPath("/codes")), api("GET", sessionPath())]);
    ui.sheet.show({ session: detail.session, codes, origin: location.origin });
  } catch (err) {
    showError(errorText(err));
  }
}

async function loadDocuments() {
  const id = current;
  try {
    const data = await api("GET", sessionPath("/documents"));
    if (id === current) ui.documents.show(data);
  } catch (err) {
    showError(errorText(err));
  }
}

async function loadSeb() {
  const id = current;
  if (!id) return;
  try {
    const settings = await api("GET", sessionPath("/seb/settings"));
    if (id === current) ui.seb.show({ sessionId: id, settings });
  } catch (err) {
    showError(errorText(err));
  }
}

// The socket hears the open session's events; switching session reconnects with the new query.
/** @param {string} id */
function listen(id) {
  const query = `?session=${encodeURIComponent(id)}`;
  if (!socket) {
    socket = new PlateauSocket(query);
    const opened = socket;
    opened.on("connection", (msg) => (ui.link.connected = msg.connected));
    opened.addEventListener("snapshot", () => refresh());
    wireBoard(opened, ui.board, ui.feed, { onUnknown: refreshSoon });
    progress = wireProgress(opened, ui.board);
    ui.link.hidden = false;
    opened.connect();
  } else if (socket.query !== query) {
    socket.reconnect(query);
  }
}

async function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("session");
  const asked = params.get("tab") || "";
  const tab = TABS.includes(asked) ? asked : "setup";
  ui.home.hidden = Boolean(id);
  ui.view.hidden = !id;
  if (!id) {
    current = null;
    document.title = "Organisation — Plateau";
    await loadSessions();
    return;
  }
  if (id !== current) {
    current = id;
    ui.title.textContent = "Chargement…";
    ui.sub.textContent = "";
    ui.board.load({ order: [] });
    ui.feed.clear();
    listen(id);
    await refresh();
  }
  ui.tabs.select(tab);
  if (tab === "codes") await loadCodes();
  if (tab === "seb") await loadSeb();
  if (tab === "documents") await loadDocuments();
}

ui.tabs.addEventListener("tab-change", (ev) => {
  if (!current) return;
  openSession(current, /** @type {CustomEvent<{ id: string }>} */ (ev).detail.id); // through the address, so Back returns to the last tab
});
$("back").addEventListener("click", () => {
  location.hash = "";
});

ui.people.addEventListener("candidate-add", async (ev) => {
  try {
    await api("POST", sessionPath("/candidates"), /** @type {CustomEvent<unknown>} */ (ev).detail);
    ui.people.formResult("candidate", null);
    await refresh();
  } catch (err) {
    ui.people.formResult("candidate", errorText(err));
  }
});
ui.people.addEventListener("staff-add", async (ev) => {
  try {
    await api("POST", sessionPath("/staff"), /** @type {CustomEvent<unknown>} */ (ev).detail);
    ui.people.formResult("staff", null);
    await refresh();
  } catch (err) {
    ui.people.formResult("staff", errorText(err));
  }
});
ui.people.addEventListener("jury-assign", async (ev) => {
  const detail = /** @type {CustomEvent<{ candidateId: string, capacity: string, jurorId: string }>} */ (ev).detail;
  const { candidateId, capacity, jurorId } = detail;
  try {
    const path = sessionPath(`/candidates/${encodeURIComponent(candidateId)}/jury`);
    await api("PUT", path, { juror_id: jurorId, capacity });
    ui.people.assignResult(detail, null);
  } catch (err) {
    ui.people.assignResult(detail, errorText(err));
    await refresh(); // back to what the server holds
  }
});
/** @param {Array<{ label: string, version: number }> | null | undefined} reissued */
function reissuedText(reissued) {
  if (!reissued || !reissued.length) return "";
  const list = reissued.map((d) => `${d.label} v${d.version}`).join(", ");
  return ` Documents déjà émis : nouvelle version (${list}) ; les précédentes sont conservées.`;
}

ui.people.addEventListener("person-correct", async (ev) => {
  const p = /** @type {CustomEvent<Person>} */ (ev).detail;
  const candidate = p.role === "candidate";
  const fields = candidate
    ? [
        { name: "last_name", label: "Nom", type: "text", value: p.last_name, required: true },
        { name: "first_name", label: "Prénom", type: "text", value: p.first_name, required: true },
        {
          name: "pathway",
          label: "Parcours",
          type: "select",
          value: p.pathway,
          options: [
            { value: "formation_continue", label: "Formation continue" },
            { value: "vae", label: "VAE" },
            { value: "capitalisation", label: "Capitalisation de CCP" },
          ],
          hint: "Le parcours ne se corrige plus une fois l'épreuve commencée.",
        },
      ]
    : [{ name: "display_name", label: "Nom affiché", type: "text", value: p.name, required: true }];
  const values = await ui.dialog.ask({
    title: `Corriger : ${p.name}`,
    message: "La correction va sur la feuille des codes, la grille, le procès-verbal et le livret ; elle est tracée au journal d'audit.",
    confirm: "Enregistrer la correction",
    fields,
  });
  if (!values) return;
  const changed = Object.fromEntries(
    Object.entries(values).filter(([k, v]) => v !== (k === "display_name" ? p.name : p[k])),
  );
  if (!Object.keys(changed).length) return ui.people.say("Rien à corriger.", true);
  const path = candidate
    ? sessionPath(`/candidates/${encodeURIComponent(p.id)}`)
    : sessionPath(`/staff/${encodeURIComponent(p.id)}`);
  try {
    const out = await api("PATCH", path, changed);
    ui.people.say(`${p.name} : corrigé.${reissuedText(out.reissued)}`);
    await refresh();
  } catch (err) {
    ui.people.say(`${p.name} non corrigé : ${errorText(err)}`, true);
  }
});
ui.people.addEventListener("person-remove", async (ev) => {
  const p = /** @type {CustomEvent<Person>} */ (ev).detail;
  const values = await ui.dialog.ask({
    title: `Retirer ${p.name} ?`,
    message: "Possible seulement avant le début de son épreuve (ou de celle de ses candidats). Son code d'accès cesse de fonctionner et ses pages ouvertes sont fermées. Le retrait est tracé au journal d'audit.",
    confirm: "Retirer",
    danger: true,
    fields: [{ name: "reason", label: "Motif", type: "textarea", required: true }],
  });
  if (!values) return;
  try {
    await api("POST", sessionPath(`/participants/${encodeURIComponent(p.id)}/remove`), values);
    ui.people.say(`${p.name} : retiré(e) de la session.`);
    await refresh();
  } catch (err) {
    ui.people.say(`${p.name} non retiré(e) : ${errorText(err)}`, true);
  }
});
ui.pack.addEventListener("pack-choose", async (ev) => {
  try {
    await api("PUT", sessionPath("/pack"), { pack_id: /** @type {CustomEvent<{ packId: string }>} */ (ev).detail.packId });
    ui.pack.result(null);
    await refresh();
  } catch (err) {
    ui.pack.result(errorText(err));
  }
});
ui.documents.addEventListener("document-issue", async (ev) => {
  const d = /** @type {CustomEvent<{ kind: string, label: string, name?: string, candidateId?: string | null, next: number }>} */ (ev).detail;
  const values = await ui.dialog.ask({
    title: `Émettre : ${d.label}${d.name ? ` de ${d.name}` : ""}`,
    message: `La version ${d.next} est enregistrée telle quelle, avec son empreinte ; ${d.next > 1 ? "les versions précédentes restent téléchargeables." : "une correction ultérieure en émettra une nouvelle."}`,
    confirm: `Émettre la version ${d.next}`,
    fields: [{ name: "reason", label: "Motif", type: "text", value: d.next === 1 ? "Émission" : "" }],
  });
  if (!values) return;
  try {
    const out = await api("POST", sessionPath("/documents/issue"), {
      kind: d.kind,
      candidate_id: d.candidateId,
      reason: values.reason,
    });
    ui.documents.say(`${out.label} : version ${out.version} émise.`);
    await loadDocuments();
  } catch (err) {
    ui.documents.say(errorText(err), true);
  }
});
ui.sheet.addEventListener("code-renew", async (ev) => {
  const detail = /** @type {CustomEvent<{ participantId: string, name: string }>} */ (ev).detail;
  const ok = await ui.dialog.ask({
    title: "Nouveau code d'accès ?",
    message: `${detail.name} : l'ancien code ne permettra plus de se connecter.`,
    confirm: "Donner un nouveau code",
    danger: true,
  });
  if (!ok) return;
  try {
    await api("POST", sessionPath(`/participants/${encodeURIComponent(detail.participantId)}/code`));
    await loadCodes();
  } catch (err) {
    showError(errorText(err));
  }
});
ui.seb.addEventListener("seb-save", async (ev) => {
  const id = current;
  if (!id) return;
  try {
    const settings = await api("PUT", sessionPath("/seb"), /** @type {CustomEvent<unknown>} */ (ev).detail);
    ui.seb.show({ sessionId: id, settings });
  } catch (err) {
    ui.seb.formResult(errorText(err));
  }
});
ui.proctorExtension.addEventListener("proctor-extension-save", async (ev) => {
  try {
    const out = await api("PUT", sessionPath("/proctor-extension"), /** @type {CustomEvent<unknown>} */ (ev).detail);
    ui.proctorExtension.result(null); // saved: the form shows what is stored again
    ui.proctorExtension.show(out.proctor_extension_minutes);
  } catch (err) {
    ui.proctorExtension.result(errorText(err));
  }
});
ui.board.addEventListener("board-action", (ev) =>
  runBoardAction(/** @type {CustomEvent<BoardActionDetail>} */ (ev).detail, { board: ui.board, dialog: ui.dialog }),
);

const me = await requireMe("organiser");
if (me) {
  $("me-name").textContent = me.display_name;
  $("logout").addEventListener("click", logout);
  api("GET", "/api/catalogue")
    .then((loaded) => {
      catalogue = loaded;
      ui.picker.catalogue = loaded;
      if (current) refresh();
    })
    .catch((err) => ui.picker.catalogueError(errorText(err)));
  window.addEventListener("hashchange", route);
  await route();
}
