import assert from "node:assert/strict";
import { test } from "node:test";

import { nonGsmCharacters, smsCount } from "../../softphone_web/js/cti/sms.js";

test("an empty text is no SMS and leaves the whole first part", () => {
  assert.deepEqual(smsCount(""), { characters: 0, units: 0, encoding: "GSM 7 bits", segments: 0, perSegment: 160, left: 160 });
  assert.equal(smsCount(null).segments, 0);
});

test("GSM text: 160 characters in one part, 161 split into parts of 153", () => {
  assert.equal(smsCount("a".repeat(160)).segments, 1);
  assert.equal(smsCount("a".repeat(160)).left, 0);
  const two = smsCount("a".repeat(161));
  assert.equal(two.segments, 2);
  assert.equal(two.perSegment, 153);
  assert.equal(two.left, 2 * 153 - 161);
  assert.equal(smsCount("a".repeat(307)).segments, 3);
});

test("French accents of the GSM alphabet stay 7-bit; the extension table counts twice", () => {
  const r = smsCount("Réglé à 12€");
  assert.equal(r.encoding, "GSM 7 bits");
  assert.equal(r.characters, 11);
  assert.equal(r.units, 12);
});

test("a character outside the GSM alphabet switches the whole text to Unicode (70, then 67)", () => {
  const r = smsCount("Ça coûte");
  assert.equal(r.encoding, "Unicode");
  assert.equal(r.units, 8);
  assert.equal(r.perSegment, 70);
  assert.equal(smsCount("ê".repeat(71)).segments, 2);
  assert.equal(smsCount("ê".repeat(71)).perSegment, 67);
  // An emoji is one character but two UCS-2 units.
  assert.deepEqual([smsCount("🙂").characters, smsCount("🙂").units], [1, 2]);
});

test("nonGsmCharacters names each offending character once", () => {
  // « Ç » is in the GSM alphabet, « ç » and « û » are not.
  assert.deepEqual(nonGsmCharacters("Ça coûte, ça coûte"), ["û", "ç"]);
  assert.deepEqual(nonGsmCharacters("Bonjour à tous"), []);
});
