// The organiser's console (/organisation): sessions, people and jury, access codes, and the
// live overview of a session. The page's elements do the DOM; this controller calls the API
// and the WebSocket and hands them data.
import { api, logout, requireMe } from "./api.js";
import { PlateauSocket } from "./socket.js";
import "./components/action-dialog.js";
import "./components/alert-feed.js";
import "./components/candidate-board.js";
import "./components/link-status.js";
import "./components/tab-panels.js";
import { boardData, runBoardAction, wireBoard } from "./components/board-live.js";
import { wireProgress } from "./components/board-progress.js";
import "./organiser-codes.js";
import "./organiser-documents.js";
import "./organiser-pack.js";
import "./organiser-people.js";
import { dayLabel } from "./components/format.js";
import "./organiser-sessions.js";
import "./organiser-seb.js";
import "./components/proctor-extension.js";

const $ = (id) => document.getElementById(id);
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

let current = null; // the open session's id
let catalogue = null; // GET /api/catalogue (titles, packs)
let socket = null;
let progress = null; // the simulations of each candidate on the board (organiser only)
let refreshTimer = null;

function showError(message) {
  ui.error.textContent = message || "";
}

function sessionPath(suffix = "") {
  return `/api/sessions/${encodeURIComponent(current)}${suffix}`;
}

function packText(s) {
  if (s.pack_label) return `pack « ${s.pack_label} »`;
  return s.pack_snapshot_id ? "pack de scénarios figé" : "sans pack de scénarios";
}

// ---- sessions ---------------------------------------------------------------------------

async function loadSessions() {
  try {
    ui.picker.sessions = await api("GET", "/api/sessions");
  } catch (err) {
    showError(err.message);
  }
}

function openSession(id, tab = "setup") {
  location.hash = new URLSearchParams({ session: id, tab }).toString();
}

