// What a recording says about itself, for the jury: its named intervals (hold, a party's
// reconnection, a stalled or lost audio server, no audio received, a write error) as bands on
// the player's timeline and as a list, and its talk analytics (talk and listening time per
// party, overlaps, silences over 5 s, hold, time to answer) as one line.
// Offsets are seconds of the recording, which is the call's clock from the answer (a
// second segment's from its own start).
//
//   showGapBands(bar, rec, duration, onJump)   // the .rp-gap of the timeline (absolute, in %)
//   showGapItems(list, rec, onJump)            // the li.rp-gap-item of the list
// (each kept by interval across calls and updated in place: a button rebuilt under a click in
// progress loses it; `onJump` is the first call's, given the interval's start in seconds)
//   talkLine(analytics)               // "Parole : candidat 01:10 (48 %) …" or ""
import { el, keyedChildren, setText } from "../components/dom.js";
import { formatSeconds } from "./observer-common.js";

/**
 * A named interval of a recording (GET …/recordings: `gaps`).
 * @typedef {{ start_s: number, end_s?: number | null, reason: string, label?: string, role: string, role_label?: string, silent?: boolean }} Gap
 */
/** @param {Gap} g */
function span(g) {
  return `${formatSeconds(g.start_s)} → ${g.end_s === null || g.end_s === undefined ? "fin" : formatSeconds(g.end_s)}`;
}

/** @param {Gap} g */
export function gapText(g) {
  const who = g.role === "both" ? "" : ` (${g.role_label || g.role})`;
  const effect = g.silent ? "silence dans l'enregistrement" : "son conservé";
  return `${span(g)} · ${g.label || g.reason}${who} · ${effect}`;
}

/** @param {Gap} g an interval's key among its recording's */
const gapKey = (g) => `${g.reason}|${g.role}|${g.start_s}`;

/**
 * @param {HTMLElement} bar
 * @param {{ gaps?: Gap[], duration_s?: number | null }} rec
 * @param {number} duration
 * @param {(seconds: number) => void} onJump
 */
export function showGapBands(bar, rec, duration, onJump) {
  const d = duration > 0 ? duration : rec.duration_s || 0;
  keyedChildren(bar, rec.gaps || [], {
    key: gapKey,
    create: () => {
      const b = el("button", "rp-gap");
      b.type = "button";
      b.tabIndex = -1; // the same interval is a button in the list below
      b.addEventListener("click", () => onJump(Number(b.dataset.start)));
      return b;
    },
    update: (b, g) => {
      b.dataset.start = String(g.start_s);
      b.dataset.reason = g.reason;
      b.dataset.role = g.role;
      b.dataset.silent = String(Boolean(g.silent));
      const end = g.end_s === null || g.end_s === undefined ? d : g.end_s;
      const left = d > 0 ? Math.min(100, (g.start_s / d) * 100) : 0;
      const width = d > 0 ? Math.max(0.5, Math.min(100 - left, ((end - g.start_s) / d) * 100)) : 0;
      b.style.left = `${left}%`;
      b.style.width = `${width}%`;
      b.title = gapText(g);
      b.setAttribute("aria-label", gapText(g));
    },
  });
}

/**
 * @param {HTMLElement} list
 * @param {{ gaps?: Gap[] }} rec
 * @param {(seconds: number) => void} onJump
 */
export function showGapItems(list, rec, onJump) {
  keyedChildren(list, rec.gaps || [], {
    key: gapKey,
    create: () => {
      const li = el("li", "rp-gap-item");
      const b = el("button", "rp-gap-jump small-button");
      b.type = "button";
      b.addEventListener("click", () => onJump(Number(b.dataset.start)));
      li.append(b, " ", el("span", "rp-gap-text"));
      return li;
    },
    update: (li, g) => {
      li.dataset.reason = g.reason;
      const b = /** @type {HTMLButtonElement} */ (li.querySelector(".rp-gap-jump"));
      b.dataset.start = String(g.start_s);
      setText(b, formatSeconds(g.start_s));
      b.setAttribute("aria-label", `Aller à ${formatSeconds(g.start_s)} : ${g.label || g.reason}`);
      setText(/** @type {HTMLElement} */ (li.querySelector(".rp-gap-text")), gapText(g));
    },
  });
}

/** @param {number | null | undefined} x */
function share(x) {
  return `${Math.round((x || 0) * 100)} %`;
}

/** @param {any} a the recording's talk analytics */
export function talkLine(a) {
  if (!a || !a.parties) return "";
  const c = a.parties.candidate || {};
  const k = a.parties.client || {};
  const parts = [
    `Parole : candidat ${formatSeconds(c.talk_s)} (${share(c.talk_share)}), client ${formatSeconds(k.talk_s)} (${share(k.talk_share)})`,
    `écoute du candidat ${formatSeconds(c.listening_s)}`,
    `chevauchements ${a.overlaps || 0} (${formatSeconds(a.overlap_s)}), dont ${c.interruptions || 0} par le candidat`,
    `silences de plus de ${Math.round(a.long_silence_s || 5)} s : ${(a.silences || []).length}`,
    `attente : ${a.holds || 0} fois, ${formatSeconds(a.hold_s)}`,
  ];
  if (a.time_to_answer_s !== null && a.time_to_answer_s !== undefined) {
    parts.push(`décroché en ${String(Math.round(a.time_to_answer_s * 10) / 10).replace(".", ",")} s`);
  }
  return parts.join(" · ");
}
