// Generated from the app's OpenAPI schema by `python -m server.http_catalogue`:
// do not edit by hand (docs/http.schema.json holds the same models as JSON Schema,
// and which route takes and answers which; tests/web/test_http_catalogue.py fails when
// this file is out of date). Typedefs only: name the answer where it is read, e.g.
// `/** @type {import("./types/http.js").SessionOut[]} */
// const sessions = await api("GET", "/api/sessions");` (api() takes T from there).

/**
 * Extra time on every timed phase: planned × (1 + extra_ratio) + extra_minutes. Interviews
 * keep their planned duration: the jury opens and closes them.
 * @typedef {object} Accommodation
 * @property {string} extra_ratio
 * @property {number} extra_minutes
 * @property {string} note
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/timeline/accommodation`.
 * @typedef {object} AccommodationIn
 * @property {boolean} [tiers_temps]
 * @property {number} [extra_percent]
 * @property {number} [extra_minutes]
 * @property {string} [note]
 */

/**
 * @typedef {object} Address
 * @property {string} street
 * @property {string} postcode
 * @property {string} city
 */

/**
 * @typedef {object} AddressIn
 * @property {string | null} [street]
 * @property {string | null} [postcode]
 * @property {string | null} [city]
 */

/**
 * An appointment or a callback of a record (`server.crm.agenda.agenda`).
 * @typedef {object} AgendaItemOut
 * @property {string} at YYYY-MM-DDTHH:MM.
 * @property {string} contact
 * @property {string} subject
 * @property {string} kind rendez_vous or rappel.
 * @property {string} record_id
 * @property {string} record_name
 * @property {string | null} representative An appointment's representative, if any.
 */

/**
 * Answer of `GET /api/candidates/{candidate_id}/crm/agenda`.
 * @typedef {object} AgendaOut
 * @property {Array<AgendaItemOut>} items By time, then record.
 * @property {Array<SlotOut>} slots
 */

/**
 * @typedef {object} AgreedInstallment
 * @property {string} date
 * @property {string} amount
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/crm/records/{record_id}/agreements`.
 * @typedef {object} AgreementIn
 * @property {string | null} [client_id]
 * @property {string} plan
 * @property {string | number | boolean | null} amount
 * @property {string | null} [first_date]
 * @property {Array<InstallmentIn> | null} [installments]
 * @property {string} [payment_method]
 * @property {Array<string> | null} [invoices]
 * @property {string} [note]
 */

/**
 * The French aid's engines (`server.writing.spelling.engines`).
 * @typedef {object} AidOut
 * @property {string} spelling
 * @property {string | null} spelling_fallback
 * @property {string | null} grammar
 * @property {string | null} grammar_absent
 */

/**
 * Body of `PUT
 * /api/candidates/{candidate_id}/crm/surveys/{simulation_id}/answers/{question_id}`.
 * @typedef {object} AnswerIn
 * @property {any} value
 */

/**
 * An answer as saved (`server.crm.survey.answer`).
 * Answer of `PUT
 * /api/candidates/{candidate_id}/crm/surveys/{simulation_id}/answers/{question_id}`.
 * @typedef {object} AnswerOut
 * @property {string} simulation_id
 * @property {string} question_id
 * @property {any} value The answer (any JSON value).
 */

/**
 * @typedef {object} Appointment
 * @property {string} at
 * @property {string} contact
 * @property {string} subject
 */

/**
 * The field sales representatives' free slots, for a prospecting appointment.
 * @typedef {object} AppointmentBooking
 * @property {string} purpose
 * @property {number} duration_minutes
 * @property {Array<Representative>} representatives
 * @property {Array<string>} qualification
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/crm/records/{record_id}/appointments`.
 * @typedef {object} AppointmentIn
 * @property {string | null} [client_id]
 * @property {string} [kind]
 * @property {string} at
 * @property {string} [contact]
 * @property {string} subject
 * @property {string | null} [representative]
 */

/**
 * One of a juror's candidates: whether the juror plays the client or observes.
 * Answer of `GET /api/jury/assignments` (a list of them).
 * @typedef {object} AssignmentOut
 * @property {string} candidate_id
 * @property {string} name
 * @property {Capacity} capacity
 * @property {number} position
 */

/**
 * Body of `PUT /api/sessions/{session_id}/candidates/{candidate_id}/jury`.
 * @typedef {object} AssignmentSet
 * @property {string} juror_id
 * @property {Capacity} capacity
 */

/**
 * `base`: the version the juror saw (null: none yet). Given, the server refuses (409) a change
 * made on a version the other juror replaced meanwhile; omitted, no check.
 * @typedef {object} BasedOn
 * @property {VersionSeen | null} [base]
 */

/**
 * What keeps the rules from deciding (`server.core.wiring.Blocking`); `any_of` and `label` for
 * a missing piece of the file only.
 * @typedef {object} BlockingOut
 * @property {string} kind proposal, competence or a piece of the file.
 * @property {string | null} code
 * @property {string} text Why (French).
 * @property {Array<string> | null} [any_of] The pieces any of which do.
 * @property {string | null} [label] The missing piece (French).
 */

/**
 * A call as the pages show it (`server.telephony.service.call_out`).
 * Answer of `GET /api/candidates/{candidate_id}/calls` (a list of them).
 * @typedef {object} CallOut
 * @property {string} id
 * @property {string | null} simulation_id The simulation it plays.
 * @property {string} direction inbound or outbound.
 * @property {string} state sonnerie, en_ligne, en_attente, termine, manque or refuse.
 * @property {string} number The other party's number as displayed.
 * @property {string | null} crm_record_id The CRM record of the caller, if any.
 * @property {string} rang_at When it started ringing (ISO 8601).
 * @property {string | null} answered_at ISO 8601.
 * @property {string | null} ended_at ISO 8601.
 * @property {string | null} ended_by candidate, client or system.
 * @property {number} held_seconds Time on hold so far, not counting a hold going on.
 * @property {string | null} hold_started_at ISO 8601, while on hold.
 * @property {boolean} needs_wrap_up The candidate must qualify it (`call.wrap_up`).
 * @property {string | null} disposition The qualification's code, once qualified.
 * @property {string | null} disposition_label Its label (French).
 * @property {string | null} disposition_note The candidate's note with it.
 */

/**
 * The candidate as corrected, and the documents issued again because they name them.
 * Answer of `PATCH /api/sessions/{session_id}/candidates/{candidate_id}`.
 * @typedef {object} CandidateCorrected
 * @property {CandidateOut} candidate
 * @property {Array<IssuedOut>} reissued
 */

/**
 * Only what changes; names as on the candidate's identity document.
 * Body of `PATCH /api/sessions/{session_id}/candidates/{candidate_id}`.
 * @typedef {object} CandidateCorrection
 * @property {string | null} [last_name]
 * @property {string | null} [first_name]
 * @property {Pathway | null} [pathway]
 */

/**
 * Body of `POST /api/sessions/{session_id}/candidates`.
 * @typedef {object} CandidateCreate
 * @property {string} last_name
 * @property {string} first_name
 * @property {Pathway} [pathway]
 */

/**
 * @typedef {object} CandidateDocument
 * @property {string} id
 * @property {DossierKind} kind
 * @property {string} title
 * @property {string} text
 * @property {string} html
 */

/**
 * @typedef {object} CandidateDocuments
 * @property {string} id
 * @property {string} name
 * @property {string} pathway_label
 * @property {string | null} decision
 * @property {string} decision_label
 * @property {string | null} livret_unavailable
 * @property {Object<string, string>} previews
 * @property {string} archive
 * @property {Object<string, Array<IssuedOut>>} issued
 */

/**
 * One candidate on the consoles: timeline, connection, the last 50 incidents.
 * @typedef {object} CandidateLive
 * @property {TimelineState} timeline
 * @property {boolean} connected
 * @property {string | null} connected_since
 * @property {Array<IncidentOut>} incidents
 */

