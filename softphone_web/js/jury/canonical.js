// Pure (no DOM): used by deliberation-model.js and re-exported by review-common.js.
// JSON with sorted keys: two proposals compare equal whatever the database did to key order.
/**
 * @param {unknown} value
 * @returns {string}
 */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(/** @type {Record<string, unknown>} */ (value)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
