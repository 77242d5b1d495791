// What the CRM's record actions do on the agent desktop (candidate-crm.js asks them): a contact
// note, a callback or an appointment, an order and a payment agreement, each through its
// dialog or form, then saved by the desk (its `_do`: the server's answer, or its refusal in
// French); and a slot of the agenda booked for the record open.
import { recordName } from "./cti/crm-record.js";
import {
  SUBJECT_LOADING,
  agreementInputs,
  bookingBody,
  bookingDialog,
  callbackFields,
  needsSubject,
  noteFields,
  orderInputs,
} from "./crm-desk-state.js";

/** @typedef {import("./candidate-crm.js").CrmDesk} CrmDesk */
/** @typedef {import("./candidate-http.js").CrmMutation} CrmMutation */
/** @typedef {import("./candidate-http.js").Slot} Slot */

/**
 * A record's action (the record's buttons: note, callback, order, agreement). Those that read
 * the subject (the story's day, the catalogue, the record's simulation and its collection) wait
 * for it when the records came first, the record saying so: one click, one form, with what the
 * subject holds (never the defaults of an empty page).
 * @param {CrmDesk} desk
 * @param {{ action: string, id: string }} detail
 */
export async function recordAction(desk, { action, id }) {
  if (!desk.records.get(id)) return;
  if (!needsSubject(action)) {
    await runAction(desk, action, id);
    return;
  }
  await desk.subjectGate.when(`${action}:${id}`, () => runAction(desk, action, id), {
    onWait: () => (desk.view.message = SUBJECT_LOADING),
    onReady: () => {
      if (desk.view.messageText === SUBJECT_LOADING) desk.view.message = "";
    },
  });
}

/**
 * @param {CrmDesk} desk
 * @param {string} action
 * @param {string} id
 */
async function runAction(desk, action, id) {
  const r = desk.records.get(id); // read now: a fresher copy may have come while waiting
  if (!r) return;
  const sim = desk._simulationFor(id);
  if (action === "note") {
    const v = await desk.dialog.ask({
      title: "Note de contact",
      message: recordName(r),
      confirm: "Enregistrer la note",
      fields: noteFields(),
    });
    if (v && (await desk._do("Note", () => desk.api.note(id, { ...v })))) desk.onNote?.(id, String(v.summary));
  } else if (action === "callback") {
    const v = await desk.dialog.ask({
      title: "Rappel ou rendez-vous",
      message: recordName(r),
      confirm: "Planifier",
      fields: callbackFields(r, desk._storyNoon()),
    });
    if (v) await desk._do("Rendez-vous", () => desk.api.appointment(id, { ...v }), v.kind === "rappel" ? "Rappel planifié." : "Rendez-vous planifié.");
  } else if (action === "order") {
    const result = await desk.orderForm.ask({ record: r, ...orderInputs(desk.subject, sim) });
    if (result) {
      const { totals, ...body } = result;
      await desk._do("Commande", () => desk.api.order(id, { ...body }));
    }
  } else if (action === "agreement") {
    // The form sends it itself and stays open on a refusal (the negotiated schedule is kept).
    /** @type {CrmMutation | null} */
    let saved = null;
    await desk.paymentForm.ask({
      record: r,
      ...agreementInputs(desk.subject, sim),
      save: async (body) => (saved = await desk.api.agreement(id, body)),
    });
    const agreement = saved;
    if (agreement) await desk._do("Accord de paiement", async () => agreement);
  }
}

/**
 * A slot picked in the agenda, booked for the record open (else the slot's own record).
 * @param {CrmDesk} desk
 * @param {Slot} slot
 */
export async function bookSlot(desk, slot) {
  const id = desk.current || slot.record_id;
  const r = id ? desk.records.get(id) : undefined;
  if (!id || !r) return;
  const v = await desk.dialog.ask(bookingDialog(r, slot, recordName(r)));
  if (!v) return;
  await desk._do("Rendez-vous", () => desk.api.appointment(id, bookingBody(slot, v)));
}
