// The custom elements get their data from the page controller (a property, an attribute, an
// event) rather than fetching it themselves: no module of components/, cti/ or jury/ imports
// api.js but those listed here, which still do (each one a piece of work left: move its reads
// to the page controller, as juror-feeds.js does for <simulation-progress> and
// <recordings-panel>, then take it off the list). A module that starts fetching fails here.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = new URL("../../softphone_web/js/", import.meta.url).pathname;

// (None left: every element of components/, cti/ and jury/ gets its data from its page.)
/** @type {Set<string>} */
const STILL_FETCHING = new Set([]);

function importersOfApi() {
  const out = new Set();
  for (const dir of ["components", "cti", "jury"]) {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (!name.endsWith(".js")) continue;
      const text = readFileSync(join(ROOT, dir, name), "utf8");
      if (/from\s+["']\.\.\/api\.js["']/.test(text)) out.add(`${dir}/${name}`);
    }
  }
  return out;
}

test("no component fetches but those still listed", () => {
  const found = importersOfApi();
  const unexpected = [...found].filter((f) => !STILL_FETCHING.has(f)).sort();
  assert.deepEqual(unexpected, [], "these modules import api.js: give the controller their reads");
});

test("the list holds no module that stopped fetching", () => {
  const found = importersOfApi();
  const stale = [...STILL_FETCHING].filter((f) => !found.has(f)).sort();
  assert.deepEqual(stale, [], "these modules fetch nothing any more: take them off the list");
});