ui.picker.addEventListener("session-open", (/** @type {CustomEvent} */ ev) => openSession(ev.detail.id, "live"));
ui.picker.addEventListener("session-create", async (/** @type {CustomEvent} */ ev) => {
  try {
    const created = await api("POST", "/api/sessions", ev.detail);
    ui.picker.formResult(null);
    openSession(created.id, "setup");
  } catch (err) {
    ui.picker.formResult(err.message);
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
    if (err.status === 404 && id === current) ui.title.textContent = "Session introuvable";
    showError(err.message);
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
    showError(err.message);
  }
}

async function loadDocuments() {
  const id = current;
  try {
    const data = await api("GET", sessionPath("/documents"));
    if (id === current) ui.documents.show(data);
  } catch (err) {
    showError(err.message);
  }
}

async function loadSeb() {
  const id = current;
  try {
    const settings = await api("GET", sessionPath("/seb/settings"));
    if (id === current) ui.seb.show({ sessionId: id, settings });
  } catch (err) {
    showError(err.message);
  }
}

// The socket hears the open session's events; switching session reconnects with the new query.
function listen(id) {
  const query = `?session=${encodeURIComponent(id)}`;
  if (!socket) {
    socket = new PlateauSocket(query);
    socket.on("connection", (msg) => (ui.link.connected = msg.connected));
    socket.addEventListener("snapshot", () => refresh());
    wireBoard(socket, ui.board, ui.feed, { onUnknown: refreshSoon });
    progress = wireProgress(socket, ui.board);
    ui.link.hidden = false;
    socket.connect();
  } else if (socket.query !== query) {
    socket.reconnect(query);
  }
}

async function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("session");
  const tab = TABS.includes(params.get("tab")) ? params.get("tab") : "setup";
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

ui.tabs.addEventListener("tab-change", (/** @type {CustomEvent} */ ev) => {
  if (!current) return;
  openSession(current, ev.detail.id); // through the address, so Back returns to the last tab
});
$("back").addEventListener("click", () => {
  location.hash = "";
});

ui.people.addEventListener("candidate-add", async (/** @type {CustomEvent} */ ev) => {
  try {
    await api("POST", sessionPath("/candidates"), ev.detail);
    ui.people.formResult("candidate", null);
    await refresh();
  } catch (err) {
    ui.people.formResult("candidate", err.message);
  }
});
ui.people.addEventListener("staff-add", async (/** @type {CustomEvent} */ ev) => {
  try {
    await api("POST", sessionPath("/staff"), ev.detail);
    ui.people.formResult("staff", null);
    await refresh();
  } catch (err) {
    ui.people.formResult("staff", err.message);
  }
});
ui.people.addEventListener("jury-assign", async (/** @type {CustomEvent} */ ev) => {
  const { candidateId, capacity, jurorId } = ev.detail;
  try {
    const path = sessionPath(`/candidates/${encodeURIComponent(candidateId)}/jury`);
    await api("PUT", path, { juror_id: jurorId, capacity });
    ui.people.assignResult(ev.detail, null);
  } catch (err) {
    ui.people.assignResult(ev.detail, err.message);
    await refresh(); // back to what the server holds
  }
});
function reissuedText(reissued) {
  if (!reissued || !reissued.length) return "";
  const list = reissued.map((d) => `${d.label} v${d.version}`).join(", ");
  return ` Documents déjà émis : nouvelle version (${list}) ; les précédentes sont conservées.`;
}

ui.people.addEventListener("person-correct", async (/** @type {CustomEvent} */ ev) => {
  const p = ev.detail;
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
    ui.people.say(`${p.name} non corrigé : ${err.message}`, true);
  }
});
ui.people.addEventListener("person-remove", async (/** @type {CustomEvent} */ ev) => {
  const p = ev.detail;
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
    ui.people.say(`${p.name} non retiré(e) : ${err.message}`, true);
  }
});
ui.pack.addEventListener("pack-choose", async (/** @type {CustomEvent} */ ev) => {
  try {
    await api("PUT", sessionPath("/pack"), { pack_id: ev.detail.packId });
    ui.pack.result(null);
    await refresh();
  } catch (err) {
    ui.pack.result(err.message);
  }
});
ui.documents.addEventListener("document-issue", async (/** @type {CustomEvent} */ ev) => {
  const d = ev.detail;
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
    ui.documents.say(err.message, true);
  }
});
ui.sheet.addEventListener("code-renew", async (/** @type {CustomEvent} */ ev) => {
  const ok = await ui.dialog.ask({
    title: "Nouveau code d'accès ?",
    message: `${ev.detail.name} : l'ancien code ne permettra plus de se connecter.`,
    confirm: "Donner un nouveau code",
    danger: true,
  });
  if (!ok) return;
  try {
    await api("POST", sessionPath(`/participants/${encodeURIComponent(ev.detail.participantId)}/code`));
    await loadCodes();
  } catch (err) {
    showError(err.message);
  }
});
ui.seb.addEventListener("seb-save", async (/** @type {CustomEvent} */ ev) => {
  try {
    const settings = await api("PUT", sessionPath("/seb"), ev.detail);
    ui.seb.show({ sessionId: current, settings });
  } catch (err) {
    ui.seb.formResult(err.message);
  }
});
ui.proctorExtension.addEventListener("proctor-extension-save", async (/** @type {CustomEvent} */ ev) => {
  try {
    const out = await api("PUT", sessionPath("/proctor-extension"), ev.detail);
    ui.proctorExtension.show(out.proctor_extension_minutes);
    ui.proctorExtension.result(null);
  } catch (err) {
    ui.proctorExtension.result(err.message);
  }
});
ui.board.addEventListener("board-action", (/** @type {CustomEvent} */ ev) =>
  runBoardAction(ev.detail, { board: ui.board, dialog: ui.dialog }),
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
    .catch((err) => ui.picker.catalogueError(err.message));
  window.addEventListener("hashchange", route);
  await route();
}
