import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { Autosaver } from "../../softphone_web/js/cti/autosave.js";
import { installFakeStorage } from "./fake-storage.js";

let storage;
beforeEach(() => {
  storage = installFakeStorage();
});

// A save the test answers by hand: calls[i].resolve(result) / .reject(err).
function manualSave() {
  const calls = [];
  const save = (value) =>
    new Promise((resolve, reject) => {
      calls.push({ value, resolve, reject });
    });
  return { calls, save };
}

function states(saver) {
  const seen = [];
  saver.addEventListener("state", (ev) => seen.push(ev.detail.state));
  return seen;
}

const tick = () => new Promise((r) => setImmediate(r));

test("each keystroke is kept locally until the server has it", async () => {
  const { calls, save } = manualSave();
  const saver = new Autosaver({ key: "draft:1", interval: 60_000, save });
  saver.changed("Bonjour", 3);
  assert.deepEqual(Autosaver.pending("draft:1").value, "Bonjour");
  assert.equal(Autosaver.pending("draft:1").base, 3);
  const done = saver.flush();
  await tick();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].value, "Bonjour");
  calls[0].resolve({ saved_at: "2026-06-01T09:00:00Z" });
  await done;
  assert.equal(Autosaver.pending("draft:1"), null);
  assert.equal(saver.state, "saved");
  saver.freeze();
});

test("one request at a time: what is typed during a save is sent after it, the latest text only", async () => {
  const { calls, save } = manualSave();
  const saver = new Autosaver({ key: "draft:2", interval: 60_000, save });
  saver.changed("a");
  const first = saver.flush();
  await tick();
  saver.changed("ab");
  saver.changed("abc");
  const second = saver.flush();
  await tick();
  assert.equal(calls.length, 1, "no second request while the first is in flight");
  calls[0].resolve({});
  await tick();
  await tick();
  assert.equal(calls.length, 2);
  assert.equal(calls[1].value, "abc");
  // The first answer came while "abc" was unsaved: the local copy stays.
  assert.equal(Autosaver.pending("draft:2").value, "abc");
  calls[1].resolve({});
  await Promise.all([first, second]);
  assert.equal(Autosaver.pending("draft:2"), null);
  saver.freeze();
});

test("a lost connection keeps the text dirty and says offline; a refusal for good freezes it", async () => {
  const { calls, save } = manualSave();
  const saver = new Autosaver({ key: "draft:3", interval: 60_000, save });
  const seen = states(saver);
  saver.changed("texte");
  let done = saver.flush();
  await tick();
  calls[0].reject(Object.assign(new Error("Connexion au serveur interrompue."), { paused: true }));
  await done;
  assert.equal(saver.state, "offline");
  assert.ok(saver.dirty);
  assert.equal(Autosaver.pending("draft:3").value, "texte");
  done = saver.flush();
  await tick();
  calls[1].reject(Object.assign(new Error("Le temps de rédaction est écoulé."), { final: true }));
  await done;
  assert.equal(saver.state, "refused");
  assert.deepEqual(seen, ["dirty", "saving", "offline", "saving", "refused"]);
  saver.changed("plus rien");
  await saver.flush();
  assert.equal(calls.length, 2, "nothing is sent once frozen");
  assert.equal(storage.size, 1);
});
