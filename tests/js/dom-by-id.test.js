// byId (components/dom.js): a node the page's HTML must hold. A missing or different node is
// said at once by its id, not as « cannot read properties of null » somewhere later.
import assert from "node:assert/strict";
import { test } from "node:test";

class FakeElement {}
class FakeHTMLElement extends FakeElement {}
class FakeInput extends FakeHTMLElement {}

/** @type {Record<string, FakeElement>} */
const nodes = { name: new FakeInput(), title: new FakeHTMLElement(), icon: new FakeElement() };
Object.assign(globalThis, {
  HTMLElement: FakeHTMLElement,
  document: { getElementById: (/** @type {string} */ id) => nodes[id] || null },
});
const { byId } = await import("../../softphone_web/js/components/dom.js");

test("byId answers the node when it is there and of the class asked", () => {
  assert.equal(byId("title"), nodes.title);
  assert.equal(byId("name", FakeInput), nodes.name);
});

test("byId names a node missing from the page", () => {
  assert.throws(() => byId("absent"), { message: "#absent manque dans la page" });
});

test("byId names a node of another class than the one asked (an HTMLElement by default)", () => {
  assert.throws(() => byId("title", FakeInput), { message: "#title n'est pas un FakeInput" });
  assert.throws(() => byId("icon"), { message: "#icon n'est pas un FakeHTMLElement" });
});