/**
 * Answer of `POST /api/sessions/{session_id}/candidates`.
 * @typedef {object} CandidateOut
 * @property {string} id
 * @property {string} last_name
 * @property {string} first_name
 * @property {string} display_name
 * @property {Pathway} pathway
 * @property {string} pathway_label
 * @property {number} position
 * @property {string | null} client_juror_id
 * @property {string | null} observer_juror_id
 */

/**
 * Everything a candidate obtained, whatever the session (a person, not a session seat).
 * @typedef {object} CandidateRecord
 * @property {string} candidate_id
 * @property {Array<ObtainedCcp>} [ccps]
 * @property {Array<TitleAward>} [titles]
 * @property {Array<CcsAward>} [ccs]
 */

/**
 * The subject as the candidate may read it (`server.progress.subject.candidate_subject`): the
 * pack's candidate view (`CandidatePack`, dumped as JSON), inbound simulations left out, the
 * written briefs from the start of the rédaction only.
 * Answer of `GET /api/candidates/{candidate_id}/subject`.
 * @typedef {object} CandidateSubjectOut
 * @property {string} id The pack.
 * @property {string} name
 * @property {string} version
 * @property {string | null} format The exam format the subject is cut to.
 * @property {string} story_date The story's day (ISO 8601 date).
 * @property {Company} company The company of the story.
 * @property {Array<Principal>} principals The principals (lines) it serves.
 * @property {Array<CandidateDocument>} dossier The dossier's documents.
 * @property {Array<CatalogueItem>} catalogue The catalogue's items.
 * @property {Array<CrmRecord>} crm The CRM records as seeded.
 * @property {Array<SimulationPublic>} simulations The outbound and chat simulations' public part.
 * @property {Array<WritingTaskPublic>} writing_tasks The written briefs; empty while sealed.
 * @property {boolean} writing_sealed The briefs are sealed until the rédaction.
 * @property {string} format_name The format's name (French).
 */

/**
 * What a juror does for one candidate.
 * @typedef {"client" | "observer"} Capacity
 */

/**
 * @typedef {object} CatalogueItem
 * @property {string} ref
 * @property {string} principal
 * @property {string} label
 * @property {string} price
 * @property {string} vat_rate
 * @property {string} [unit]
 * @property {boolean} [available]
 * @property {string} [description]
 */

/**
 * Answer of `GET /api/catalogue`.
 * @typedef {object} CatalogueOut
 * @property {Array<TitleOut>} titles
 * @property {Array<PackOut>} packs
 * @property {Array<string>} problems
 */

/**
 * @typedef {object} CcsAward
 * @property {string} title_id
 * @property {string} ccs
 * @property {string} obtained_on
 * @property {string} session_id
 */

/**
 * The seat's evidence, the decision in force, the person's record and what remains.
 * Answer of `GET /api/candidates/{candidate_id}/certification`.
 * @typedef {object} CertificationSummary
 * @property {string | null} person_id
 * @property {Array<string>} evidence
 * @property {boolean | null} from_training
 * @property {Array<string>} declarable
 * @property {StoredDecision | null} decision
 * @property {number | null} decision_version
 * @property {number | null} signed_version
 * @property {boolean} final_interview_due
 * @property {CandidateRecord | null} record
 * @property {Plan} plan
 */

/**
 * @typedef {"courriel" | "courrier" | "sms"} Channel
 */

/**
 * One message of the conversation (`server.chat.service.message_out`).
 * Answer of `GET /api/candidates/{candidate_id}/chat` (a list of them).
 * @typedef {object} ChatMessageOut
 * @property {string} id
 * @property {number} seq Its number in the conversation (from 1, no gap).
 * @property {string | null} simulation_id The chat simulation it belongs to.
 * @property {string} author candidate or client.
 * @property {string} text
 * @property {string} at When it was sent (ISO 8601).
 * @property {string} client_msg_id The sender's id of it (a resend is the same one).
 */

/**
 * A closed exam: why, when, by whom, in which phase, and what it does to the outcome.
 * @typedef {object} Closure
 * @property {string} at
 * @property {string | null} by
 * @property {PhaseKind} phase
 * @property {string} phase_label
 * @property {StopReason} reason
 * @property {string} reason_label
 * @property {string} comment
 * @property {boolean} decision_allowed
 * @property {boolean} new_sitting
 * @property {string} outcome
 */

/**
 * Body of `POST /api/auth/code`.
 * @typedef {object} CodeLogin
 * @property {string} code
 */

/**
 * Answer of `GET /api/sessions/{session_id}/codes` (a list of them), `POST
 * /api/sessions/{session_id}/participants/{participant_id}/code`.
 * @typedef {object} CodeOut
 * @property {string} participant_id
 * @property {Role} role
 * @property {string} role_label
 * @property {string} display_name
 * @property {string} code
 * @property {string} [sign_in_url]
 */

/**
 * The debt (unpaid invoices of the popped record) and the plans the procedure allows.
 * @typedef {object} Collection
 * @property {Array<string>} invoices
 * @property {string} amount_due
 * @property {Array<PaymentPlan>} plans
 * @property {Array<string>} payment_methods
 */

/**
 * The contact centre the candidate works for.
 * @typedef {object} Company
 * @property {string} name
 * @property {string} activity
 * @property {string} city
 */

/**
 * What the marks say of a professional competence.
 * @typedef {object} CompetenceStatusOut
 * @property {string} code
 * @property {string} name
 * @property {string} ccp
 * @property {string} status acquise, non_acquise or non_evaluee.
 * @property {Object<string, number>} counts Marks by value (acquis, non_acquis…).
 */

/**
 * Marketing consent per channel (RGPD); contract communications do not need it.
 * @typedef {object} Consent
 * @property {boolean} [email]
 * @property {boolean} [sms]
 * @property {boolean} [phone]
 */

/**
 * @typedef {object} ConsentIn
 * @property {boolean} [email]
 * @property {boolean} [sms]
 * @property {boolean} [phone]
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/crm/records/{record_id}/notes`.
 * @typedef {object} ContactNoteIn
 * @property {string | null} [client_id]
 * @property {string} [channel]
 * @property {string} summary
 */

/**
 * @typedef {object} Contract
 * @property {string} ref
 * @property {string} label
 * @property {string | null} [catalogue_ref]
 * @property {string} start
 * @property {string | null} [end]
 * @property {string | null} [monthly_price]
 * @property {ContractStatus} [status]
 */

/**
 * @typedef {"actif" | "suspendu" | "resilie" | "expire"} ContractStatus
 */

/**
 * A reply's length (`server.writing.service.counts`); the SMS fields for an SMS only.
 * @typedef {object} CountsOut
 * @property {number} characters
 * @property {number} words
 * @property {string | null} [encoding] SMS: GSM-7 or UCS-2.
 * @property {number | null} [units] SMS: the encoding's units.
 * @property {number | null} [segments] SMS: how many messages.
 * @property {number | null} [per_segment] SMS: units per message.
 * @property {Array<string> | null} [non_gsm] SMS: the non-GSM characters.
 */

/**
 * @typedef {object} CriterionOut
 * @property {number} index Its number in the competence (from 1).
 * @property {string} text The criterion word for word.
 * @property {boolean} watch The juror card asks to watch it.
 */

/**
 * A criterion of the referential: `criterion` is its exact text or its 1-based index within
 * the competence. A loaded pack always holds the exact text.
 * @typedef {object} CriterionRef
 * @property {string} competence
 * @property {number | string} criterion
 */

/**
 * One row of the CRM's change log (`server.crm.store.change_out`).
 * Answer of `GET /api/candidates/{candidate_id}/crm/changes` (a list of them).
 * @typedef {object} CrmChangeOut
 * @property {number} id
 * @property {string | null} record_id The record changed, if the change is to one.
 * @property {string} kind What kind of change (an edit, a creation, an answer…).
 * @property {string | null} field The field changed, if one.
 * @property {any} old Its value before (any JSON value).
 * @property {any} new Its value after (any JSON value).
 * @property {string} actor Who changed it.
 * @property {string} at When (ISO 8601).
 */

