// What the organiser's and the proctor's consoles share around <candidate-board>: turning the
// overview into board rows, routing the WebSocket's events to the board and the alert feed,
// and running a row's action (asking what it needs in an <action-dialog>, then the API call).
import { ApiError, api } from "./api.js";
import { accommodationText } from "./components/candidate-board.js";
import { CLOSE_EFFECTS, CLOSE_REASONS, END_PHASE_REASONS } from "./components/stop-reasons.js";

/** @typedef {import("./components/candidate-board.js").CandidateBoard} CandidateBoard */
/** @typedef {import("./components/candidate-board.js").BoardData} BoardData */
/** @typedef {import("./components/candidate-board.js").BoardActionDetail} BoardActionDetail */
/** @typedef {import("./components/action-dialog.js").ActionDialog} ActionDialog */
/** @typedef {Parameters<ActionDialog["ask"]>[0]} DialogOptions */
/** @typedef {Record<string, string | number>} DialogValues */
/**
 * The part of GET /api/sessions/{id}/overview the board reads (untyped HTTP answer).
 * @typedef {object} Overview
 * @property {{ candidates: Array<{ id: string, display_name: string, pathway_label: string }> }} detail
 * @property {Record<string, string | null>} [planned_starts]
 * @property {BoardData["candidates"]} candidates
 */

// GET /api/sessions/{id}/overview → the data <candidate-board>.load() takes.
/**
 * @param {Overview} overview
 * @returns {BoardData}
 */
export function boardData(overview) {
  const cands = overview.detail.candidates;
  return {
    order: cands.map((c) => c.id),
    names: Object.fromEntries(cands.map((c) => [c.id, c.display_name])),
    info: Object.fromEntries(cands.map((c) => [c.id, c.pathway_label])),
    planned: overview.planned_starts || {},
    candidates: overview.candidates,
  };
}

// The snapshot's `state.exam` part (proctor, juror) → the same shape.
/**
 * @param {{ candidates?: BoardData["candidates"], names?: Record<string, string> } | null | undefined} exam
 * @returns {BoardData}
 */
export function snapshotData(exam) {
  const candidates = (exam && exam.candidates) || {};
  return { order: Object.keys(candidates), names: (exam && exam.names) || {}, candidates };
}

// Routes the socket's session events to the board and the feed (timeline, time warnings,
// incidents — lockdown, and technical ones such as a call the media plane refused —, presence). `onUnknown()` is called when
// an event names a candidate the board does not know yet (added since the last load).
/**
 * @param {import("./socket.js").PlateauSocket} socket
 * @param {CandidateBoard} board
 * @param {import("./components/alert-feed.js").AlertFeed} feed
 * @param {{ onUnknown?: () => void }} [options]
 */
export function wireBoard(socket, board, feed, { onUnknown = () => {} } = {}) {
  socket.on("timeline", (msg) => {
    const { candidate_id: id, state } = msg;
    if (!board.applyTimeline(id, state)) onUnknown();
  });
  socket.on("timeline.warning", (msg) => {
    const w = msg;
    if (!board.has(w.candidate_id)) return;
    feed.add({
      at: new Date().toISOString(),
      who: board.name(w.candidate_id),
      text: `${w.phase_label} : ${w.minutes} min restante${w.minutes > 1 ? "s" : ""}`,
      level: "info",
    });
  });
  socket.on("incident", (msg) => {
    const i = msg;
    if (!board.addIncident(i)) return onUnknown();
    feed.add({ at: i.at, who: board.name(i.candidate_id), text: i.detail ? `${i.label} — ${i.detail}` : i.label, level: "alert" });
  });
  socket.on("presence", (msg) => {
    const p = msg;
    if (p.role !== "candidate") return;
    if (!board.applyPresence(p.subject_id, p.connected, p.since)) return;
    if (!p.connected) {
      feed.add({ at: p.since, who: board.name(p.subject_id), text: "Déconnecté", level: "info" });
    }
  });
}

