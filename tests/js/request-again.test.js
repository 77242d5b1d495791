import assert from "node:assert/strict";
import { test } from "node:test";

import { requestAgainWhenBack } from "../../softphone_web/js/request-again.js";

/** A socket whose link can be cut: each `request` is answered by the test (ok, cut, refuse). */
class FakeSocket extends EventTarget {
  connected = true;
  sent = [];
  request(message) {
    return new Promise((resolve, reject) => this.sent.push({ message, resolve, reject }));
  }
  cut() {
    this.connected = false;
    const last = this.sent.at(-1);
    last.reject(new Error("Connexion au serveur interrompue."));
  }
  back() {
    this.connected = true;
    this.dispatchEvent(new CustomEvent("snapshot"));
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a command cut before its answer is sent again when the socket is back", async () => {
  const socket = new FakeSocket();
  const answer = requestAgainWhenBack(socket, { type: "evaluation.set_mark", value: "acquis" });
  assert.equal(socket.sent.length, 1);
  socket.cut();
  await tick();
  assert.equal(socket.sent.length, 1, "nothing is sent while the link is down");
  socket.back();
  await tick();
  assert.equal(socket.sent.length, 2);
  assert.deepEqual(socket.sent[1].message, socket.sent[0].message);
  socket.sent[1].resolve({ mark: { version: 1 } });
  assert.deepEqual(await answer, { mark: { version: 1 } });
});

test("no answer on a live link: sent again after a pause, not at once; a refusal ends it", async () => {
  const socket = new FakeSocket();
  const answer = requestAgainWhenBack(socket, { type: "x" }, undefined, { retryMs: 20 });
  socket.sent[0].reject(new Error("Pas de réponse du serveur."));
  await tick();
  assert.equal(socket.sent.length, 1, "not at once");
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(socket.sent.length, 2);
  const refused = Object.assign(new Error("Ce critère vient d'être noté."), { refused: true });
  socket.sent[1].reject(refused);
  await assert.rejects(answer, (err) => err === refused);
  assert.equal(socket.sent.length, 2);
});

test("a command the page gave up (its signal aborted) is not sent again", async () => {
  const socket = new FakeSocket();
  const stop = new AbortController();
  const answer = requestAgainWhenBack(socket, { type: "x" }, stop.signal);
  socket.cut();
  await tick();
  stop.abort();
  socket.back();
  await assert.rejects(answer, /interrompue/);
  assert.equal(socket.sent.length, 1);
});

test("a request that fails at once on a socket still saying « connected » does not starve the page", async () => {
  // PlateauSocket.request rejects at once when its WebSocket is closing but its close event has
  // not run yet: the retries must leave room for that event (a macrotask).
  const socket = new FakeSocket();
  socket.request = () => Promise.reject(new Error("Connexion au serveur interrompue."));
  let calls = 0;
  const request = socket.request;
  socket.request = () => {
    calls += 1;
    return request();
  };
  requestAgainWhenBack(socket, { type: "x" }, undefined, { retryMs: 5 });
  await new Promise((resolve) => setTimeout(resolve, 30)); // a macrotask runs: not starved
  assert.ok(calls < 20, `${calls} requests in 30 ms`);
  socket.connected = false; // the close event, at last
  const before = calls;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.ok(calls <= before + 1, "then it waits for the socket to be back");
});

test("each pause on a live link leaves no listener on the page's signal", async () => {
  // A juror's page keeps its signal for the whole candidate: retries must not pile listeners.
  const socket = new FakeSocket();
  const stop = new AbortController();
  const listening = new Set();
  const add = stop.signal.addEventListener.bind(stop.signal);
  const remove = stop.signal.removeEventListener.bind(stop.signal);
  stop.signal.addEventListener = (type, fn, options) => (listening.add(fn), add(type, fn, options));
  stop.signal.removeEventListener = (type, fn, options) => (listening.delete(fn), remove(type, fn, options));
  const answer = requestAgainWhenBack(socket, { type: "x" }, stop.signal, { retryMs: 5 });
  for (let i = 0; i < 3; i++) {
    socket.sent.at(-1).reject(new Error("Pas de réponse du serveur."));
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  assert.equal(socket.sent.length, 4);
  assert.equal(listening.size, 0, `${listening.size} listeners left by three pauses`);
  socket.sent.at(-1).resolve({ ok: true });
  assert.deepEqual(await answer, { ok: true });
});
