"""What a candidate still has to sit for a title: the missing CCPs, the exam formats that
evaluate them, and where the final interview goes (« en fin de session du dernier CCP »)."""

from __future__ import annotations

from datetime import date

from server.core.referential import Title
from server.outcomes.records import CandidateRecord, Fact, HeldCcp, ObtainedCcp, holdings


class Plan(Fact):
    title_id: str
    on: date
    title_held: bool
    held: tuple[HeldCcp, ...] = ()
    not_counted: tuple[ObtainedCcp, ...] = ()
    # CCP codes still to obtain, in the title's order (all of them once the title expired).
    remaining: tuple[str, ...] = ()
    # Exam formats (ids) evaluating only missing CCPs, for the next session(s).
    formats: tuple[str, ...] = ()
    # The last day held CCPs count toward the title (end of validity + one year), if known.
    deadline: date | None = None
    expired: bool = False

    @property
    def final_interview_pending(self) -> bool:
        """The title still needs its final interview (at the session of the last CCP)."""
        return not self.title_held and not self.expired

    def is_last_ccp_session(self, ccps: tuple[str, ...] | list[str]) -> bool:
        """Sitting these CCPs completes the title: the final interview happens at that session."""
        return self.final_interview_pending and set(self.remaining) <= set(ccps)


def required_sessions(title: Title, record: CandidateRecord, on: date) -> Plan:
    held = holdings(title, record, on)
    title_held = record.title_award(title.id, on) is not None
    remaining = () if title_held else tuple(c.code for c in title.ccps if c.code not in held.codes)
    formats = (
        tuple(f.id for f in title.formats if f.ccps and set(f.ccps) <= set(remaining))
        if not held.expired
        else ()
    )
    return Plan(
        title_id=title.id,
        on=on,
        title_held=title_held,
        held=held.held,
        not_counted=held.not_counted,
        remaining=remaining,
        formats=formats,
        deadline=held.deadline,
        expired=held.expired,
    )
