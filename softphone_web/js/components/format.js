// French formatting of the server's instants and days, in the browser's time zone.
/**
 * @param {string | null | undefined} iso
 * @returns {string}
 */
export function clockTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
}

// "2026-06-01" → « lun. 1 juin 2026 » (a calendar day, no time zone shift).
/**
 * @param {string} isoDay
 * @param {{ long?: boolean }} [options]
 * @returns {string}
 */
export function dayLabel(isoDay, { long = false } = {}) {
  const [y, m, d] = isoDay.split("-").map(Number);
  /** @type {Intl.DateTimeFormatOptions} */
  const options = long
    ? { weekday: "long", day: "numeric", month: "long", year: "numeric" }
    : { weekday: "short", day: "numeric", month: "short", year: "numeric" };
  return new Date(y, m - 1, d).toLocaleDateString("fr-FR", options);
}
