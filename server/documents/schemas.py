"""What the document edges accept and return (the PDFs and archives themselves are files)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.core.text import Line, Text


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Annotated[str, Line(20)] = Field(min_length=1)
    candidate_id: Annotated[str, Line(32)] | None = None
    reason: Annotated[str, Text(500)] = ""


class IssuedOut(BaseModel):
    """One issued version of a document (its bytes are at `url`)."""

    id: str
    kind: str  # pv, resultats, livret, grille
    label: str
    subject: str  # "session", or the candidate's id
    version: int
    sha256: str
    issued_at: str  # ISO 8601 (`datetime.isoformat()`)
    issued_at_label: str  # in the server's time zone, in French
    issued_by: str
    reason: str
    url: str


class SessionDocuments(BaseModel):
    """The session's own documents: previews (current state), archive, issued versions."""

    previews: dict[str, str]  # kind -> address
    archive: str
    issued: dict[str, list[IssuedOut]]  # kind -> versions, oldest first


class CandidateDocuments(BaseModel):
    id: str
    name: str
    pathway_label: str
    decision: str | None  # the outcome in force (Outcome value), None: none yet
    decision_label: str
    livret_unavailable: str | None  # why no livret can be made now (None: it can)
    previews: dict[str, str]  # kind -> address
    archive: str
    issued: dict[str, list[IssuedOut]]  # kind -> versions, oldest first


class DocumentsOverview(BaseModel):
    """The organiser's documents tab."""

    session_id: str
    kinds: dict[str, str]  # kind -> label
    session: SessionDocuments
    candidates: list[CandidateDocuments]