/**
 * What a change to a record answers (`server.crm.store.mutate`).
 * Answer of `PATCH /api/candidates/{candidate_id}/crm/records/{record_id}`, `POST
 * /api/candidates/{candidate_id}/crm/records/{record_id}/notes`, `POST
 * /api/candidates/{candidate_id}/crm/records/{record_id}/appointments`, `POST
 * /api/candidates/{candidate_id}/crm/records/{record_id}/orders`, `POST
 * /api/candidates/{candidate_id}/crm/records/{record_id}/agreements`.
 * @typedef {object} CrmMutationOut
 * @property {CrmRecordOut} record The record as it is now.
 * @property {boolean} replayed The same `client_id` was applied before: nothing new.
 * @property {Array<CrmChangeOut>} changes The change log's new rows.
 */

/**
 * @typedef {object} CrmRecord
 * @property {string} id
 * @property {RecordKind} kind
 * @property {string} principal
 * @property {"M." | "Mme" | ""} [civility]
 * @property {string} [last_name]
 * @property {string} [first_name]
 * @property {string} [company]
 * @property {string} [position]
 * @property {string | null} [birth_date]
 * @property {Array<Phone>} phones
 * @property {string | null} [email]
 * @property {Address | null} [address]
 * @property {string | null} [since]
 * @property {string} [segment]
 * @property {Array<Contract>} [contracts]
 * @property {Array<Order>} [orders]
 * @property {Array<Invoice>} [invoices]
 * @property {Array<Appointment>} [appointments]
 * @property {Array<HistoryEntry>} [history]
 * @property {Consent} [consent]
 * @property {string} [notes]
 */

/**
 * A record of the candidate's copy as stored (`server.crm.store.record_out`): the pack's
 * `CrmRecord` dumped as JSON, the copy's own lists and the row's version. A row written by an
 * older version keeps the keys and shapes it has (`address: [1, 2]` is served as it is): the
 * routes send the keys the row holds, no more (`response_model_exclude_unset`).
 * Answer of `GET /api/candidates/{candidate_id}/crm/records` (a list of them), `GET
 * /api/candidates/{candidate_id}/crm/records/{record_id}`.
 * @typedef {object} CrmRecordOut
 * @property {string} id
 * @property {number} version The row's version (a change moves it).
 * @property {string} [kind] client, prospect or utilisateur (RecordKind).
 * @property {string} [principal] The principal (line) it belongs to.
 * @property {string} [civility]
 * @property {string} [last_name]
 * @property {string} [first_name]
 * @property {string} [company]
 * @property {string} [position]
 * @property {string | null} [birth_date] ISO 8601 date.
 * @property {any} [phones] The numbers: [{display, digits}].
 * @property {string | null} [email]
 * @property {any} [address] {street, postcode, city} or null.
 * @property {string | null} [since] Customer since (ISO 8601 date).
 * @property {string} [segment]
 * @property {any} [contracts] The contracts (`Contract`).
 * @property {any} [orders] The orders (`Order`).
 * @property {any} [invoices] The invoices (`Invoice`).
 * @property {any} [appointments] The appointments made.
 * @property {any} [history] The contact notes (`HistoryEntry`).
 * @property {any} [consent] Marketing consent: {email, sms, phone}.
 * @property {string} [notes]
 * @property {any} [agreements] The payment agreements made.
 * @property {any} [callbacks] The callbacks planned.
 * @property {any} [bookings] The representatives' slots booked.
 */

/**
 * The signed decision's view: what a signed grid prints.
 * @typedef {object} DecidedOut
 * @property {number} version
 * @property {string | null} locked_at ISO 8601.
 * @property {Object<string, string>} competences The decision per competence: acquise or non_acquise.
 * @property {Object<string, boolean | null>} ccps The decision per CCP: granted or not.
 * @property {Array<TransversalDecidedOut>} transversal
 */

/**
 * The decision in force, as `service.decision_out` writes it: the stored decision (the rules'
 * `Decision`, same fields, same order), the person and the signed version, and French labels.
 * Answer of `POST /api/candidates/{candidate_id}/certification/decision`.
 * @typedef {object} DecisionOut
 * @property {string} candidate_id
 * @property {string} title_id
 * @property {string} title_version
 * @property {Pathway} pathway
 * @property {Sitting} sitting
 * @property {Outcome} outcome
 * @property {Array<ObtainedCcp>} [granted]
 * @property {Array<HeldCcp>} [held]
 * @property {Array<string>} [remaining]
 * @property {TitleAward | null} [title_award]
 * @property {CcsAward | null} [ccs_award]
 * @property {string} person_id
 * @property {number} deliberation_version
 * @property {string} outcome_label
 * @property {string} document
 * @property {string} document_label
 */

/**
 * A version of the deliberation (`server.evaluation.deliberation.deliberation_out`).
 * Answer of `GET /api/candidates/{candidate_id}/evaluation/deliberation` (a list of them),
 * `PUT /api/candidates/{candidate_id}/evaluation/deliberation`, `POST
 * /api/candidates/{candidate_id}/evaluation/deliberation/sign`.
 * @typedef {object} DeliberationOut
 * @property {string} id
 * @property {number} version
 * @property {Proposal} proposal The proposal: competences, CCPs, title, why.
 * @property {string} created_by
 * @property {string} created_at ISO 8601.
 * @property {Object<string, string>} signatures Juror id → when they signed (ISO 8601).
 * @property {boolean} locked
 * @property {string | null} locked_at ISO 8601, once both jurors signed.
 * @property {string | null} seal The hash the signatures bind.
 * @property {Object<string, string>} signed_seals Juror id → the seal they signed.
 * @property {Object<string, any> | null} bound What the seal binds besides the proposal.
 * @property {boolean} voided
 * @property {string | null} voided_at ISO 8601, when a change voided it.
 * @property {string | null} voided_reason
 */

/**
 * One dependency: its `status` ("ok" or "down") and what it counts (e.g. `down_for_s`, the
 * media workers' numbers): those vary with the dependency and are passed through.
 * @typedef {object} DependencyHealth
 * @property {string} status
 */

/**
 * The organiser's documents tab.
 * Answer of `GET /api/sessions/{session_id}/documents`.
 * @typedef {object} DocumentsOverview
 * @property {string} session_id
 * @property {Object<string, string>} kinds
 * @property {SessionDocuments} session
 * @property {Array<CandidateDocuments>} candidates
 */

/**
 * @typedef {"entreprise" | "offres" | "cgv" | "procedures" | "consignes" | "documentation"} DossierKind
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/writing/drafts/{task_id}`.
 * @typedef {object} DraftIn
 * @property {Object<string, string>} content
 * @property {number} base_version
 */

/**
 * A reply (`server.writing.service.draft_out`).
 * Answer of `PUT /api/candidates/{candidate_id}/writing/drafts/{task_id}`.
 * @typedef {object} DraftOut
 * @property {string} task_id
 * @property {string} channel The channel (courriel, sms, courrier…).
 * @property {Object<string, any>} content The reply's fields (the channel's shape).
 * @property {number} version 0: never saved.
 * @property {string | null} saved_at ISO 8601; None: never saved.
 * @property {boolean} frozen Final (the writing phase's deadline passed).
 * @property {string | null} sha256 The saved content's digest.
 * @property {CountsOut} counts
 * @property {number | null} max_length The brief's limit, if any.
 * @property {string} brief The task as the candidate reads it.
 * @property {boolean} replaced Its simulation was not played: the replacement brief.
 */

