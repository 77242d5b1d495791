import assert from "node:assert/strict";
import { test } from "node:test";

import { euros, installmentPlan, orderTotals, toCents } from "../../softphone_web/js/cti/money.js";

test("amounts typed the French way become cents", () => {
  assert.equal(toCents("12,90"), 1290);
  assert.equal(toCents("1 234.5"), 123450);
  assert.equal(toCents(""), 0);
  assert.ok(Number.isNaN(toCents("douze")));
});

test("cents are shown the French way", () => {
  assert.equal(euros(123450), "1\u202f234,50\u00a0€");
  assert.equal(euros(-5), "−0,05\u00a0€");
  assert.equal(euros(NaN), "—");
});

test("an order: line totals, VAT per rate, shipping at the main rate, free above a threshold", () => {
  const lines = [
    { ref: "A", unit_price: "12.00", quantity: 2, vat_rate: 20 },
    { ref: "B", unit_price: "5.50", quantity: "1", vat_rate: 5.5 },
  ];
  const t = orderTotals(lines, { shipping: "6.00" });
  assert.deepEqual(t.lines.map((l) => l.total), [2400, 550]);
  assert.equal(t.subtotal, 2950);
  assert.equal(t.shipping, 600);
  assert.equal(t.total, 3550);
  assert.deepEqual(t.vat, [
    { rate: 5.5, base: 521, amount: 29 },
    { rate: 20, base: 2500, amount: 500 },
  ]);
  assert.equal(t.ht, 3021);
  assert.equal(orderTotals(lines, { shipping: "6.00", freeShippingFrom: "29.50" }).shipping, 0);
  assert.equal(orderTotals([], { shipping: "6.00" }).total, 0);
});

test("an instalment plan: the last one takes the rest, dates every interval", () => {
  const plan = installmentPlan(10000, 3, { firstDate: "2026-01-31", intervalDays: 30, feesCents: 1 });
  assert.deepEqual(plan.map((p) => p.amount), [3333, 3333, 3335]);
  assert.deepEqual(plan.map((p) => p.date), ["2026-01-31", "2026-03-02", "2026-04-01"]);
  assert.deepEqual(installmentPlan(500, 0), [{ index: 1, amount: 500, date: null }]);
});
