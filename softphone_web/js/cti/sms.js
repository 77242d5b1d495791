// SMS length rules (pure): GSM 03.38 7-bit alphabet (160 characters, 153 per part once split;
// characters of the extension table count twice), otherwise UCS-2 (70, then 67 per part).
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

// { characters, units, encoding: "GSM 7 bits" | "Unicode", segments, perSegment, left }
/**
 * @typedef {{ characters: number, units: number, encoding: "GSM 7 bits" | "Unicode", segments: number, perSegment: number, left: number }} SmsCount
 */

/**
 * @param {string | null | undefined} text
 * @returns {SmsCount}
 */
export function smsCount(text) {
  const chars = [...(text || "")];
  let gsm = true;
  let units = 0;
  for (const c of chars) {
    if (BASIC.has(c)) units += 1;
    else if (EXTENDED.has(c)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (!gsm) units = chars.reduce((n, c) => n + ((c.codePointAt(0) ?? 0) > 0xffff ? 2 : 1), 0);
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part);
  const capacity = segments <= 1 ? single : segments * part;
  return {
    characters: chars.length,
    units,
    encoding: gsm ? "GSM 7 bits" : "Unicode",
    segments,
    perSegment: segments <= 1 ? single : part,
    left: capacity - units,
  };
}

// The characters that force Unicode (to tell the candidate why the count changed).
/**
 * @param {string | null | undefined} text
 * @returns {string[]}
 */
export function nonGsmCharacters(text) {
  const out = new Set();
  for (const c of text || "") if (!BASIC.has(c) && !EXTENDED.has(c)) out.add(c);
  return [...out];
}