/**
 * The candidate's replies (`server.writing.service.drafts`).
 * Answer of `GET /api/candidates/{candidate_id}/writing/drafts`.
 * @typedef {object} DraftsOut
 * @property {boolean} frozen
 * @property {boolean} writable The writing phase is running.
 * @property {Array<DraftOut>} drafts
 */

/**
 * @typedef {"deadline" | "jury" | "early" | "closed"} EndCause
 */

/**
 * The grid of the candidate's format and pack, the marks, what they say of each competence,
 * the notes, the interviews' notes and the deliberation's versions.
 * Answer of `GET /api/candidates/{candidate_id}/evaluation`.
 * @typedef {object} EvaluationOut
 * @property {string} candidate_id
 * @property {string} title_id
 * @property {string} format_id
 * @property {Array<PartOut>} parts
 * @property {Array<MarkOut>} marks
 * @property {Array<CompetenceStatusOut>} competences
 * @property {Array<TransversalOut>} transversal
 * @property {DecidedOut | null} decided None until both jurors signed a version.
 * @property {Array<string>} interview_topics CPn of the technical interview, final.
 * @property {string | null} rule How the statuses are derived (French).
 * @property {Array<NoteOut>} notes
 * @property {Array<InterviewOut>} interviews
 * @property {Array<DeliberationOut>} deliberations
 */

/**
 * The pieces as the juror's page shows them and, in `base`, as it showed them when the juror
 * began: only the juror's changes are applied to what is stored (another juror's changes
 * meanwhile are kept). Without `base` the list replaces what is stored.
 * Body of `PUT /api/candidates/{candidate_id}/certification/evidence`.
 * @typedef {object} EvidenceIn
 * @property {Array<string>} kinds
 * @property {boolean | null} [from_training]
 * @property {EvidenceSeen | null} [base]
 */

/**
 * The pieces of the file the jury declared.
 * Answer of `PUT /api/candidates/{candidate_id}/certification/evidence`.
 * @typedef {object} EvidenceOut
 * @property {Array<string>} kinds The pieces declared (EvidenceKind values).
 * @property {boolean | null} from_training Whether the training's results come from the training organisation.
 */

/**
 * @typedef {object} EvidenceSeen
 * @property {Array<string>} kinds
 * @property {boolean | null} [from_training]
 */

/**
 * The juror card's agreement: the schedule the card rewards, checked by the pack's validation
 * against the procedure's plans (the tool must be able to record it).
 * @typedef {object} ExpectedAgreement
 * @property {string} plan
 * @property {Array<AgreedInstallment>} installments
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/timeline/extend`.
 * @typedef {object} ExtendIn
 * @property {number} minutes
 * @property {string} reason
 */

/**
 * @typedef {object} FormatOut
 * @property {string} id
 * @property {string} name
 * @property {Array<PhaseOut>} phases
 */

/**
 * A named interval of a recording (`server.telephony.recordings.gaps_out`).
 * @typedef {object} GapOut
 * @property {string} role Whose audio: candidate, client or both.
 * @property {string} reason Why (GapReason).
 * @property {number} start_s From, in seconds of the recording.
 * @property {number | null} end_s To; None: until the end.
 * @property {boolean} silent The interval is silence in the file.
 * @property {string} label The reason's label (French).
 * @property {string} role_label Whose audio (French).
 */

/**
 * A competence of a part (`server.evaluation.grid._competences`).
 * @typedef {object} GridCompetenceOut
 * @property {string} code
 * @property {string} name
 * @property {string} ccp The CCP that holds it.
 * @property {Array<CriterionOut>} criteria
 */

/**
 * @typedef {object} HTTPValidationError
 * @property {Array<ValidationError>} [detail]
 */

/**
 * Answer of `GET /api/health`.
 * @typedef {object} HealthOut
 * @property {"ok" | "degraded" | "down"} status
 * @property {string} time
 * @property {Object<string, DependencyHealth>} dependencies
 */

/**
 * A CCP of the current version that counts toward the title.
 * @typedef {object} HeldCcp
 * @property {string} code
 * @property {string} name
 * @property {string} obtained_on
 * @property {string} session_id
 * @property {string} version
 * @property {string | null} [obtained_as]
 * @property {string | null} [counts_until]
 */

/**
 * @typedef {object} HistoryEntry
 * @property {string} date
 * @property {"telephone" | "courriel" | "courrier" | "sms" | "chat" | "web" | "agence"} channel
 * @property {string} summary
 */

/**
 * Body of `PUT /api/persons/{person_id}`.
 * @typedef {object} IdentityIn
 * @property {string} last_name
 * @property {string} first_name
 * @property {string | null} [birth_date]
 * @property {string | null} [external_id]
 */

/**
 * An incident of a candidate's exam, as `overview.incident_payload` writes it (the `incident`
 * WebSocket event carries the same fields).
 * @typedef {object} IncidentOut
 * @property {string} candidate_id
 * @property {string} kind
 * @property {string} label
 * @property {string} at
 * @property {string} detail
 */

/**
 * @typedef {object} InstallmentIn
 * @property {string} date
 * @property {string | number | boolean | null} amount
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/evaluation/interviews/{topic}`.
 * @typedef {object} InterviewIn
 * @property {string} text
 */

/**
 * A juror's notes of an interview (`server.evaluation.service.interview_out`).
 * Answer of `PUT /api/candidates/{candidate_id}/evaluation/interviews/{topic}`.
 * @typedef {object} InterviewOut
 * @property {string} topic CPn (technical interview) or final.
 * @property {string} text
 * @property {string} by Who saved it (the actor).
 * @property {string} updated_at When (ISO 8601).
 */

/**
 * @typedef {object} Invoice
 * @property {string} number
 * @property {string} [label]
 * @property {string} date
 * @property {string} due
 * @property {string} amount
 * @property {InvoiceStatus} status
 */

/**
 * @typedef {"payee" | "impayee" | "a_echoir"} InvoiceStatus
 */

/**
 * Body of `POST /api/sessions/{session_id}/documents/issue`.
 * @typedef {object} IssueIn
 * @property {string} kind
 * @property {string | null} [candidate_id]
 * @property {string} [reason]
 */

/**
 * One issued version of a document (its bytes are at `url`).
 * Answer of `POST /api/sessions/{session_id}/documents/issue`.
 * @typedef {object} IssuedOut
 * @property {string} id
 * @property {string} kind
 * @property {string} label
 * @property {string} subject
 * @property {number} version
 * @property {string} sha256
 * @property {string} issued_at
 * @property {string} issued_at_label
 * @property {string} issued_by
 * @property {string} reason
 * @property {string} url
 */

/**
 * The `juror:` block: how the juror plays the customer. Never sent to a candidate.
 * @typedef {object} JurorCard
 * @property {string} persona
 * @property {string} situation
 * @property {string} opening
 * @property {Array<string>} [reveal_if_asked]
 * @property {Array<string>} [barriers]
 * @property {Array<string>} [objections]
 * @property {string} expected_outcome
 * @property {Array<CriterionRef>} watch
 * @property {Object<string, string>} [survey_answers]
 * @property {ExpectedAgreement | null} [agreement]
 * @property {string} [notes]
 */

/**
 * A simulation of the jury's run sheet: the scenario's (its juror card included), its order in
 * the run, its kind in French and its competences' names (code → name).
 * @typedef {object} JurySimulation
 * @property {string} id
 * @property {string} title
 * @property {SimulationKind} kind
 * @property {Array<string>} competences
 * @property {number} minutes
 * @property {SimulationCandidate} candidate
 * @property {JurorCard} juror
 * @property {number} order
 * @property {string} kind_label
 * @property {Object<string, string>} competence_names
 */

/**
 * The jury's run sheet (`server.progress.subject.jury_subject`).
 * Answer of `GET /api/candidates/{candidate_id}/subject/jury`.
 * @typedef {object} JurySubjectOut
 * @property {PackRef} pack
 * @property {Array<JurySimulation>} simulations Each simulation with its juror card, its order, kind and competences.
 * @property {Array<WritingTask>} writing_tasks The writing tasks, with their marking notes (`replaced`: a task whose simulation was not played, given its stand-alone replacement).
 */

