"""Small builders for records and sittings."""

from __future__ import annotations

from datetime import date

from server.core.referential import SessionKind
from server.outcomes import CandidateRecord, ObtainedCcp, Sitting


def sitting(session_id: str, kind: SessionKind, day: date, *ccps: str) -> Sitting:
    return Sitting(session_id=session_id, kind=kind, day=day, ccps=ccps)


def obtained(ccp: str, day: date, session_id: str, *, version: str = "2015") -> ObtainedCcp:
    return ObtainedCcp(
        title_id="CRCD", version=version, ccp=ccp, obtained_on=day, session_id=session_id
    )


def record(*ccps: ObtainedCcp, candidate_id: str = "cand-1") -> CandidateRecord:
    return CandidateRecord(candidate_id=candidate_id, ccps=ccps)
