import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { WaitingSaves } from "../../softphone_web/js/jury/waiting-saves.js";
import { installFakeStorage } from "./fake-storage.js";

let data;
beforeEach(() => {
  data = installFakeStorage();
});

const isMark = (m) => typeof m.value === "string" && Number.isInteger(m.base_version);

test("a waiting save outlives its page: the next page reads it back, with its id", () => {
  const first = new WaitingSaves("plateau:marks:j1:c1", isMark);
  const id = first.put("p\u001fC1\u001f1", { value: "acquis", comment: "", base_version: 0 });
  first.put("p\u001fC1\u001f2", { value: "non_acquis", comment: "Oubli", base_version: 3 });
  const next = new WaitingSaves("plateau:marks:j1:c1", isMark);
  assert.deepEqual(
    next.entries().map(([k, m]) => [k, m.value, m.comment, m.base_version]),
    [
      ["p\u001fC1\u001f1", "acquis", "", 0],
      ["p\u001fC1\u001f2", "non_acquis", "Oubli", 3],
    ],
  );
  assert.equal(next.entries()[0][1].id, id);
  assert.deepEqual(new WaitingSaves("plateau:marks:j1:c2", isMark).entries(), []); // another candidate
});

test("an answered save is dropped, but not a newer save of the same thing", () => {
  const box = new WaitingSaves("k", isMark);
  const older = box.put("x", { value: "acquis", comment: "", base_version: 0 });
  const newer = box.put("x", { value: "non_acquis", comment: "", base_version: 1 });
  assert.notEqual(older, newer);
  box.drop("x", older); // the first answer comes after the second save
  assert.deepEqual(box.entries().map(([, m]) => m.value), ["non_acquis"]);
  box.drop("x", newer);
  assert.deepEqual(box.entries(), []);
  assert.equal(data.has("k"), false); // nothing left behind
});

test("unreadable or foreign contents are nothing to send again", () => {
  for (const raw of ["{", "[1,2]", "null", "7", JSON.stringify({ x: { value: "acquis", base_version: 0 } }), JSON.stringify({ x: { id: "1", value: 3, base_version: 0 } }), JSON.stringify({ x: null })]) {
    data.set("k", raw);
    assert.deepEqual(new WaitingSaves("k", isMark).entries(), [], raw);
  }
});

test("without a key or a storage the saves wait as long as the page, without error", () => {
  const box = new WaitingSaves(null, isMark);
  box.drop("x", box.put("x", { value: "acquis", comment: "", base_version: 0 }));
  assert.deepEqual(box.entries(), []);
  const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("full"); }, removeItem: () => {} };
  const failing = new WaitingSaves("k", isMark, broken);
  failing.put("x", { value: "acquis", comment: "", base_version: 0 });
  assert.deepEqual(failing.entries(), []);
});
