"""What the progress's HTTP routes answer: a candidate's simulations played (the
`ProgressOut` of the progress event, with the simulations recorded as not played) and the
subject as each role may read it (the candidate's dossier, the jury's run sheet)."""

from __future__ import annotations

from pydantic import Field

from server.core.events import Payload
from server.progress.events import ProgressOut
from server.scenarios.pack.company import CatalogueItem, Company, Principal
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.models import CandidateDocument
from server.scenarios.pack.simulations import (
    Simulation,
    SimulationPublic,
    WritingTask,
    WritingTaskPublic,
)


class NotPlayedOut(Payload):
    """A simulation recorded as not played (`server.progress.service.not_played`)."""

    simulation_id: str
    reason: str = Field(description="Why (NotPlayedReason).")
    reason_label: str = Field(description="Its label (French).")
    detail: str | None = Field(description="What was recorded with it.")
    at: str = Field(description="When it was recorded (ISO 8601).")


class SimulationsOut(Payload):
    """The simulations played by a candidate (`server.progress.service.progress_out`)."""

    candidate_id: str
    progress: ProgressOut | None = Field(description="None: no subject for the session.")
    recorded_not_played: list[NotPlayedOut]


class CandidateSubjectOut(Payload):
    """The subject as the candidate may read it (`server.progress.subject.candidate_subject`):
    the pack's candidate view (`CandidatePack`, dumped as JSON), inbound simulations left out,
    the written briefs from the start of the rédaction only."""

    id: str = Field(description="The pack.")
    name: str
    version: str
    format: str | None = Field(description="The exam format the subject is cut to.")
    story_date: str = Field(description="The story's day (ISO 8601 date).")
    company: Company = Field(description="The company of the story.")
    principals: list[Principal] = Field(description="The principals (lines) it serves.")
    dossier: list[CandidateDocument] = Field(description="The dossier's documents.")
    catalogue: list[CatalogueItem] = Field(description="The catalogue's items.")
    crm: list[CrmRecord] = Field(description="The CRM records as seeded.")
    simulations: list[SimulationPublic] = Field(
        description="The outbound and chat simulations' public part."
    )
    writing_tasks: list[WritingTaskPublic] = Field(
        description="The written briefs; empty while sealed."
    )
    writing_sealed: bool = Field(description="The briefs are sealed until the rédaction.")
    format_name: str = Field(description="The format's name (French).")


class JurySimulation(Simulation):
    """A simulation of the jury's run sheet: the scenario's (its juror card included), its
    order in the run, its kind in French and its competences' names (code → name)."""

    order: int
    kind_label: str
    competence_names: dict[str, str]


class PackRef(Payload):
    id: str
    name: str
    version: str


class JurySubjectOut(Payload):
    """The jury's run sheet (`server.progress.subject.jury_subject`)."""

    pack: PackRef
    simulations: list[JurySimulation] = Field(
        description="Each simulation with its juror card, its order, kind and competences."
    )
    writing_tasks: list[WritingTask] = Field(
        description="The writing tasks, with their marking notes (`replaced`: a task whose "
        "simulation was not played, given its stand-alone replacement)."
    )
