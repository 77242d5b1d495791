// Generated from the server's event models by `python -m server.event_catalogue`: do not edit by hand
// (docs/events.md is the catalogue; tests/web/test_event_catalogue.py fails when this
// file is out of date). Typedefs only: import them with
// `/** @typedef {import("./types/events.js").CallChanged} CallChanged */`.

/**
 * The candidate's timeline changed (a phase started or ended, a pause, an extension, a
 * closure). Once the exam is closed the candidate's audience gets its own copy, without the
 * closure's comment and author (staff text), before the jury's and the staff's.
 * Audiences: candidate, jury, staff.
 * @typedef {object} TimelineChanged
 * @property {"timeline"} type
 * @property {string} candidate_id Whose timeline.
 * @property {TimelineState} state The timeline's state: phases, current phase, deadlines, pauses, closure (the candidate's copy without the closure's comment and author).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A phase of the candidate ends in a few minutes.
 * Audiences: candidate, jury, staff.
 * @typedef {object} PhaseWarning
 * @property {"timeline.warning"} type
 * @property {string} candidate_id Whose phase.
 * @property {number} minutes Minutes left in the phase.
 * @property {string} phase_label The phase's name (French).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A technical or lockdown incident of the candidate's exam was recorded (kept for the appeal
 * archive).
 * Audiences: staff, jury.
 * @typedef {object} IncidentReported
 * @property {"incident"} type
 * @property {string} candidate_id Whose exam.
 * @property {string} kind The incident's kind (a key of `overview.INCIDENT_LABELS`).
 * @property {string} label The kind's label (French).
 * @property {string} at When (ISO 8601).
 * @property {string} detail What happened (French, at most 500 characters).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The organiser changed whether proctors may extend a phase: the proctors' pages show «
 * Prolonger » or not.
 * Audiences: staff.
 * @typedef {object} ProctorExtensionChanged
 * @property {"session.proctor_extension"} type
 * @property {string} exam_session_id The session.
 * @property {number | null} minutes The longest extension a proctor may give at once, or null: none.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A call of the candidate changed (rang, answered, held, resumed, ended, qualified): the call
 * as it is now, to both sides of the phone.
 * Audiences: candidate, jury.
 * @typedef {object} CallChanged
 * @property {"call"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {PendingCallOut | CallOut} call The call as it is now; with `pending` and `pending_message` while a command waits for the database (`call.pending`).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * CTI coupling: the customer's record and the call's simulation, sent to the candidate before
 * the phone is answered (the record pops before the phone rings).
 * Audiences: candidate.
 * @typedef {object} ScreenPop
 * @property {"call.screen_pop"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} call_id The ringing call.
 * @property {string} number The caller's number as displayed.
 * @property {string | null} crm_record_id The CRM record to open, if any.
 * @property {SimulationPublic} simulation What the candidate may read of the simulation (its public part).
 * @property {string} line The line that rings (the principal's name, as a CTI shows the DNIS).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The candidate dialled a number no simulation has: the « numéro non attribué » message.
 * Audiences: candidate, jury.
 * @typedef {object} Unassigned
 * @property {"call.unassigned"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} number The number dialled, as typed.
 * @property {string} message The operator's message (French).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The calls phase ends in one minute: the candidate concludes the call.
 * Audiences: candidate, jury.
 * @typedef {object} CallWarning
 * @property {"call.warning"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} message The warning (French).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The media plane refused or lost a call's audio, or the recordings' disk failed: the jurors'
 * phones say it (it is also an `incident`).
 * Audiences: jury.
 * @typedef {object} MediaAlert
 * @property {"media.alert"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} message What happened (French).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A page's WebRTC peer connection to the server changed state.
 * Audiences: candidate, jury.
 * @typedef {object} PeerState
 * @property {"rtc.peer_state"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} role Whose connection: candidate, client or observer.
 * @property {string} state The connection state (RTCPeerConnection.connectionState).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The candidate's room moved to another media worker: the pages send a new offer.
 * Audiences: candidate, jury.
 * @typedef {object} Renegotiate
 * @property {"rtc.renegotiate"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A hold, resume or hang-up waits for the database (`pending` true, the audio acted at once),
 * or was just written (`pending` false).
 * Audiences: candidate, jury.
 * @typedef {object} CallPending
 * @property {"call.pending"} type
 * @property {string} candidate_id The candidate whose phone it is (their room).
 * @property {string} call_id The call the command acts on.
 * @property {string} action The command: hold, resume, hang_up or miss.
 * @property {boolean} pending True while it waits for the database.
 * @property {string} message What the pages show (French).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The writing phase's deadline: every reply of the candidate is final.
 * Audiences: jury.
 * @typedef {object} DraftFrozen
 * @property {"writing.frozen"} type
 * @property {string} candidate_id Whose replies.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A reply saved during the writing phase: the jury's review reads it again (live).
 * Audiences: jury.
 * @typedef {object} DraftSaved
 * @property {"writing.saved"} type
 * @property {string} candidate_id Whose reply.
 * @property {string} task_id The writing task.
 * @property {number} version The reply's version now.
 * @property {string} saved_at When (ISO 8601).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A message was sent (stored before it is announced).
 * Audiences: candidate, jury.
 * @typedef {object} ChatPosted
 * @property {"chat.message"} type
 * @property {string} candidate_id Whose conversation.
 * @property {ChatMessageOut} message The message as stored.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * One side is typing (never stored).
 * Audiences: candidate, jury.
 * @typedef {object} ChatTyping
 * @property {"chat.typing"} type
 * @property {string} candidate_id Whose conversation.
 * @property {string} author Who types: candidate or client.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * One change of the candidate's CRM copy (and the record or the survey as they are now).
 * Audiences: candidate, jury.
 * @typedef {object} CrmChanged
 * @property {"crm.change"} type
 * @property {string} candidate_id Whose CRM copy.
 * @property {CrmChangeOut} change The change as logged.
 * @property {Object<string, any> | null} record The record as it is now, with its `version` (`server.crm.store.record_out`).
 * @property {string | null} record_id The record changed, if one.
 * @property {Object<string, any> | null} survey The survey as it is now: `simulation_id` and `answers`.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A juror saved one criterion of the grid (autosave): the other juror's grid shows it.
 * Audiences: jury.
 * @typedef {object} MarkChanged
 * @property {"evaluation.mark"} type
 * @property {string} candidate_id The candidate evaluated.
 * @property {MarkOut} mark The criterion as saved.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A juror pinned a note (on a call's recording timeline, or free).
 * Audiences: jury.
 * @typedef {object} NotePinned
 * @property {"evaluation.note"} type
 * @property {string} candidate_id The candidate evaluated.
 * @property {NoteOut} note The note as pinned.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * A juror's notes of an interview were saved.
 * Audiences: jury.
 * @typedef {object} InterviewNoteChanged
 * @property {"evaluation.interview"} type
 * @property {string} candidate_id The candidate evaluated.
 * @property {InterviewOut} interview The notes as saved.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The deliberation changed (a new version, a signature, a lock, a reopening).
 * Audiences: jury.
 * @typedef {object} DeliberationChanged
 * @property {"evaluation.deliberation"} type
 * @property {string} candidate_id The candidate evaluated.
 * @property {DeliberationOut} deliberation The version changed (a voided one, then its successor, come in turn).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The pieces of the file changed (the other juror's deliberation shows it, and what may now be
 * signed).
 * Audiences: jury, staff.
 * @typedef {object} EvidenceChanged
 * @property {"certification.evidence"} type
 * @property {string} candidate_id The candidate whose file it is.
 * @property {EvidenceOut} evidence The pieces declared now.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The decision in force changed.
 * Audiences: jury, staff.
 * @typedef {object} DecisionTaken
 * @property {"certification.decision"} type
 * @property {string} candidate_id The candidate decided on.
 * @property {DecisionOut} decision The decision in force, as `POST …/certification/decision` answers it: the rules' `Decision`, `person_id`, `deliberation_version` and the French labels.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The person behind the candidate's seat changed (the seat linked to another person, a CCP
 * obtained elsewhere recorded): what the rules decide, and what may be signed, may have
 * changed (the deliberation reads it again).
 * Audiences: jury, staff.
 * @typedef {object} PersonChanged
 * @property {"certification.person"} type
 * @property {string} candidate_id The candidate (the seat).
 * @property {string} person_id The person behind the seat now.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * The simulations played, playing or not played changed (one was recorded as not played).
 * Audiences: jury, staff.
 * @typedef {object} ProgressChanged
 * @property {"simulations.progress"} type
 * @property {string} candidate_id The candidate whose simulations they are.
 * @property {ProgressOut} progress The progress now.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * On connect and on `resync`: the whole state the page may see (numbered 1); the events that
 * follow are numbered from 2.
 * Audiences: socket.
 * @typedef {object} Snapshot
 * @property {"snapshot"} type
 * @property {string} server_time The server's clock (the exam's time).
 * @property {Me} me
 * @property {Object<string, any>} state One part per contribution's snapshot part (clock, exam, calls, chat, crm, evaluation…); a part that could not be read is null.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * Every few seconds without an event: the connection is alive.
 * Audiences: socket.
 * @typedef {object} Heartbeat
 * @property {"heartbeat"} type
 * @property {string} server_time The server's clock (the exam's time).
 */

