// Euros in integer cents (pure): catalogue prices are TTC with a VAT rate; an order's lines,
// shipping, VAT per rate and totals. French display: « 1 234,50 € ».
/**
 * @param {string | number | null | undefined} value
 * @returns {number} cents, NaN when not a number
 */
export function toCents(value) {
  if (value === null || value === undefined || value === "") return 0;
  const text = String(value).replace(/\s/g, "").replace(",", ".");
  const n = Number(text);
  if (!Number.isFinite(n)) return NaN;
  return Math.round(n * 100);
}

/**
 * @param {number} cents
 * @returns {string}
 */
export function euros(cents) {
  if (!Number.isFinite(cents)) return "—";
  const neg = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  const frac = String(abs % 100).padStart(2, "0");
  return `${neg ? "−" : ""}${whole},${frac}\u00a0€`;
}

// HT part of a TTC amount at `rate` percent, rounded to the cent.
/**
 * @param {number} ttcCents
 * @param {number | string} rate percent
 * @returns {number}
 */
export function htOf(ttcCents, rate) {
  return Math.round((ttcCents * 100) / (100 + Number(rate)));
}

// lines: [{ ref, label, quantity, unit_price (TTC, "12.90"), vat_rate }]
// → { lines: [{…, total}], subtotal, shipping, total, vat: [{ rate, base, amount }], ht }
/**
 * @typedef {{ ref?: string, label?: string, quantity: number | string, unit_price: string | number, vat_rate?: number | string | null }} OrderLine
 * @typedef {{ rate: number, base: number, amount: number }} VatLine
 * @typedef {{ lines: (OrderLine & { quantity: number, total: number })[], subtotal: number, shipping: number, total: number, ht: number, vat: VatLine[] }} OrderTotals
 */

/**
 * @param {OrderLine[]} lines
 * @param {{ shipping?: string | number, freeShippingFrom?: string | number | null }} [options]
 * @returns {OrderTotals}
 */
export function orderTotals(lines, { shipping = 0, freeShippingFrom = null } = {}) {
  const out = [];
  const byRate = new Map();
  let subtotal = 0;
  for (const line of lines) {
    const qty = Math.max(0, Math.trunc(Number(line.quantity) || 0));
    const total = toCents(line.unit_price) * qty;
    subtotal += total;
    const rate = Number(line.vat_rate ?? 20);
    byRate.set(rate, (byRate.get(rate) || 0) + total);
    out.push({ ...line, quantity: qty, total });
  }
  let ship = toCents(shipping);
  if (freeShippingFrom !== null && freeShippingFrom !== undefined && subtotal >= toCents(freeShippingFrom)) {
    ship = 0;
  }
  if (subtotal === 0) ship = 0;
  if (ship) {
    // Shipping follows the main rate of the goods (the highest share).
    const main = [...byRate.entries()].sort((a, b) => b[1] - a[1])[0];
    const rate = main ? main[0] : 20;
    byRate.set(rate, (byRate.get(rate) || 0) + ship);
  }
  const vat = [...byRate.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([rate, ttc]) => {
      const base = htOf(ttc, rate);
      return { rate, base, amount: ttc - base };
    });
  const total = subtotal + ship;
  const ht = vat.reduce((n, v) => n + v.base, 0);
  return { lines: out, subtotal, shipping: ship, total, ht, vat };
}

// A payment agreement: `amount` split into `installments` (the last one takes the rest).
/**
 * @param {number} amountCents
 * @param {number} installments
 * @param {{ firstDate?: string | null, intervalDays?: number, feesCents?: number }} [options]
 * @returns {{ index: number, amount: number, date: string | null }[]}
 */
export function installmentPlan(amountCents, installments, { firstDate, intervalDays = 30, feesCents = 0 } = {}) {
  const n = Math.max(1, Math.trunc(installments) || 1);
  const total = amountCents + (feesCents || 0);
  const base = Math.floor(total / n);
  const out = [];
  const start = firstDate ? new Date(`${firstDate}T12:00:00`) : null;
  for (let i = 0; i < n; i++) {
    const amount = i === n - 1 ? total - base * (n - 1) : base;
    let date = null;
    if (start) {
      const d = new Date(start);
      d.setDate(d.getDate() + i * intervalDays);
      date = d.toISOString().slice(0, 10);
    }
    out.push({ index: i + 1, amount, date });
  }
  return out;
}
