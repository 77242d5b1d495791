import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { ChatOutbox } from "../../softphone_web/js/cti/chat-outbox.js";
import { installFakeStorage } from "./fake-storage.js";

beforeEach(() => {
  installFakeStorage();
});

class FakeSocket extends EventTarget {
  connected = true;
  back() {
    this.connected = true;
    this.dispatchEvent(new CustomEvent("snapshot"));
  }
}

function manualSend() {
  const calls = [];
  const send = (text, id) =>
    new Promise((resolve, reject) => {
      calls.push({ text, id, resolve, reject });
    });
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

test("messages go one at a time, in order, each acknowledged before the next", async () => {
  const socket = new FakeSocket();
  const { calls, send } = manualSend();
  const outbox = new ChatOutbox({ socket, send, key: "out" });
  const sent = [];
  outbox.addEventListener("sent", (ev) => sent.push(ev.detail.message));
  outbox.push("Bonjour");
  outbox.push("Je regarde votre dossier");
  await tick();
  assert.equal(calls.length, 1);
  assert.deepEqual(outbox.items.map((m) => [m.text, m.state]), [["Bonjour", "sending"], ["Je regarde votre dossier", "waiting"]]);
  calls[0].resolve({ id: 1 });
  await tick();
  assert.equal(calls.length, 2);
  assert.equal(calls[1].text, "Je regarde votre dossier");
  calls[1].resolve({ id: 2 });
  await tick();
  assert.deepEqual(sent, [{ id: 1 }, { id: 2 }]);
  assert.equal(outbox.items.length, 0);
  assert.equal(localStorage.getItem("out"), null);
});

test("a cut keeps the message with its id, through a reload, and sends it again when the socket is back", async () => {
  const socket = new FakeSocket();
  const { calls, send } = manualSend();
  const outbox = new ChatOutbox({ socket, send, key: "out" });
  outbox.push("Votre commande part demain");
  await tick();
  const id = calls[0].id;
  socket.connected = false;
  calls[0].reject(new Error("Connexion au serveur interrompue."));
  await tick();
  assert.deepEqual(outbox.items.map((m) => m.state), ["waiting"]);
  // A reload: a new outbox finds it in localStorage.
  const socket2 = new FakeSocket();
  socket2.connected = false;
  const again = manualSend();
  const reloaded = new ChatOutbox({ socket: socket2, send: again.send, key: "out" });
  assert.deepEqual(reloaded.items, [{ id, text: "Votre commande part demain", state: "waiting" }]);
  assert.equal(again.calls.length, 0);
  socket2.back();
  await tick();
  assert.equal(again.calls.length, 1);
  assert.equal(again.calls[0].id, id, "same client_msg_id: the server keeps one message");
});

test("a refusal drops the message and gives its text back with the server's words", async () => {
  const socket = new FakeSocket();
  const { calls, send } = manualSend();
  const outbox = new ChatOutbox({ socket, send });
  const refused = [];
  outbox.addEventListener("refused", (ev) => refused.push(ev.detail));
  outbox.push("trop tard");
  outbox.push("suivant");
  await tick();
  calls[0].reject(Object.assign(new Error("La discussion est close."), { refused: true }));
  await tick();
  assert.deepEqual(refused, [{ text: "trop tard", message: "La discussion est close." }]);
  assert.equal(calls.length, 2, "the next one still goes");
  assert.equal(calls[1].text, "suivant");
});