/**
 * Either the person, or another candidate (seat) already known to be this person.
 * Body of `PUT /api/candidates/{candidate_id}/certification/person`.
 * @typedef {object} LinkIn
 * @property {string | null} [person_id]
 * @property {string | null} [same_as_candidate_id]
 */

/**
 * Body of `PUT
 * /api/candidates/{candidate_id}/evaluation/marks/{part}/{competence}/{criterion}`.
 * @typedef {object} MarkIn
 * @property {string} value
 * @property {string | null} [comment]
 * @property {number | null} [base_version]
 */

/**
 * One criterion of the grid as marked (`server.evaluation.service.mark_out`).
 * Answer of `PUT
 * /api/candidates/{candidate_id}/evaluation/marks/{part}/{competence}/{criterion}`.
 * @typedef {object} MarkOut
 * @property {string} part The part of the exam (a simulation, `writing:<task>`…).
 * @property {string} competence The competence's code (CP1…).
 * @property {number} criterion The criterion's number in the competence (from 1).
 * @property {string} criterion_text The criterion as the grid words it.
 * @property {string} value acquis, non_acquis or non_observe.
 * @property {string} comment The juror's comment (may be empty).
 * @property {string} by Who saved it (the actor).
 * @property {string} updated_at When (ISO 8601).
 * @property {number} version Its version (a save based on an older one is refused).
 */

/**
 * Answer of `POST /api/auth/code`, `POST /api/auth/password`, `POST
 * /api/auth/account/password`, `GET /api/auth/me`.
 * @typedef {object} Me
 * @property {Role} role
 * @property {string} role_label
 * @property {string} subject_id
 * @property {string} display_name
 * @property {string | null} exam_session_id
 * @property {string} csrf_token
 * @property {string} home
 */

/**
 * @typedef {object} MissingPiece
 * @property {Array<string>} any_of
 * @property {string} label
 */

/**
 * A simulation recorded as not played (`server.progress.service.not_played`).
 * @typedef {object} NotPlayedOut
 * @property {string} simulation_id
 * @property {string} reason Why (NotPlayedReason).
 * @property {string} reason_label Its label (French).
 * @property {string | null} detail What was recorded with it.
 * @property {string} at When it was recorded (ISO 8601).
 */

/**
 * A pinned note (`server.evaluation.service.note_out`).
 * Answer of `GET /api/candidates/{candidate_id}/evaluation/notes` (a list of them), `POST
 * /api/candidates/{candidate_id}/evaluation/notes`.
 * @typedef {object} NoteOut
 * @property {string} id
 * @property {string | null} call_id The call whose recording it is pinned on, if any.
 * @property {number | null} offset_ms Its moment in that recording, in ms.
 * @property {string} text
 * @property {string} by Who pinned it (the actor).
 * @property {string} at When (ISO 8601).
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/notepad`.
 * @typedef {object} NotepadIn
 * @property {string} text
 */

/**
 * The candidate's notepad (`server.writing.service.notepad`).
 * Answer of `GET /api/candidates/{candidate_id}/notepad`, `PUT
 * /api/candidates/{candidate_id}/notepad`.
 * @typedef {object} NotepadOut
 * @property {string} text
 * @property {number} version 0: never saved.
 * @property {string | null} saved_at ISO 8601; None: never saved.
 * @property {boolean} writable
 */

/**
 * A CCP the jury awarded. `ccp` is the CCP code for the version it was obtained under, or, for
 * a previous version whose CCPs have no code (the 2011 CRCD), the CCP's intitulé as the
 * correspondence table writes it.
 * @typedef {object} ObtainedCcp
 * @property {string} title_id
 * @property {string} version
 * @property {string} ccp
 * @property {string} obtained_on
 * @property {string} session_id
 */

/**
 * @typedef {object} Order
 * @property {string} ref
 * @property {string} date
 * @property {Array<OrderLine>} lines
 * @property {string} [shipping]
 * @property {string} total
 * @property {string} status
 */

/**
 * What an order simulation sells: catalogue refs, substitutes and add-ons.
 * @typedef {object} OrderDesk
 * @property {Array<string>} items
 * @property {Object<string, Array<string>>} [substitutes]
 * @property {Array<string>} add_ons
 * @property {Array<string>} payment_methods
 * @property {string | null} [shipping]
 * @property {string | null} [free_shipping_from]
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/crm/records/{record_id}/orders`.
 * @typedef {object} OrderIn
 * @property {string | null} [client_id]
 * @property {Array<OrderLineIn>} lines
 * @property {string} [payment_method]
 * @property {string | number | boolean | null} [shipping]
 * @property {string} [note]
 */

/**
 * @typedef {object} OrderLine
 * @property {string} ref
 * @property {string} label
 * @property {number} quantity
 * @property {string} unit_price
 */

/**
 * @typedef {object} OrderLineIn
 * @property {string} ref
 * @property {string | number | boolean | null} [quantity]
 */

/**
 * @typedef {"titre" | "reussite_partielle" | "aucun" | "ccs"} Outcome
 */

/**
 * Body of `PUT /api/sessions/{session_id}/pack`.
 * @typedef {object} PackChoice
 * @property {string} pack_id
 */

/**
 * @typedef {object} PackOut
 * @property {string} id
 * @property {string} name
 * @property {string} title
 * @property {string} version
 * @property {string} author
 * @property {boolean} confidential
 * @property {string} summary
 * @property {Array<string>} formats
 */

/**
 * @typedef {object} PackRef
 * @property {string} id
 * @property {string} name
 * @property {string} version
 */

/**
 * A markable part (`server.evaluation.grid.parts`): a simulation, a writing task or the
 * technical interview; `not_played` for a simulation only, `replaced` for a task only.
 * @typedef {object} PartOut
 * @property {string} part A simulation's id, `writing:<task>` or the interview's.
 * @property {string} kind The simulation's kind, ecrit or entretien.
 * @property {string} label What the jury reads (French).
 * @property {string | null} [not_played] A simulation: why it was not played (French), if so.
 * @property {boolean | null} [replaced] A writing task: the replacement of one not played.
 * @property {Array<GridCompetenceOut>} competences
 */

/**
 * Answer of `POST /api/sessions/{session_id}/participants/{participant_id}/remove`.
 * @typedef {object} ParticipantRemoved
 * @property {string} removed
 * @property {Role} role
 * @property {number} pages_closed
 */

/**
 * Body of `POST /api/auth/account/password`.
 * @typedef {object} PasswordChange
 * @property {string} current_password
 * @property {string} new_password
 */

/**
 * Body of `POST /api/auth/password`.
 * @typedef {object} PasswordLogin
 * @property {string} username
 * @property {string} password
 */

/**
 * How a candidate comes to the jury (modalités d'obtention § 1 to 3, and the CCS).
 * @typedef {"formation_continue" | "vae" | "capitalisation" | "ccs"} Pathway
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/timeline/pause`.
 * @typedef {object} PauseIn
 * @property {string} reason
 */

/**
 * A schedule the collection procedure allows: how many instalments, the smallest, how soon the
 * first and the last fall after the agreement (server/scenarios/payment_rules.py);
 * `interval_days` spaces the schedule the tool proposes (the candidate may change it).
 * @typedef {object} PaymentPlan
 * @property {string} label
 * @property {number} installments
 * @property {number} [interval_days]
 * @property {string | null} [min_installment]
 * @property {string} [fees]
 * @property {number | null} [first_within_days]
 * @property {number | null} [last_within_days]
 */

/**
 * Answer of `GET /api/persons/{person_id}`, `POST /api/persons/{person_id}/prior-ccps`.
 * @typedef {object} PersonDetail
 * @property {string} id
 * @property {string} last_name
 * @property {string} first_name
 * @property {string | null} birth_date
 * @property {string | null} external_id
 * @property {Array<SeatOut>} seats
 * @property {CandidateRecord} record
 * @property {Object<string, Plan>} plans
 */

