// The agent desktop's CRM without the DOM: its state (crm-desk-state.js) and the survey's
// answers sent one at a time per question, the latest last (latest-value-queue.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { agendaFromRecords, agreementInputs, bookingBody, bookingDialog, callbackFields, markTaken, needsSubject, orderInputs, simulationFor, slotsFromSimulations, storyNoon } from "../../softphone_web/js/crm-desk-state.js";
import { LatestValueQueue } from "../../softphone_web/js/latest-value-queue.js";

const RECORD = { id: "R1", civility: "M.", first_name: "Karim", last_name: "Haddad", appointments: [{ at: "2026-03-19T10:00" }], callbacks: [{ at: "2026-03-19T14:00" }] };
const SIMS = [
  { id: "s04", crm_record: "R1", appointment: { duration_minutes: 30, purpose: "Visite", qualification: ["budget"], representatives: [{ name: "Léa", area: "Lyon", slots: ["2026-03-19T10:00", "2026-03-19T11:00"] }] } },
  { id: "s05", crm_record: "R2" },
];

test("the agenda from the records, the slots from the subject, the slots taken", () => {
  const agenda = agendaFromRecords([RECORD], (r) => r.last_name);
  assert.deepEqual(agenda.map((a) => [a.kind, a.record_name, a.at]), [["rendez_vous", "Haddad", "2026-03-19T10:00"], ["rappel", "Haddad", "2026-03-19T14:00"]]);
  const slots = slotsFromSimulations(SIMS);
  assert.deepEqual(slots.map((s) => [s.representative, s.at, s.record_id]), [["Léa", "2026-03-19T10:00", "R1"], ["Léa", "2026-03-19T11:00", "R1"]]);
  assert.deepEqual(markTaken(slots, agenda).map((s) => s.taken), [true, false]);
  assert.deepEqual(markTaken(null, null), []);
});

test("a record's simulation: the screen pop's first; the callback's default and contact", () => {
  const pop = { id: "in1", crm_record: "R1" };
  assert.equal(simulationFor("R1", pop, SIMS), pop);
  assert.equal(simulationFor("R2", pop, SIMS), SIMS[1]);
  assert.equal(simulationFor("R9", null, SIMS), null);
  assert.equal(storyNoon("2026-03-17"), "2026-03-17T14:00");
  assert.equal(storyNoon(null, new Date("2026-06-01T08:00:00Z")), "2026-06-01T14:00");
  const fields = callbackFields(RECORD, "2026-03-17T14:00");
  assert.equal(fields.find((f) => f.name === "contact").value, "M. Karim Haddad");
});

test("a slot booked: its dialog and the appointment it asks for", () => {
  const slot = slotsFromSimulations(SIMS)[0];
  const dialog = bookingDialog(RECORD, slot, "M. Karim Haddad");
  assert.equal(dialog.message, "M. Karim Haddad — 2026-03-19 à 10:00");
  assert.equal(dialog.fields[1].label, "Qualification (budget)");
  assert.deepEqual(bookingBody(slot, { contact: "Karim", subject: "Budget 300 €." }), {
    kind: "rendez_vous",
    at: "2026-03-19T10:00",
    representative: "Léa",
    contact: "Karim",
    subject: "Visite avec Léa (Lyon). Budget 300 €.",
  });
});

test("answers: one request at a time per question, only the latest waiting value is sent next", async () => {
  const queue = new LatestValueQueue();
  const sent = [];
  const held = [];
  const send = (value) => new Promise((resolve) => { sent.push(value); held.push(resolve); });
  const first = queue.send("s05/q1", "a", send);
  await queue.send("s05/q1", "b", send); // waits: returns at once
  await queue.send("s05/q1", "c", send); // replaces "b"
  const other = queue.send("s05/q2", "x", send); // another question: not held back
  assert.deepEqual(sent, ["a", "x"]);
  held[0]();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent, ["a", "x", "c"]);
  held[1]();
  held[2]();
  await Promise.all([first, other]);
  assert.equal(queue.waiting.size, 0);
});

test("the actions that read the subject wait for it, and what they read from it", () => {
  assert.deepEqual(["note", "callback", "order", "agreement"].filter(needsSubject), ["callback", "order", "agreement"]);
  const subject = { story_date: "2026-03-17", catalogue: [{ ref: "JDL-P110" }] };
  const sim = { id: "s09", crm_record: "R1", order: { items: ["JDL-P110"] }, collection: { plans: [{ label: "3 fois" }] } };
  assert.deepEqual(orderInputs(subject, sim), { catalogue: subject.catalogue, desk: sim.order });
  assert.deepEqual(agreementInputs(subject, sim), { collection: sim.collection, storyDate: "2026-03-17" });
  assert.deepEqual(orderInputs(null, null), { catalogue: [], desk: null });
  assert.deepEqual(agreementInputs(null, null), { collection: null, storyDate: null });
});
