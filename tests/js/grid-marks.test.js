import assert from "node:assert/strict";
import { test } from "node:test";

import { MarkBook, markKey, splitKey } from "../../softphone_web/js/jury/grid-marks.js";

const KEY = markKey("appels", "C1", "accueil");
const mark = (version, value, comment = "") => ({ part: "appels", competence: "C1", criterion: "accueil", version, value, comment });

test("keys round-trip", () => {
  assert.deepEqual(splitKey(KEY), ["appels", "C1", "accueil"]);
});

test("an older mark never replaces a newer one", () => {
  const book = new MarkBook();
  assert.ok(book.accept(mark(2, "acquis")));
  assert.ok(!book.accept(mark(1, "non_acquis")));
  assert.equal(book.get(KEY).value, "acquis");
  assert.ok(book.isNews(mark(3, "non_acquis")));
  assert.ok(!book.isNews(mark(2, "acquis")));
});

test("a save shows at once, expects the next version, and settles quietly when nobody wrote in between", () => {
  const book = new MarkBook();
  book.accept(mark(1, "acquis"));
  const save = book.begin(KEY, "non_acquis", "hésitant");
  assert.equal(save.expected, 2);
  assert.deepEqual(book.display(KEY), { value: "non_acquis", comment: "hésitant", pending: true });
  assert.equal(book.settle(KEY, save, mark(2, "non_acquis", "hésitant")), false);
  assert.deepEqual(book.display(KEY), { value: "non_acquis", comment: "hésitant", pending: false });
});

test("two saves in a row: the second expects the version after the first", () => {
  const book = new MarkBook();
  const first = book.begin(KEY, "acquis", "");
  const second = book.begin(KEY, "non_observe", "");
  assert.deepEqual([first.expected, second.expected], [1, 2]);
  // The first answer does not clear the second save still on its way.
  book.settle(KEY, first, mark(1, "acquis"));
  assert.equal(book.display(KEY).pending, true);
  assert.equal(book.display(KEY).value, "non_observe");
});

test("the other juror wrote in between: settle says so", () => {
  const book = new MarkBook();
  book.accept(mark(1, "acquis"));
  const save = book.begin(KEY, "non_acquis", "");
  assert.equal(book.settle(KEY, save, mark(3, "non_acquis")), true);
});

test("a refused save puts the confirmed mark back and the expected version down", () => {
  const book = new MarkBook();
  book.accept(mark(4, "acquis"));
  const save = book.begin(KEY, "non_acquis", "");
  book.fail(KEY, save);
  assert.deepEqual(book.display(KEY), { value: "acquis", comment: "", pending: false });
  assert.equal(book.begin(KEY, "non_acquis", "").expected, 5);
});

test("a save sent again by a later page keeps the version it was based on", () => {
  const book = new MarkBook();
  book.accept(mark(1, "acquis")); // stored meanwhile: the save itself, its answer lost
  const again = book.begin(KEY, "acquis", "", 0);
  assert.equal(again.expected, 1); // the same save from the same base: acknowledged as stored
  assert.equal(book.settle(KEY, again, mark(1, "acquis")), false);
  const stale = book.begin(KEY, "non_acquis", "", 0); // the other juror wrote version 1
  book.fail(KEY, stale);
  assert.deepEqual(book.display(KEY), { value: "acquis", comment: "", pending: false });
  assert.equal(book.begin(KEY, "non_acquis", "").expected, 2); // the next save is based on 1
});