/**
 * The answer to `time_sync` (the page's clock offset, NTP-style).
 * Audiences: socket.
 * @typedef {object} TimeReply
 * @property {"time"} type
 * @property {number} client_time The page's time it sent, back.
 * @property {string} server_time The server's clock when it answered.
 */

/**
 * A command or a frame refused (its `request_id` if it had one).
 * Audiences: socket.
 * @typedef {object} ErrorReply
 * @property {"error"} type
 * @property {string} code For programs: forbidden, invalid, refused, conflict…
 * @property {string} message For people (French).
 * @property {string | null} request_id The refused command's, if any.
 */

/**
 * A command with a `request_id` was done: its result.
 * Audiences: socket.
 * @typedef {object} Ack
 * @property {"ack"} type
 * @property {string} request_id The command's `request_id`.
 * @property {Object<string, any>} result The command's reply (its model: docs/events.md, Commands); {} for a command without one.
 */

/**
 * A page connected or the person's last page disconnected: the session's staff see it, and a
 * candidate's jury sees the candidate's.
 * Audiences: staff, jury.
 * @typedef {object} PresenceChanged
 * @property {"presence"} type
 * @property {string} subject_id Who.
 * @property {string} role Their role.
 * @property {boolean} connected Whether they have a page connected now.
 * @property {string} since Since when (connected or not).
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * What this person may see changed while their page stays open (a jury seat given to another
 * juror or to them, a candidate removed). Right before it the page received a new snapshot,
 * read with its new rights: from then on it hears the events of the candidates it gained and
 * none of those it lost. The page shows `message`.
 * Audiences: person.
 * @typedef {object} AccessChanged
 * @property {"access.changed"} type
 * @property {string} message Why, for the person (French).
 * @property {Array<string>} lost The candidates this person no longer follows.
 * @property {Array<string>} gained The candidates this person follows from now on.
 * @property {number} seq Added by the WebSocket edge: the message's number on this connection (the snapshot is 1); a gap means an event was missed: the page asks for a `resync`.
 */

