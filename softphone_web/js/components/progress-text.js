// What the server says of a candidate's simulations (GET /api/candidates/{id}/simulations →
// progress), read at this page's instant: the time left counts down from the server's reading
// (frozen while paused), what remains shrinks with a card in progress, and the warning turns on
// by itself once `fits_until` is past — no request needed. The words are the server's
// (server/progress/domain.py shortage_text). No DOM here.
//
//   const r = reading(progress, serverNow());   // { timeLeft, needed, remaining, short, warning }
/**
 * @typedef {{ a_faire?: number, en_cours?: number, jouee?: number, non_jouee?: number }} Counts
 * @typedef {import("../types/http.js").ProgressOut} Progress the server's (GET
 *   /api/candidates/{id}/simulations → progress, and the `progress` event's)
 * @typedef {{ timeLeft: number | null, needed: number, remaining: number, short: boolean, warning: string | null, counts: Counts }} ProgressReading
 */
/** @type {Record<string, string>} */
export const STATE_LABELS = {
 a_faire: "À faire", en_cours: "En cours", jouee: "Jouée", non_jouee: "Non jouée" };

/**
 * @param {number | null | undefined} seconds
 * @returns {number}
 */
export function mins(seconds) {
  return Math.max(0, Math.round((seconds || 0) / 60));
}

/**
 * @param {number | null} timeLeft
 * @param {number} remaining
 * @param {number} needed
 * @param {number} cards
 * @param {number | undefined} wrapUp
 */
function shortageText(timeLeft, remaining, needed, cards, wrapUp) {
  const after = wrapUp ? ` + après-appel ${mins(wrapUp)} min` : "";
  return (
    `Temps insuffisant : il reste ${mins(timeLeft)} min de phase d'appels, les ${remaining} simulation(s) ` +
    `restante(s) en demandent ${mins(needed)} (cartes ${mins(cards)} min${after}). Choisissez celles à ` +
    "jouer : une simulation non jouée sera consignée comme telle à la fin de la phase."
  );
}

/**
 * @param {Progress | null | undefined} p
 * @param {number} nowMs
 * @returns {ProgressReading | null}
 */
export function reading(p, nowMs) {
  if (!p) return null;
  const running = p.phase === "en_cours" && !p.paused;
  const elapsed = running ? Math.max(0, (nowMs - Date.parse(p.now)) / 1000) : 0;
  const timeLeft = p.time_left_seconds === null || p.time_left_seconds === undefined ? null : Math.max(0, p.time_left_seconds - elapsed);
  const counts = p.counts || {};
  const remaining = (counts.a_faire || 0) + (counts.en_cours || 0);
  // A card in progress: what it still needs shrinks with the time spent on it.
  const current = (p.simulations || []).find((s) => s.state === "en_cours" && s.started_at);
  const wrap = current && current.kind !== "chat" ? (p.wrap_up_minutes || 0) * 60 : 0;
  const shrink = current ? Math.min(elapsed, Math.max(0, current.needed_seconds - wrap)) : 0;
  const needed = Math.max(0, p.needed_seconds - shrink);
  const cards = Math.max(0, p.card_seconds - shrink);
  const late = running && p.fits_until && nowMs >= Date.parse(p.fits_until);
  const short = p.phase !== "terminee" && remaining > 0 && Boolean(p.short || late);
  const warning = short ? (p.short && p.warning && !running ? p.warning : shortageText(timeLeft, remaining, needed, cards, p.wrap_up_seconds)) : null;
  return { timeLeft, needed, remaining, short, warning, counts };
}

// « 9 simulations : 3 jouées · 1 en cours · 4 à faire · 1 non jouée »
/**
 * @param {Progress | null | undefined} p
 * @returns {string}
 */
export function countsText(p) {
  const c = (p && p.counts) || {};
  const total = (p && p.simulations ? p.simulations.length : 0) || 0;
  const parts = [`${c.jouee || 0} jouée${(c.jouee || 0) > 1 ? "s" : ""}`];
  if (c.en_cours) parts.push(`${c.en_cours} en cours`);
  parts.push(`${c.a_faire || 0} à faire`);
  if (c.non_jouee) parts.push(`${c.non_jouee} non jouée${c.non_jouee > 1 ? "s" : ""}`);
  return `${total} simulation${total > 1 ? "s" : ""} : ${parts.join(" · ")}`;
}

// « Temps restant 42 min · il faut 59 min » (before the phase: its planned length).
/**
 * @param {Progress | null | undefined} p
 * @param {ProgressReading | null | undefined} r
 * @returns {string}
 */
export function timeText(p, r) {
  if (!p || !r) return "";
  if (p.phase === "terminee") return "Phase d'appels terminée";
  if (r.timeLeft === null) return "";
  const what = p.phase === "avant" ? "Phase d'appels" : "Temps restant";
  const need = r.remaining ? ` · il faut ${mins(r.needed)} min` : "";
  return `${what} ${mins(r.timeLeft)} min${need}${p.paused ? " (en pause)" : ""}`;
}
