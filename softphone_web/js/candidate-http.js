// What the server's HTTP routes answer the candidate's page, as far as the page reads them
// (typedefs only; the models are server/progress/schemas.py, server/writing/schemas.py,
// server/crm/schemas.py). The dumps of the pack (`Record<string, any>`) are typed where read.

/**
 * GET /api/candidates/{id}/subject (`CandidateSubjectOut`).
 * @typedef {object} CandidateSubject
 * @property {string} id
 * @property {string} name
 * @property {string} story_date The story's day (ISO 8601 date).
 * @property {Record<string, any>} company
 * @property {({ id: string, name: string } & Record<string, any>)[]} principals The principals (lines) it serves.
 * @property {DossierDocument[]} dossier The dossier's documents.
 * @property {Record<string, any>[]} catalogue The catalogue's items.
 * @property {Record<string, any>[]} crm The CRM records as seeded.
 * @property {PublicSimulation[]} simulations The outbound and chat simulations' public part.
 * @property {WritingTask[]} writing_tasks The written briefs; empty while sealed.
 * @property {boolean} writing_sealed
 * @property {string} format_name
 */

/**
 * A simulation's public part (`SimulationPublic`), as the subject lists it or a screen pop gives
 * it: what the page reads of it.
 * @typedef {{ id: string, kind?: string, principal?: string, crm_record?: string | null, survey?: import("./cti/survey-form.js").Survey | null, order?: any, collection?: any, appointment?: Appointment | null } & Record<string, any>} PublicSimulation
 */

/**
 * A simulation's booking desk: its representatives' free slots.
 * @typedef {{ purpose: string, duration_minutes: number, qualification: string[], representatives: { name: string, area: string, slots: string[] }[] }} Appointment
 */

/**
 * A document of the dossier (`DossierDocument`: its HTML rendered by the server).
 * @typedef {{ id: string, title: string, html: string, kind?: string } & Record<string, any>} DossierDocument
 */

/**
 * A written brief (`WritingTaskPublic`).
 * @typedef {{ id: string, channel: string, brief: string, replaced?: boolean } & Record<string, any>} WritingTask
 */

/**
 * A reply (`DraftOut`).
 * @typedef {object} DraftOut
 * @property {string} task_id
 * @property {string} channel
 * @property {Record<string, unknown>} content
 * @property {number} version 0: never saved.
 * @property {string | null} saved_at
 * @property {boolean} frozen
 * @property {string} brief
 * @property {boolean} replaced
 */

/**
 * GET …/writing/drafts (`DraftsOut`).
 * @typedef {{ frozen: boolean, writable: boolean, drafts: DraftOut[] }} DraftsOut
 */

/**
 * A CRM record of the candidate's copy (`CrmRecordOut`: extra keys allowed).
 * @typedef {{ id: string, version: number } & Record<string, any>} CrmRecord
 */

/**
 * What a change to a record answers (`CrmMutationOut`).
 * @typedef {{ record: CrmRecord, replayed: boolean, changes: Record<string, any>[] }} CrmMutation
 */

/**
 * A representative's slot (`SlotOut`; the page makes them from the subject until the server's
 * agenda answers).
 * @typedef {{ representative: string, area: string, at: string, duration_minutes: number, purpose: string, qualification: string[], record_id: string | null | undefined, taken?: boolean }} Slot
 */

/**
 * GET …/crm/agenda (`AgendaOut`).
 * @typedef {{ items: Record<string, any>[], slots: Slot[] }} Agenda
 */

/**
 * GET …/crm/surveys/{simulation} (`SurveyOut`).
 * @typedef {{ simulation_id: string, survey: Record<string, any>, answers: Record<string, import("./cti/survey-form.js").SurveyAnswer> }} SurveyOut
 */

export {};