/** @param {Date} date */
function localInputValue(date) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** @param {Parameters<typeof accommodationText>[0]} acc */
function ratioPercent(acc) {
  const [num, den] = String((acc && acc.extra_ratio) || "0").split("/").map(Number);
  return Math.round((den ? num / den : num) * 100);
}

// What each action asks, and which call it makes. `ask(values)` returns the request or null.
/**
 * One action: the dialog that asks what it needs (none: no question), the request made from
 * the answers ([method, path under …/timeline, body]) and what the row says when it is done.
 * @typedef {{ dialog?: DialogOptions, call: (values: DialogValues) => [string, string, unknown?], done: string }} ActionSpec
 */
/** @type {Record<string, (d: BoardActionDetail, planned?: string | null, max?: number) => ActionSpec>} */
const ACTION_SPECS = {
  start: (d) => ({
    dialog: {
      title: "Démarrer l'épreuve maintenant ?",
      message: `${d.name} : la première phase commence tout de suite.`,
      confirm: "Démarrer",
    },
    call: () => ["POST", "start"],
    done: "Épreuve démarrée.",
  }),
  plan: (d, planned) => ({
    dialog: {
      title: "Planifier le départ",
      message: `${d.name} : l'épreuve démarrera seule à l'heure choisie (départs échelonnés).`,
      confirm: "Enregistrer",
      fields: [
        {
          name: "at",
          label: "Heure de départ",
          type: "datetime-local",
          value: localInputValue(planned ? new Date(planned) : new Date(Date.now() + 15 * 60000)),
          hint: "Laisser vide pour annuler la planification.",
        },
      ],
    },
    call: (v) => ["PUT", "plan", { planned_start: v.at ? new Date(v.at).toISOString() : null }],
    done: "Départ planifié.",
  }),
  accommodation: (d) => {
    const acc = d.state && d.state.accommodation;
    const current = accommodationText(acc);
    return {
      dialog: {
        title: "Aménagement d'épreuve",
        message: `${d.name}${current ? ` — actuel : ${current}` : ""}. Le temps des phases chronométrées est allongé ; les entretiens gardent leur durée.`,
        confirm: "Enregistrer",
        fields: [
          {
            name: "extra_percent",
            label: "Temps supplémentaire (%)",
            type: "number",
            min: 0,
            max: 100,
            value: current ? ratioPercent(acc) : 33,
            hint: "Tiers-temps : 33 % (compté exactement 1/3). 0 pour aucun.",
          },
          {
            name: "extra_minutes",
            label: "Minutes supplémentaires par phase",
            type: "number",
            min: 0,
            max: 120,
            value: acc ? acc.extra_minutes : 0,
          },
          { name: "note", label: "Motif", type: "text", value: (acc && acc.note) || "Tiers-temps" },
        ],
      },
      // 33 % is the tiers-temps: exactly one third, not 0.33.
      call: (v) => [
        "PUT",
        "accommodation",
        Number(v.extra_percent) === 33 ? { ...v, extra_percent: 0, tiers_temps: true } : v,
      ],
      done: "Aménagement enregistré.",
    };
  },
  pause: (d) => ({
    dialog: {
      title: "Mettre en pause",
      message: `${d.name} : le temps de la phase s'arrête jusqu'à la reprise.`,
      confirm: "Mettre en pause",
      danger: true,
      fields: [{ name: "reason", label: "Motif", type: "textarea", required: true }],
    },
    call: (v) => ["POST", "pause", { reason: v.reason }],
    done: "En pause.",
  }),
  resume: () => ({ call: () => ["POST", "resume"], done: "Reprise." }),
  endphase: (d) => ({
    dialog: {
      title: "Terminer la phase maintenant",
      message: `${d.name} : « ${d.state ? d.state.phase_label : ""} » se termine tout de suite ; la phase suivante commence aussitôt. Le motif et le commentaire vont au journal d'audit.`,
      confirm: "Terminer la phase",
      danger: true,
      fields: [
        {
          name: "reason",
          label: "Motif",
          type: "select",
          options: [{ value: "", label: "— choisir le motif —" }, ...END_PHASE_REASONS],
          required: true,
        },
        { name: "comment", label: "Commentaire", type: "textarea", required: true },
      ],
    },
    call: (v) => ["POST", "end-phase", { reason: v.reason, comment: v.comment }],
    done: "Phase terminée.",
  }),
  close: (d) => ({
    dialog: {
      title: "Clore l'épreuve",
      message: `${d.name} : l'épreuve s'arrête définitivement (phase « ${d.state ? d.state.phase_label : ""} »). Effet sur le résultat selon le motif.`,
      confirm: "Clore l'épreuve",
      danger: true,
      fields: [
        {
          name: "reason",
          label: "Motif",
          type: "select",
          required: true,
          options: [
            { value: "", label: "— choisir le motif —" },
            ...CLOSE_REASONS.map((r) => ({ value: r.value, label: `${r.label} — ${CLOSE_EFFECTS[/** @type {keyof typeof CLOSE_EFFECTS} */ (r.value)]}` })),
          ],
        },
        { name: "comment", label: "Commentaire", type: "textarea", required: true },
      ],
    },
    call: (v) => ["POST", "close", { reason: v.reason, comment: v.comment }],
    done: "Épreuve close.",
  }),
  extend: (d, _planned, max = 240) => ({
    dialog: {
      title: "Prolonger la phase",
      message: `${d.name} : ${d.state ? d.state.phase_label : ""}.${max < 240 ? ` ${max} min au plus (réglage de la session).` : ""}`,
      confirm: "Prolonger",
      fields: [
        { name: "minutes", label: "Minutes", type: "number", min: 1, max, value: Math.min(5, max), required: true },
        { name: "reason", label: "Motif", type: "textarea", required: true },
      ],
    },
    call: (v) => ["POST", "extend", { minutes: v.minutes, reason: v.reason }],
    done: "Phase prolongée.",
  }),
};

