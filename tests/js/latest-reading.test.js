import assert from "node:assert/strict";
import { test } from "node:test";

import { latestReading } from "../../softphone_web/js/latest-reading.js";

// A read whose answer (or failure) the test releases when it wants.
function pending() {
  /** @type {(v: any) => void} */ let resolve = () => {};
  /** @type {(e: any) => void} */ let reject = () => {};
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test("an answer is applied, a failure reported", async () => {
  const latest = latestReading(new AbortController().signal);
  const seen = [];
  await latest(async () => "data", (v) => seen.push(["ok", v]), (e) => seen.push(["ko", e.message]));
  await latest(async () => Promise.reject(new Error("refusé")), (v) => seen.push(["ok", v]), (e) => seen.push(["ko", e.message]));
  assert.deepEqual(seen, [["ok", "data"], ["ko", "refusé"]]);
});

test("an answer that arrives after a newer request is dropped, failure or not", async () => {
  const latest = latestReading(new AbortController().signal);
  const first = pending();
  const second = pending();
  const seen = [];
  const a = latest(() => first.promise, (v) => seen.push(v), (e) => seen.push(`échec ${e}`));
  const b = latest(() => second.promise, (v) => seen.push(v), (e) => seen.push(`échec ${e}`));
  second.resolve("nouveau");
  await b;
  first.resolve("ancien");
  await a;
  assert.deepEqual(seen, ["nouveau"]);
  const third = pending();
  const c = latest(() => third.promise, (v) => seen.push(v), (e) => seen.push(`échec ${e}`));
  const d = latest(async () => "dernier", (v) => seen.push(v));
  third.reject("ancien");
  await Promise.all([c, d]);
  assert.deepEqual(seen, ["nouveau", "dernier"]);
});

test("nothing is applied once the signal aborted (another candidate)", async () => {
  const abort = new AbortController();
  const latest = latestReading(abort.signal);
  const answer = pending();
  const failure = pending();
  const seen = [];
  const a = latest(() => answer.promise, (v) => seen.push(v));
  abort.abort();
  answer.resolve("trop tard");
  await a;
  const latest2 = latestReading(abort.signal);
  const b = latest2(() => failure.promise, (v) => seen.push(v), (e) => seen.push(e));
  failure.reject("trop tard aussi");
  await b;
  assert.deepEqual(seen, []);
});
