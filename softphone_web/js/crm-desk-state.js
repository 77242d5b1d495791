// What the agent desktop's CRM (candidate-crm.js) works out without the DOM (tested by node in
// tests/js): what each action says once saved, the agenda read from the records while the
// server's is unreachable, the booking slots from the subject and which are taken, the
// simulation of a record, and the dialogs' fields (a contact note, a callback or appointment,
// a slot booked) with the request a booked slot makes.
//
//   slotsFromSimulations(subject.simulations)   // the slots each simulation offers
//   markTaken(slots, agendaItems)               // the same, each with `taken`

// The shapes of candidate-http.js this module reads (written out here: that module's types
// reach the survey form's element, which has a DOM).
/** @typedef {{ id: string } & Record<string, any>} CrmRecord a CRM record (`record_out`) */
/**
 * A simulation's public part, as far as its booking goes.
 * @typedef {{ purpose: string, duration_minutes: number, qualification: string[], representatives: { name: string, area: string, slots: string[] }[] }} Appointment
 * @typedef {{ id: string, crm_record?: string | null, appointment?: Appointment | null }} PublicSimulation
 */
/** @typedef {{ representative: string, area: string, at: string, duration_minutes: number, purpose: string, qualification: string[], record_id: string | null | undefined, taken?: boolean }} Slot */

// What each CRM action says once the server has it.
/** @type {Record<string, string | undefined>} */
export const DONE = {
  Fiche: "Fiche enregistrée.",
  Note: "Note enregistrée.",
  "Rendez-vous": "Rendez-vous planifié.",
  Commande: "Commande enregistrée.",
  "Accord de paiement": "Accord de paiement enregistré.",
};

/**
 * The agenda as the records hold it (their appointments and callbacks).
 * @param {Iterable<CrmRecord>} records
 * @param {(record: CrmRecord) => string} nameOf
 * @returns {Record<string, any>[]}
 */
export function agendaFromRecords(records, nameOf) {
  /** @type {Record<string, any>[]} */
  const out = [];
  for (const r of records) {
    for (const a of r.appointments || []) out.push({ ...a, kind: "rendez_vous", record_id: r.id, record_name: nameOf(r) });
    for (const a of r.callbacks || []) out.push({ ...a, kind: "rappel", record_id: r.id, record_name: nameOf(r) });
  }
  return out;
}

/**
 * The slots the subject's simulations offer (until the server's agenda answers).
 * @param {PublicSimulation[]} simulations
 * @returns {Slot[]}
 */
export function slotsFromSimulations(simulations) {
  /** @type {Slot[]} */
  const slots = [];
  for (const s of simulations) {
    const booking = s.appointment;
    if (!booking) continue;
    for (const rep of booking.representatives) {
      for (const at of rep.slots) {
        slots.push({ representative: rep.name, area: rep.area, at, duration_minutes: booking.duration_minutes, record_id: s.crm_record, purpose: booking.purpose, qualification: booking.qualification });
      }
    }
  }
  return slots;
}

/**
 * The slots, each with `taken` when the agenda has something at that minute.
 * @param {Slot[] | null | undefined} slots
 * @param {Array<{ at?: unknown }> | null | undefined} agendaItems
 */
export function markTaken(slots, agendaItems) {
  const taken = new Set((agendaItems || []).map((a) => String(a.at).slice(0, 16)));
  return (slots || []).map((s) => ({ ...s, taken: taken.has(String(s.at).slice(0, 16)) }));
}

/**
 * 14:00 on the story's day (today without one): the callback dialog's default.
 * @param {string | null | undefined} storyDate
 * @param {Date} [today]
 */
export function storyNoon(storyDate, today = new Date()) {
  const day = storyDate || today.toISOString().slice(0, 10);
  return `${day}T14:00`;
}

/**
 * The simulation a record belongs to: the screen pop's, else the subject's.
 * @template {PublicSimulation} S
 * @param {string} recordId
 * @param {S | null | undefined} pop
 * @param {S[]} simulations
 * @returns {S | null}
 */