// Runs a "board-action" event's action: dialog, API call, then the board shows the result.
/**
 * @param {BoardActionDetail & { skipAsk?: boolean }} detail
 * @param {{ board: CandidateBoard, dialog: ActionDialog }} elements
 * @returns {Promise<void>}
 */
export async function runBoardAction(detail, { board, dialog }) {
  const make = ACTION_SPECS[detail.action];
  if (!make) return;
  const spec = make(detail, board.rows.get(detail.candidateId)?.planned, Number(board.getAttribute("extend-max")) || 240);
  /** @type {DialogValues} */
  let values = {};
  if (spec.dialog && !detail.skipAsk) {
    const answered = await dialog.ask(spec.dialog);
    if (!answered) return;
    values = answered;
  }
  const [method, path, body] = spec.call(values);
  const id = detail.candidateId;
  board.busy(id, true);
  const base = `/api/candidates/${encodeURIComponent(id)}/timeline`;
  try {
    const result = await api(method, `${base}/${path}`, body);
    if (detail.action === "plan") board.setPlanned(id, result.planned_start);
    else if (result && result.status) board.applyTimeline(id, result);
    board.flash(id, spec.done);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ApiError && err.data.code === "planned_start_past") {
      // A start already past would eat the first phase: say so, offer to start now instead.
      board.busy(id, false);
      const now = await dialog.ask({
        title: "Heure déjà passée",
        message,
        confirm: "Démarrer maintenant",
      });
      if (now) return runBoardAction({ ...detail, action: "start", skipAsk: true }, { board, dialog });
      board.flash(id, "Départ non planifié.", true);
      return;
    }
    board.flash(id, message, true);
  } finally {
    board.busy(id, false);
  }
}
