"""The exams package's use-cases as its edges call them (`views`, `people_views`,
`jury_views`, `timeline_views`, `ws`): one function per action, keyword-only
arguments, the AsyncSession passed in and committed here. Behind it the modules of the
package keep one concept each — `setup` (sessions, people, codes), `people` (corrections and
removals), `packs`, `queries`, `overview`, `proctor_extension` and the timeline
(`timeline`, pure, driven by `timeline_service`). The actions themselves are grouped by
concern: `session_actions`, `jury_actions`, `timeline_actions`; this module only gathers them."""

from __future__ import annotations

from server.exams.jury_actions import assignments_of, exam_snapshot, report_incident
from server.exams.people import Change as Change  # the façade takes and gives it
from server.exams.session_actions import (
    access_codes,
    add_candidate,
    add_staff,
    assign_juror,
    candidate_out,
    choose_pack,
    correct_candidate,
    correct_staff,
    create_session,
    list_sessions,
    remove_participant,
    renew_code,
    session_detail,
    session_overview,
    set_proctor_extension,
)
from server.exams.setup import CodeLine as CodeLine  # the façade gives it (the codes sheet)
from server.exams.timeline_actions import (
    close_exam,
    close_interview,
    end_phase_early,
    extend,
    open_interview,
    pause,
    plan_start,
    proctor_extension_refusal,
    resume,
    set_accommodation,
    start,
    timeline_of,
)

# The façade's actions live by concern: the sessions, their people and codes in
# session_actions.py; the jury's assignments and the consoles' snapshot in jury_actions.py; the
# candidate's timeline in timeline_actions.py.
__all__ = [
    "Change",
    "CodeLine",
    "access_codes",
    "add_candidate",
    "add_staff",
    "assign_juror",
    "assignments_of",
    "candidate_out",
    "choose_pack",
    "close_exam",
    "close_interview",
    "correct_candidate",
    "correct_staff",
    "create_session",
    "end_phase_early",
    "exam_snapshot",
    "extend",
    "list_sessions",
    "open_interview",
    "pause",
    "plan_start",
    "proctor_extension_refusal",
    "remove_participant",
    "renew_code",
    "report_incident",
    "resume",
    "session_detail",
    "session_overview",
    "set_accommodation",
    "set_proctor_extension",
    "start",
    "timeline_of",
]