/**
 * Answer of `GET /api/persons` (a list of them).
 * @typedef {object} PersonFound
 * @property {string} id
 * @property {string} last_name
 * @property {string} first_name
 * @property {string | null} birth_date
 * @property {string | null} external_id
 * @property {Array<string>} seats
 */

/**
 * Answer of `PUT /api/persons/{person_id}`.
 * @typedef {object} PersonIdentity
 * @property {string} id
 * @property {string} last_name
 * @property {string} first_name
 * @property {string | null} birth_date
 * @property {string | null} external_id
 */

/**
 * Answer of `PUT /api/candidates/{candidate_id}/certification/person`.
 * @typedef {object} PersonLinked
 * @property {string} candidate_id
 * @property {string} person_id
 */

/**
 * Answer of `POST /api/sessions/{session_id}/staff`.
 * @typedef {object} PersonOut
 * @property {string} id
 * @property {Role} role
 * @property {string} display_name
 */

/**
 * @typedef {"preparation" | "appels" | "redaction" | "entretien_technique" | "entretien_final"} PhaseKind
 */

/**
 * @typedef {object} PhaseOut
 * @property {PhaseKind} kind
 * @property {string} label
 * @property {number} minutes
 */

/**
 * @typedef {object} PhaseRecord
 * @property {PhaseKind} phase
 * @property {string} label
 * @property {boolean} timed
 * @property {number} planned_seconds
 * @property {number} extension_seconds
 * @property {string | null} started_at
 * @property {string | null} ended_at
 * @property {EndCause | null} end_cause
 * @property {number} paused_seconds
 * @property {number} elapsed_seconds
 * @property {number} overrun_seconds
 * @property {Array<number>} warnings
 */

/**
 * A French number: written "02 41 72 18 45" in the files, kept as display and digits.
 * @typedef {object} Phone
 * @property {string} display
 * @property {string} digits
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/evaluation/notes`.
 * @typedef {object} PinnedNoteIn
 * @property {string | null} [call_id]
 * @property {number | null} [offset_ms]
 * @property {string} text
 * @property {string | null} [client_note_id]
 */

/**
 * @typedef {object} Plan
 * @property {string} title_id
 * @property {string} on
 * @property {boolean} title_held
 * @property {Array<HeldCcp>} [held]
 * @property {Array<ObtainedCcp>} [not_counted]
 * @property {Array<string>} [remaining]
 * @property {Array<string>} [formats]
 * @property {string | null} [deadline]
 * @property {boolean} [expired]
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/timeline/plan`.
 * @typedef {object} PlanIn
 * @property {string | null} planned_start
 */

/**
 * Answer of `PUT /api/candidates/{candidate_id}/timeline/plan`.
 * @typedef {object} PlanOut
 * @property {string | null} planned_start
 */

/**
 * @typedef {object} PreviewDecided
 * @property {number} version
 * @property {true} ok
 * @property {DecisionOut} decision
 */

/**
 * What the current version would decide: nothing, and why (the missing pieces).
 * @typedef {object} PreviewRefused
 * @property {number | null} version
 * @property {false} ok
 * @property {string} refused
 * @property {Array<MissingPiece>} missing
 */

/**
 * A donneur d'ordre whose campaign the centre runs (a company or a public service).
 * @typedef {object} Principal
 * @property {string} id
 * @property {string} name
 * @property {string} sector
 * @property {boolean} [public_service]
 */

/**
 * Body of `POST /api/persons/{person_id}/prior-ccps`.
 * @typedef {object} PriorCcpIn
 * @property {string} title_id
 * @property {string} version
 * @property {string} ccp
 * @property {string} obtained_on
 * @property {string} session_label
 */

/**
 * Body of `PUT /api/sessions/{session_id}/proctor-extension`.
 * @typedef {object} ProctorExtensionIn
 * @property {number | null} [minutes]
 */

/**
 * Answer of `PUT /api/sessions/{session_id}/proctor-extension`.
 * @typedef {object} ProctorExtensionOut
 * @property {number | null} proctor_extension_minutes
 */

/**
 * The simulations' progress of a candidate (`server.progress.domain.Progress.out`).
 * @typedef {object} ProgressOut
 * @property {string} now When it was computed (ISO 8601).
 * @property {string} phase The calls phase: avant, en_cours or terminee.
 * @property {boolean} paused
 * @property {Array<SimProgressOut>} simulations In run order.
 * @property {Object<string, number>} counts How many simulations in each state.
 * @property {number} wrap_up_minutes The wrap-up time per call.
 * @property {number | null} time_left_seconds Left in the calls phase, if running.
 * @property {number} needed_seconds What the simulations left still need.
 * @property {number} card_seconds Of which the simulations' own time.
 * @property {number} wrap_up_seconds Of which their wrap-up time.
 * @property {string | null} fits_until Until when the rest still fits (ISO 8601).
 * @property {boolean} short The time left is short for what remains.
 * @property {string | null} warning What the jury is told about it (French).
 */

/**
 * A proposal as `validate_proposal` keeps it. Read by pydantic in `events.DeliberationOut` as
 * it is: `reasons` stays absent when it is (a page sends the proposal back as the base of its
 * edit, compared key for key), an unknown key is refused rather than dropped.
 * @typedef {object} Proposal
 * @property {Object<string, string>} competences
 * @property {Object<string, boolean>} ccps
 * @property {string | null} title
 * @property {string} justification
 * @property {Object<string, string>} [reasons]
 */

/**
 * Body of `PUT /api/candidates/{candidate_id}/evaluation/deliberation`.
 * @typedef {object} ProposalIn
 * @property {VersionSeen | null} [base]
 * @property {Object<string, string>} [competences]
 * @property {Object<string, boolean | string>} [ccps]
 * @property {string | null} [title]
 * @property {string} [justification]
 * @property {Object<string, string>} [reasons]
 */

/**
 * @typedef {object} Question
 * @property {string} id
 * @property {string} text
 * @property {QuestionType} type
 * @property {Array<string>} [choices]
 * @property {number | null} [scale_min]
 * @property {number | null} [scale_max]
 */

/**
 * @typedef {"choix_unique" | "choix_multiple" | "echelle" | "oui_non" | "numerique" | "ouverte"} QuestionType
 */

/**
 * Whether the last version can be signed (`server.evaluation.signing.Readiness.out`).
 * Answer of `GET /api/candidates/{candidate_id}/evaluation/deliberation/readiness`.
 * @typedef {object} ReadinessOut
 * @property {number | null} version The last version; None: no proposal yet.
 * @property {boolean} can_sign
 * @property {Array<BlockingOut>} blocking
 * @property {Object<string, any> | null} bound What a signature would bind.
 * @property {string | null} seal Its seal (the hash the signatures bind).
 */

/**
 * A change to a record's editable fields (those sent, all or nothing); the address as an
 * object or as its three flat fields (the page's form).
 * Body of `PATCH /api/candidates/{candidate_id}/crm/records/{record_id}`.
 * @typedef {object} RecordEdit
 * @property {string | null} [civility]
 * @property {string | null} [last_name]
 * @property {string | null} [first_name]
 * @property {string | null} [company]
 * @property {string | null} [position]
 * @property {string | null} [email]
 * @property {string | null} [segment]
 * @property {string | null} [notes]
 * @property {ConsentIn | null} [consent]
 * @property {Array<string> | null} [phones]
 * @property {AddressIn | null} [address]
 * @property {string | null} [street]
 * @property {string | null} [postcode]
 * @property {string | null} [city]
 */

/**
 * @typedef {"client" | "prospect" | "usager"} RecordKind
 */