export function simulationFor(recordId, pop, simulations) {
  if (pop && pop.crm_record === recordId) return pop;
  return simulations.find((s) => s.crm_record === recordId) || null;
}

/** @param {CrmRecord} r the record's contact, « M. Karim Haddad » */
export function contactName(r) {
  return [r.civility, r.first_name, r.last_name].filter(Boolean).join(" ");
}

/** The contact note's fields. */
export function noteFields() {
  return [
    { name: "channel", label: "Canal", type: "select", options: [
      { value: "telephone", label: "Téléphone" }, { value: "chat", label: "Chat" },
      { value: "courriel", label: "Courriel" }, { value: "courrier", label: "Courrier" }, { value: "sms", label: "SMS" },
    ] },
    { name: "summary", label: "Note", type: "textarea", required: true },
  ];
}

/**
 * The callback or appointment's fields.
 * @param {CrmRecord} r
 * @param {string} at the default instant (datetime-local)
 */
export function callbackFields(r, at) {
  return [
    { name: "kind", label: "Type", type: "select", options: [
      { value: "rappel", label: "Rappel téléphonique" }, { value: "rendez_vous", label: "Rendez-vous" },
    ] },
    { name: "at", label: "Date et heure", type: "datetime-local", required: true, value: at },
    { name: "contact", label: "Interlocuteur", type: "text", value: contactName(r) },
    { name: "subject", label: "Objet", type: "textarea", required: true },
  ];
}

/**
 * A slot's booking dialog: its title, its message and its fields.
 * @param {CrmRecord} r
 * @param {Slot} slot
 * @param {string} name the record's name
 */
export function bookingDialog(r, slot, name) {
  return {
    title: `Rendez-vous avec ${slot.representative}`,
    message: `${name} — ${String(slot.at).replace("T", " à ").slice(0, 18)}`,
    confirm: "Réserver le créneau",
    fields: [
      { name: "contact", label: "Interlocuteur", type: "text", required: true, value: contactName(r) },
      { name: "subject", label: `Qualification (${(slot.qualification || []).join(", ")})`, type: "textarea", required: true },
    ],
  };
}

/**
 * The appointment a booked slot asks the server for.
 * @param {Slot} slot
 * @param {{ contact?: unknown, subject?: unknown }} v the dialog's values
 */
export function bookingBody(slot, v) {
  return {
    kind: "rendez_vous",
    at: String(slot.at).slice(0, 16),
    representative: slot.representative,
    contact: v.contact,
    subject: `${slot.purpose} avec ${slot.representative} (${slot.area}). ${v.subject}`,
  };
}

// What a record's action reads from the subject (and the record's simulation): those wait for
// the subject when the records came first (subject-gate.js), the note does not.
const NEEDS_SUBJECT = new Set(["callback", "order", "agreement"]);

/** @param {string} action a record's action (note, callback, order, agreement) */
export function needsSubject(action) {
  return NEEDS_SUBJECT.has(action);
}

// What the record says while an action waits for the subject (the click is kept).
export const SUBJECT_LOADING = "Chargement du sujet… le formulaire s'ouvre dès qu'il est là.";

/**
 * The order form's catalogue and desk: the subject's catalogue, the simulation's desk.
 * @param {{ catalogue?: any[] | null } | null | undefined} subject
 * @param {{ order?: unknown } | null | undefined} sim
 */
export function orderInputs(subject, sim) {
  return { catalogue: subject?.catalogue || [], desk: sim?.order || null };
}

/**
 * The payment form's collection (its plans, methods, amount due) and the story's day.
 * @param {{ story_date?: string | null } | null | undefined} subject
 * @param {{ collection?: unknown } | null | undefined} sim
 */
export function agreementInputs(subject, sim) {
  return { collection: sim?.collection || null, storyDate: subject?.story_date ?? null };
}