/**
 * Extra time on every timed phase: planned × (1 + extra_ratio) + extra_minutes. Interviews
 * keep their planned duration: the jury opens and closes them.
 * @typedef {object} Accommodation
 * @property {string} extra_ratio
 * @property {number} extra_minutes
 * @property {string} note
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
 * A call as the pages show it (`server.telephony.service.call_out`).
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
 * @typedef {object} CcsAward
 * @property {string} title_id
 * @property {string} ccs
 * @property {string} obtained_on
 * @property {string} session_id
 */

/**
 * One message of the conversation (`server.chat.service.message_out`).
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
 * `chat.send`'s reply: the message as stored (a resend: the one stored the first time).
 * @typedef {object} ChatSent
 * @property {ChatMessageOut} message The message as stored.
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
 * The debt (unpaid invoices of the popped record) and the plans the procedure allows.
 * @typedef {object} Collection
 * @property {Array<string>} invoices
 * @property {string} amount_due
 * @property {Array<PaymentPlan>} plans
 * @property {Array<string>} payment_methods
 */

/**
 * One row of the CRM's change log (`server.crm.store.change_out`).
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
 * The decision in force, as `service.decision_out` writes it: the stored decision (the rules'
 * `Decision`, same fields, same order), the person and the signed version, and French labels.
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
 * @typedef {"deadline" | "jury" | "early" | "closed"} EndCause
 */

/**
 * The pieces of the file the jury declared.
 * @typedef {object} EvidenceOut
 * @property {Array<string>} kinds The pieces declared (EvidenceKind values).
 * @property {boolean | null} from_training Whether the training's results come from the training organisation.
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
 * A juror's notes of an interview (`server.evaluation.service.interview_out`).
 * @typedef {object} InterviewOut
 * @property {string} topic CPn (technical interview) or final.
 * @property {string} text
 * @property {string} by Who saved it (the actor).
 * @property {string} updated_at When (ISO 8601).
 */

/**
 * `lockdown.report`'s reply: the incident is recorded.
 * @typedef {object} LockdownRecorded
 * @property {boolean} recorded Always true.
 */

