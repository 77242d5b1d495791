// The server's instants in French, in the browser's time zone (no DOM: tested by node through
// tests/js/deliberation-state.test.js). review-common.js hands them to the jury's components.
//
//   hhmm("2026-06-01T12:03:00+00:00")        // « 14:03 »
//   dayAndTime("2026-06-01T12:03:00+00:00")  // « 01/06/2026 à 14:03 »

/** @param {string | Date | null | undefined} iso */
function validDate(iso) {
  if (!iso) return null;
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

// « 14:03 »
/** @param {string | Date | null | undefined} iso */
export function hhmm(iso) {
  const d = validDate(iso);
  return d ? d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" }) : "";
}

// « 14:03:27 »
/** @param {string | Date | null | undefined} iso */
export function hhmmss(iso) {
  const d = validDate(iso);
  return d ? d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
}

// « 01/06/2026 à 14:03 »
/** @param {string | Date | null | undefined} iso */
export function dayAndTime(iso) {
  const d = validDate(iso);
  if (!d) return "";
  return `${d.toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric" })} à ${hhmm(d)}`;
}
