// The jury panels' requests to the page controller (jury/panel-requests.js) and the controller
// that serves them (juror-grid-feeds.js): the answer or the error reaches the request that asked,
// a request nobody serves is refused in French, a stale mark's refusal comes back as the server
// gave it (its code kept), and each call goes where the panel used to send it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CALLS, feedGridPanels } from "../../softphone_web/js/juror-grid-feeds.js";
import { NOT_SERVED, PanelRequests } from "../../softphone_web/js/jury/panel-requests.js";

// A panel as the controller sees it: an element that asks, with answer() and refuse().
function fakePanel() {
  const panel = new EventTarget();
  const requests = new PanelRequests(panel);
  panel.ask = (type, detail) => requests.ask(type, detail);
  panel.answer = (id, value) => requests.answer(id, value);
  panel.refuse = (id, error) => requests.refuse(id, error);
  return panel;
}

test("a request is answered by the controller that serves it", async () => {
  const panel = fakePanel();
  const seen = [];
  panel.addEventListener("evaluation-wanted", (ev) => {
    ev.preventDefault();
    seen.push(ev.detail);
    panel.answer(ev.detail.id, { parts: [] });
  });
  assert.deepEqual(await panel.ask("evaluation-wanted", { candidateId: "c1" }), { parts: [] });
  assert.deepEqual(seen, [{ candidateId: "c1", id: 1 }]);
});

test("the error comes back as thrown; answers are matched to their request by id", async () => {
  const panel = fakePanel();
  const held = [];
  panel.addEventListener("x", (ev) => {
    ev.preventDefault();
    held.push(ev.detail.id);
  });
  const first = panel.ask("x", { candidateId: "c1" });
  const second = panel.ask("x", { candidateId: "c1" });
  const refusal = Object.assign(new Error("Déjà noté par l'autre juré."), { code: "conflict" });
  panel.refuse(held[1], refusal);
  panel.answer(held[0], "un");
  assert.equal(await first, "un");
  await assert.rejects(second, (err) => err === refusal);
  panel.answer(held[0], "deux"); // no longer awaited: ignored
});

test("a request nobody serves is refused with a French message", async () => {
  await assert.rejects(fakePanel().ask("evaluation-wanted", { candidateId: "c1" }), { message: NOT_SERVED });
});

test("feedGridPanels sends a mark over the socket and hands back its refusal as is", async () => {
  const panel = fakePanel();
  const sent = [];
  // as PlateauSocket makes them: `refused` (the server answered « non »), not a cut
  const refusal = Object.assign(new Error("Ce critère a été noté entre-temps par l'autre juré."), { code: "conflict", refused: true });
  const socket = Object.assign(new EventTarget(), {
    connected: true,
    request: async (/** @type {any} */ msg) => {
      sent.push(msg);
      if (msg.base_version === 1) throw refusal;
      return { mark: { version: 1 } };
    },
  });
  feedGridPanels([panel, null], socket);
  const mark = { candidateId: "c1", part: "s01", competence: "CP1", criterion: 2, value: "acquis", comment: "", base_version: 0 };
  assert.deepEqual(await panel.ask("mark-save", mark), { mark: { version: 1 } });
  await assert.rejects(panel.ask("mark-save", { ...mark, base_version: 1 }), (err) => err === refusal);
  assert.deepEqual(sent[0], {
    type: "evaluation.set_mark",
    candidate_id: "c1",
    part: "s01",
    competence: "CP1",
    criterion: 2,
    value: "acquis",
    comment: "",
    base_version: 0,
  });
});

test("feedGridPanels stops serving when its signal aborts", async () => {
  const panel = fakePanel();
  const abort = new AbortController();
  feedGridPanels([panel], { request: async () => ({}) }, abort.signal);
  abort.abort();
  await assert.rejects(panel.ask("mark-save", { candidateId: "c1" }), { message: NOT_SERVED });
});

test("each HTTP request goes where the panels sent it", async (t) => {
  const calls = [];
  t.mock.method(globalThis, "fetch", async (path, init) => {
    calls.push(`${init.method} ${path} ${init.body || ""}`.trim());
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  // What api.js reads of the page (the CSRF cookie, Safe Exam Browser's API): none here.
  globalThis.document ??= { cookie: "" };
  globalThis.window ??= {};
  const panel = fakePanel();
  feedGridPanels([panel], { request: async () => ({}) });
  const cid = "c 1";
  await panel.ask("evaluation-wanted", { candidateId: cid });
  await panel.ask("timeline-wanted", { candidateId: cid });
  await panel.ask("interview-save", { candidateId: cid, topic: "CP 2", text: "Notes." });
  await panel.ask("deliberation-versions-wanted", { candidateId: cid });
  await panel.ask("certification-wanted", { candidateId: cid });
  await panel.ask("decision-preview-wanted", { candidateId: cid });
  await panel.ask("readiness-wanted", { candidateId: cid });
  await panel.ask("deliberation-save", { candidateId: cid, body: { justification: "J.", base: null } });
  await panel.ask("deliberation-sign", { candidateId: cid, base: { version: 1 } });
  await panel.ask("evidence-save", { candidateId: cid, kinds: ["dossier"], from_training: true });
  assert.deepEqual(calls, [
    "GET /api/candidates/c%201/evaluation",
    "GET /api/candidates/c%201/timeline",
    'PUT /api/candidates/c%201/evaluation/interviews/CP%202 {"text":"Notes."}',
    "GET /api/candidates/c%201/evaluation/deliberation",
    "GET /api/candidates/c%201/certification",
    "GET /api/candidates/c%201/certification/decision/preview",
    "GET /api/candidates/c%201/evaluation/deliberation/readiness",
    'PUT /api/candidates/c%201/evaluation/deliberation {"justification":"J.","base":null}',
    'POST /api/candidates/c%201/evaluation/deliberation/sign {"base":{"version":1}}',
    'PUT /api/candidates/c%201/certification/evidence {"kinds":["dossier"],"from_training":true}',
  ]);
  assert.equal(Object.keys(CALLS).length, 11);
});

test("feedGridPanels sends a mark cut before its answer again when the socket is back", async () => {
  const panel = fakePanel();
  const sent = [];
  const socket = Object.assign(new EventTarget(), {
    connected: true,
    request: async (/** @type {any} */ msg) => {
      sent.push(msg);
      if (sent.length === 1) {
        socket.connected = false;
        throw new Error("Connexion au serveur interrompue.");
      }
      return { mark: { version: 1 } };
    },
  });
  feedGridPanels([panel], socket);
  const mark = { candidateId: "c1", part: "s01", competence: "CP1", criterion: 2, value: "acquis", comment: "", base_version: 0 };
  const answer = panel.ask("mark-save", mark);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(sent.length, 1);
  socket.connected = true;
  socket.dispatchEvent(new CustomEvent("snapshot"));
  assert.deepEqual(await answer, { mark: { version: 1 } });
  assert.deepEqual(sent[1], sent[0]);
});