/**
 * A call's recording (`server.telephony.recordings.recording_out`) and its two files.
 * Answer of `GET /api/candidates/{candidate_id}/recordings` (a list of them).
 * @typedef {object} RecordingOut
 * @property {string} id
 * @property {string} call_id
 * @property {string} file The audio file's name.
 * @property {string} sha256 The audio file's SHA-256 (hex).
 * @property {number} duration_s
 * @property {number} size_bytes
 * @property {string} started_at ISO 8601.
 * @property {string} ended_at ISO 8601.
 * @property {Array<GapOut>} gaps The named intervals (losses, holds…).
 * @property {Object<string, any> | null} analytics Talk analytics (`server.telephony.talk.analyse`); None: recorded before them.
 * @property {string} audio_url The Ogg/Opus audio (HTTP range requests).
 * @property {string} sidecar_url The recording's sidecar (JSON file).
 */

/**
 * Body of `POST /api/sessions/{session_id}/participants/{participant_id}/remove`.
 * @typedef {object} RemovalIn
 * @property {string} reason
 */

/**
 * Someone the organiser removed before they started (kept for the record).
 * @typedef {object} RemovedOut
 * @property {string} id
 * @property {Role} role
 * @property {string} display_name
 * @property {string | null} removed_at
 * @property {string} reason
 */

/**
 * @typedef {object} Representative
 * @property {string} name
 * @property {string} area
 * @property {Array<string>} slots
 */

/**
 * The jury's review of the replies: read-only, last save, history, the French aid.
 * Answer of `GET /api/candidates/{candidate_id}/writing/review`.
 * @typedef {object} ReviewOut
 * @property {boolean} frozen
 * @property {boolean} writable
 * @property {Array<ReviewedDraftOut>} drafts
 * @property {AidOut} aid
 */

/**
 * A reply as the jury reads it (`server.writing.review.review`).
 * @typedef {object} ReviewedDraftOut
 * @property {string} task_id
 * @property {string} channel The channel (courriel, sms, courrier…).
 * @property {Object<string, any>} content The reply's fields (the channel's shape).
 * @property {number} version 0: never saved.
 * @property {string | null} saved_at ISO 8601; None: never saved.
 * @property {boolean} frozen Final (the writing phase's deadline passed).
 * @property {string | null} sha256 The saved content's digest.
 * @property {CountsOut} counts
 * @property {number | null} max_length The brief's limit, if any.
 * @property {string} brief The task as the candidate reads it.
 * @property {boolean} replaced Its simulation was not played: the replacement brief.
 * @property {WritingTask | null} task The writing task, with its marking notes; None: not in the subject.
 * @property {SavesOut} saves How many saves (`save_count`).
 * @property {Object<string, Array<SpellingIssueOut>>} issues Field → the spelling and grammar aid's findings (`spelling.check`).
 */

/**
 * @typedef {"organiser" | "proctor" | "juror" | "candidate"} Role
 */

/**
 * @typedef {object} SavesOut
 * @property {number} accepted Saves accepted.
 * @property {number} refused Saves refused (late, stale, out of phase).
 */

/**
 * @typedef {object} SeatOut
 * @property {string} candidate_id
 * @property {string} session_id
 * @property {string} day
 * @property {string} centre
 * @property {string} title_id
 * @property {string} format_id
 * @property {Pathway} pathway
 * @property {string | null} decision
 */

/**
 * Body of `PUT /api/sessions/{session_id}/seb`.
 * @typedef {object} SebIn
 * @property {boolean} required
 * @property {string | null} [origin]
 * @property {string | null} [quit_password]
 */

/**
 * Answer of `PUT /api/sessions/{session_id}/seb`, `GET
 * /api/sessions/{session_id}/seb/settings`.
 * @typedef {object} SebOut
 * @property {boolean} required
 * @property {string | null} origin
 * @property {boolean} quit_password_set
 * @property {string | null} start_url
 * @property {string | null} config_key
 * @property {Array<string>} locked_phases
 */

/**
 * Body of `POST /api/sessions`.
 * @typedef {object} SessionCreate
 * @property {string} centre
 * @property {string} day
 * @property {string} [title_id]
 * @property {string} format_id
 * @property {string | null} [pack_id]
 */

/**
 * Answer of `GET /api/sessions/{session_id}`.
 * @typedef {object} SessionDetail
 * @property {SessionOut} session
 * @property {Array<CandidateOut>} candidates
 * @property {Array<PersonOut>} staff
 * @property {Array<RemovedOut>} [removed]
 */

/**
 * The session's own documents: previews (current state), archive, issued versions.
 * @typedef {object} SessionDocuments
 * @property {Object<string, string>} previews
 * @property {string} archive
 * @property {Object<string, Array<IssuedOut>>} issued
 */

/**
 * @typedef {"titre" | "ccp" | "ccs"} SessionKind
 */

/**
 * Answer of `GET /api/sessions` (a list of them), `POST /api/sessions`, `PUT
 * /api/sessions/{session_id}/pack`.
 * @typedef {object} SessionOut
 * @property {string} id
 * @property {string} centre
 * @property {string} day
 * @property {string} title_id
 * @property {string} format_id
 * @property {string} format_name
 * @property {string | null} pack_snapshot_id
 * @property {string | null} [pack_label]
 * @property {string} created_at
 * @property {number | null} [proctor_extension_minutes]
 */

/**
 * Everything the organiser's and proctor's consoles show; the WebSocket sends changes.
 * Answer of `GET /api/sessions/{session_id}/overview`.
 * @typedef {object} SessionOverview
 * @property {SessionDetail} detail
 * @property {Object<string, CandidateLive>} candidates
 * @property {Object<string, string | null>} planned_starts
 */

/**
 * One simulation's progress (`server.progress.domain.SimProgress.out`).
 * @typedef {object} SimProgressOut
 * @property {string} id
 * @property {number} order Its rank in the run order (from 1).
 * @property {string} title
 * @property {string} kind The simulation's kind (SimulationKind).
 * @property {string} kind_label Its label (French).
 * @property {number} minutes The minutes the subject gives it.
 * @property {string} state Its state (SimState).
 * @property {string} state_label Its label (French).
 * @property {string | null} started_at When it was first played (ISO 8601).
 * @property {number} attempts How many times it was started.
 * @property {string | null} reason Why it was not played (NotPlayedReason), if so.
 * @property {string | null} reason_label Its label (French).
 * @property {string | null} detail What was recorded with it.
 * @property {number} needed_seconds What it still needs in the calls phase.
 */

/**
 * The `candidate:` block of a simulation file: everything the candidate may see.
 * @typedef {object} SimulationCandidate
 * @property {string} principal
 * @property {Phone | null} [phone]
 * @property {string | null} [crm_record]
 * @property {string} [brief]
 * @property {Array<string>} [offers]
 * @property {Survey | null} [survey]
 * @property {AppointmentBooking | null} [appointment]
 * @property {OrderDesk | null} [order]
 * @property {Collection | null} [collection]
 */

/**
 * @typedef {"appel_entrant" | "appel_sortant" | "chat"} SimulationKind
 */

/**
 * A simulation as a candidate may receive it.
 * @typedef {object} SimulationPublic
 * @property {string} principal
 * @property {Phone | null} [phone]
 * @property {string | null} [crm_record]
 * @property {string} [brief]
 * @property {Array<string>} [offers]
 * @property {Survey | null} [survey]
 * @property {AppointmentBooking | null} [appointment]
 * @property {OrderDesk | null} [order]
 * @property {Collection | null} [collection]
 * @property {string} id
 * @property {SimulationKind} kind
 */

/**
 * The simulations played by a candidate (`server.progress.service.progress_out`).
 * Answer of `GET /api/candidates/{candidate_id}/simulations`.
 * @typedef {object} SimulationsOut
 * @property {string} candidate_id
 * @property {ProgressOut | null} progress None: no subject for the session.
 * @property {Array<NotPlayedOut>} recorded_not_played
 */