/**
 * One criterion of the grid as marked (`server.evaluation.service.mark_out`).
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
 * `evaluation.set_mark`'s reply: the mark as saved (its new version).
 * @typedef {object} MarkSaved
 * @property {MarkOut} mark The mark as saved.
 */

/**
 * Who the page is signed in as.
 * @typedef {object} Me
 * @property {string} role candidate, juror, proctor or organiser.
 * @property {string} subject_id The person's id (a candidate's participant id…).
 * @property {string} display_name
 * @property {string | null} exam_session_id Their session (none for the organiser).
 */

/**
 * `evaluation.pin_note`'s reply: the note as stored.
 * @typedef {object} NoteKept
 * @property {NoteOut} note The note as stored.
 */

/**
 * A pinned note (`server.evaluation.service.note_out`).
 * @typedef {object} NoteOut
 * @property {string} id
 * @property {string | null} call_id The call whose recording it is pinned on, if any.
 * @property {number | null} offset_ms Its moment in that recording, in ms.
 * @property {string} text
 * @property {string} by Who pinned it (the actor).
 * @property {string} at When (ISO 8601).
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
 * @typedef {"titre" | "reussite_partielle" | "aucun" | "ccs"} Outcome
 */

/**
 * How a candidate comes to the jury (modalités d'obtention § 1 to 3, and the CCS).
 * @typedef {"formation_continue" | "vae" | "capitalisation" | "ccs"} Pathway
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
 * A call as this process expects it once a hold, resume or hang-up waiting for the database is
 * written (`server.telephony.call_control`).
 * @typedef {object} PendingCallOut
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
 * @property {boolean} pending Always true: the change is not written yet.
 * @property {string} pending_message What the pages show meanwhile (French).
 */

/**
 * @typedef {"preparation" | "appels" | "redaction" | "entretien_technique" | "entretien_final"} PhaseKind
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
 * A call command's reply when it waits for the database and nothing is known of its call here:
 * it is queued, and will be announced once written (`call_control.run`).
 * @typedef {object} QueuedReply
 * @property {string} id The call's id.
 * @property {boolean} queued Always true.
 * @property {boolean} pending Always true: the change is not written yet.
 * @property {string} message What the pages show meanwhile (French).
 */

/**
 * @typedef {object} Representative
 * @property {string} name
 * @property {string} area
 * @property {Array<string>} slots
 */

/**
 * `rtc.offer`'s reply: the server's SDP answer, and the page's place in the room.
 * @typedef {object} RtcAnswer
 * @property {"rtc.answer"} type
 * @property {string} sdp The SDP answer.
 * @property {string} role The page's role in the room: candidate, client or observer.
 * @property {string} candidate_id Whose room (the candidate's id).
 */

/**
 * @typedef {"titre" | "ccp" | "ccs"} SessionKind
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
 * The session a decision is taken at.
 * @typedef {object} Sitting
 * @property {string} session_id
 * @property {SessionKind} kind
 * @property {string} day
 * @property {Array<string>} [ccps]
 * @property {string | null} [ccs]
 */

/**
 * @typedef {"not_started" | "running" | "paused" | "awaiting" | "finished"} Status
 */

/**
 * @typedef {"abandon" | "exclusion_fraude" | "panne_technique" | "demande_jury" | "travail_termine"} StopReason
 */

/**
 * The questionnaire, in order: the candidate reads it word for word and transcribes.
 * @typedef {object} Survey
 * @property {string} introduction
 * @property {Array<Question>} questions
 * @property {string} closing
 */

/**
 * What every screen shows; instants are the server's, clients count down from them.
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
 * `call.dial`'s reply for a number no simulation has.
 * @typedef {object} UnassignedReply
 * @property {boolean} unassigned Always true: no call was placed.
 * @property {string} message What the page shows (French).
 */

/**
 * Any message the server sends on the page's WebSocket.
 * @typedef {TimelineChanged | PhaseWarning | IncidentReported | ProctorExtensionChanged | CallChanged | ScreenPop | Unassigned | CallWarning | MediaAlert | PeerState | Renegotiate | CallPending | DraftFrozen | DraftSaved | ChatPosted | ChatTyping | CrmChanged | MarkChanged | NotePinned | InterviewNoteChanged | DeliberationChanged | EvidenceChanged | DecisionTaken | PersonChanged | ProgressChanged | Snapshot | Heartbeat | TimeReply | ErrorReply | Ack | PresenceChanged | AccessChanged} ServerEvent
 */

export {};
