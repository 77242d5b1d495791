// One row of <candidate-board>, built (candidate-board.js fills it: _update): the six columns
// — who, the clock and the simulations' progress, the status, the connection, the incidents,
// the actions — and the nodes inside them, kept by name in `cells`.
import "./phase-clock.js";
import { el } from "./dom.js";

/** @typedef {import("../types/events.js").ProgressOut} ProgressOut */
/** @typedef {import("../types/events.js").TimelineChanged["state"]} TimelineState the candidate's timeline (untyped JSON) */
/** @typedef {import("./candidate-board.js").BoardIncident} BoardIncident */
/**
 * The nodes of a row.
 * @typedef {object} BoardCells
 * @property {HTMLTableCellElement} who
 * @property {HTMLTableCellElement} clock
 * @property {HTMLTableCellElement} status
 * @property {HTMLTableCellElement} link
 * @property {HTMLTableCellElement} incidents
 * @property {HTMLTableCellElement} actions
 * @property {HTMLElement} name
 * @property {HTMLDivElement} info
 * @property {HTMLSpanElement} acc
 * @property {import("./phase-clock.js").PhaseClock} phase
 * @property {HTMLDivElement} sims
 * @property {HTMLDivElement} simsWarn
 * @property {HTMLSpanElement} badge
 * @property {HTMLDivElement} reason
 * @property {HTMLDivElement} planned
 * @property {HTMLSpanElement} dot
 * @property {HTMLSpanElement} linkText
 * @property {HTMLSpanElement} count
 * @property {HTMLButtonElement} seen
 * @property {HTMLUListElement} list
 * @property {HTMLDivElement} buttons
 * @property {HTMLDivElement} message
 */
/**
 * One candidate's row.
 * @typedef {object} BoardRow
 * @property {string} id
 * @property {HTMLTableRowElement} tr
 * @property {BoardCells} cells
 * @property {BoardIncident[]} incidents
 * @property {boolean} alerted
 * @property {BoardIncident} [fresh] the last incident heard (highlighted until « Vu »)
 * @property {string} name
 * @property {string} info
 * @property {string | null} [planned] the planned start (ISO 8601)
 * @property {TimelineState | null} [timeline]
 * @property {boolean} [connected]
 * @property {string | null} [since]
 * @property {ProgressOut | null} [progress]
 * @property {ReturnType<typeof setTimeout>} [flashTimer]
 * @property {boolean} [busy]
 */

/**
 * A new row for candidate `id`, empty until filled.
 * @param {string} id
 * @param {(row: BoardRow) => void} onSeen « Vu » clicked: the row's alerts were seen
 * @returns {BoardRow}
 */
export function newBoardRow(id, onSeen) {
    const tr = el("tr");
    tr.dataset.candidateId = id;
    // The six columns first; the nodes inside them are added below.
    const cells = /** @type {BoardCells} */ ({});
    for (const key of /** @type {const} */ (["who", "clock", "status", "link", "incidents", "actions"])) {
      cells[key] = el("td", `col-${key}`);
      tr.append(cells[key]);
    }
    /** @type {BoardRow} */
    const row = { id, tr, cells, name: id, info: "", incidents: [], alerted: false };
    cells.name = el("strong", "cand-name");
    cells.info = el("div", "muted small");
    cells.acc = el("span", "badge");
    cells.who.append(cells.name, cells.info, cells.acc);
    cells.phase = /** @type {import("./phase-clock.js").PhaseClock} */ (document.createElement("phase-clock"));
    cells.phase.setAttribute("compact", "");
    cells.sims = el("div", "board-sims small");
    cells.simsWarn = el("div", "board-sims-warn");
    cells.simsWarn.setAttribute("role", "status");
    cells.clock.append(cells.phase, cells.sims, cells.simsWarn);
    cells.badge = el("span", "badge status-badge");
    cells.reason = el("div", "pause-reason");
    cells.planned = el("div", "muted small");
    cells.status.append(cells.badge, cells.reason, cells.planned);
    cells.dot = el("span", "status-dot");
    cells.linkText = el("span", "small");
    cells.link.append(cells.dot, cells.linkText);
    cells.count = el("span", "badge");
    cells.seen = el("button", "small-button", "Vu");
    cells.seen.type = "button";
    cells.seen.addEventListener("click", () => onSeen(row));
    cells.list = el("ul", "incident-list");
    cells.incidents.append(cells.count, cells.seen, cells.list);
    cells.buttons = el("div", "row-actions");
    cells.message = el("div", "small row-message");
    cells.message.setAttribute("role", "status");
    cells.actions.append(cells.buttons, cells.message);
    return row;
}