/**
 * The session a decision is taken at.
 * @typedef {object} Sitting
 * @property {string} session_id
 * @property {SessionKind} kind
 * @property {string} day
 * @property {Array<string>} [ccps]
 * @property {string | null} [ccs]
 */

/**
 * A representative's slot from the pack, taken or not.
 * @typedef {object} SlotOut
 * @property {string} representative
 * @property {string} area
 * @property {string} at YYYY-MM-DDTHH:MM.
 * @property {number} duration_minutes
 * @property {string} purpose
 * @property {Array<string>} qualification
 * @property {string | null} record_id
 * @property {boolean} taken
 */

/**
 * A finding of the French aid in a reply's field (`server.writing.spelling.Issue`).
 * @typedef {object} SpellingIssueOut
 * @property {number} start Where it starts (offset in code points).
 * @property {number} end Where it ends (offset in code points, excluded).
 * @property {string} kind orthographe, grammaire, typographie or répétition.
 * @property {string} message What is wrong (French).
 * @property {Array<string>} suggestions What could replace it, best first.
 */

/**
 * The juror or proctor as corrected, and the documents issued again.
 * Answer of `PATCH /api/sessions/{session_id}/staff/{participant_id}`.
 * @typedef {object} StaffCorrected
 * @property {PersonOut} person
 * @property {Array<IssuedOut>} reissued
 */

/**
 * Body of `PATCH /api/sessions/{session_id}/staff/{participant_id}`.
 * @typedef {object} StaffCorrection
 * @property {string} display_name
 */

/**
 * Body of `POST /api/sessions/{session_id}/staff`.
 * @typedef {object} StaffCreate
 * @property {Role} role
 * @property {string} display_name
 */

/**
 * @typedef {"not_started" | "running" | "paused" | "awaiting" | "finished"} Status
 */

/**
 * Body of `POST /api/candidates/{candidate_id}/timeline/end-phase`, `POST
 * /api/candidates/{candidate_id}/timeline/close`.
 * @typedef {object} StopIn
 * @property {StopReason} reason
 * @property {string} comment
 */

/**
 * @typedef {"abandon" | "exclusion_fraude" | "panne_technique" | "demande_jury" | "travail_termine"} StopReason
 */

/**
 * The decision as stored (the rules' `Decision` as JSON), without the labels.
 * @typedef {object} StoredDecision
 * @property {string} candidate_id
 * @property {string} title_id
 * @property {string} title_version
 * @property {Pathway} pathway
 * @property {Sitting} sitting
 * @property {Outcome} outcome
 * @property {Array<ObtainedCcp>} [granted]
 * @property {Array<HeldCcp>} [held]
 * @property {Array<string>} [remaining]
 * @property {TitleAward | null} [title_award]
 * @property {CcsAward | null} [ccs_award]
 */

/**
 * The questionnaire, in order: the candidate reads it word for word and transcribes.
 * @typedef {object} Survey
 * @property {string} introduction
 * @property {Array<Question>} questions
 * @property {string} closing
 */

/**
 * Every survey's answers as the candidate typed them: {simulation: {question: answer}}.
 * Answer of `GET /api/candidates/{candidate_id}/crm/surveys`.
 * @typedef {object} SurveyAnswersOut
 */

/**
 * A simulation's questionnaire and the candidate's answers (`server.crm.survey.survey`).
 * Answer of `GET /api/candidates/{candidate_id}/crm/surveys/{simulation_id}`.
 * @typedef {object} SurveyOut
 * @property {string} simulation_id
 * @property {Survey} survey The questionnaire, in order.
 * @property {Object<string, any>} answers Question id → the answer.
 */

/**
 * What every screen shows; instants are the server's, clients count down from them.
 * Answer of `GET /api/candidates/{candidate_id}/timeline`, `POST
 * /api/candidates/{candidate_id}/timeline/start`, `POST
 * /api/candidates/{candidate_id}/timeline/pause`, `POST
 * /api/candidates/{candidate_id}/timeline/resume`, `POST
 * /api/candidates/{candidate_id}/timeline/extend`, `PUT
 * /api/candidates/{candidate_id}/timeline/accommodation`, `POST
 * /api/candidates/{candidate_id}/timeline/interview/open`, `POST
 * /api/candidates/{candidate_id}/timeline/interview/close`, `POST
 * /api/candidates/{candidate_id}/timeline/end-phase`, `POST
 * /api/candidates/{candidate_id}/timeline/close`.
 * @typedef {object} TimelineState
 * @property {string} now
 * @property {Status} status
 * @property {string} status_label
 * @property {number | null} warning_due
 * @property {Accommodation} accommodation
 * @property {Array<PhaseRecord>} phases
 * @property {PhaseKind | null} phase
 * @property {string | null} phase_label
 * @property {boolean} timed
 * @property {string | null} started_at
 * @property {string | null} paused_since
 * @property {string | null} pause_reason
 * @property {number | null} planned_seconds
 * @property {number | null} extension_seconds
 * @property {string | null} deadline
 * @property {number | null} remaining_seconds
 * @property {number | null} elapsed_seconds
 * @property {number | null} overrun_seconds
 * @property {Closure | null} closure
 */

/**
 * @typedef {object} TitleAward
 * @property {string} title_id
 * @property {string} version
 * @property {string} obtained_on
 * @property {string} session_id
 */

/**
 * @typedef {object} TitleOut
 * @property {string} id
 * @property {string} name
 * @property {Array<FormatOut>} formats
 */

/**
 * A transversal competence as the signed decision has it (`grid.transversal_decided`).
 * @typedef {object} TransversalDecidedOut
 * @property {string} code
 * @property {string} name
 * @property {string} status
 * @property {Array<string>} carried_by
 * @property {Array<string>} granted_ccps The CCPs granted that hold a carrier.
 * @property {string} explanation
 */

/**
 * A transversal competence as the marks derive it (`grid.transversal_status`).
 * @typedef {object} TransversalOut
 * @property {string} code
 * @property {string} name
 * @property {string} status
 * @property {Array<string>} carried_by The professional competences carrying it.
 * @property {Object<string, string>} from The evaluated carrying competences and their status.
 * @property {number} acquired
 * @property {number} evaluated
 * @property {string} explanation How it was derived (French).
 */

/**
 * @typedef {object} ValidationError
 * @property {Array<string | number>} loc
 * @property {string} msg
 * @property {string} type
 * @property {any} [input]
 * @property {Object<string, any>} [ctx]
 */

/**
 * The deliberation version a juror's edit or signature is based on.
 * @typedef {object} VersionSeen
 * @property {number} version
 * @property {Object<string, any>} proposal
 */

/**
 * The `candidate:` block of a writing task.
 * @typedef {object} WritingBrief
 * @property {string} brief
 * @property {number | null} [max_length]
 */

/**
 * @typedef {object} WritingJurorNotes
 * @property {Array<string>} marking_notes
 * @property {Array<CriterionRef>} watch
 */

/**
 * What the candidate writes instead when the simulation was not played: a brief that stands on
 * its own (every fact the reply needs is in it: nothing refers to a call that did not take
 * place), in the same channel, with its own marking notes.
 * @typedef {object} WritingReplacement
 * @property {WritingBrief} candidate
 * @property {WritingJurorNotes} juror
 */

/**
 * @typedef {object} WritingTask
 * @property {string} id
 * @property {string} simulation
 * @property {Channel} channel
 * @property {WritingBrief} candidate
 * @property {WritingJurorNotes} juror
 * @property {WritingReplacement | null} [replacement]
 * @property {boolean} [standalone]
 * @property {boolean} [replaced]
 */

/**
 * @typedef {object} WritingTaskPublic
 * @property {string} brief
 * @property {number | null} [max_length]
 * @property {string} id
 * @property {string} simulation
 * @property {Channel} channel
 * @property {boolean} [replaced]
 */

export {};
