"""A professional title's referential (RC) as data: CCPs, competences, criteria, formats,
and how the title is obtained (pathways: the evidence the jury needs, per session kind).

Pure: no I/O besides reading the YAML file in `load_title`. No title facts live in Python;
a second title is a second file under scenarios/titles/.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, model_validator

from server.core.loading import DataFileError, DataModel, Problem, load_model


class PhaseKind(StrEnum):
    PREPARATION = "preparation"
    APPELS = "appels"
    REDACTION = "redaction"
    ENTRETIEN_TECHNIQUE = "entretien_technique"
    ENTRETIEN_FINAL = "entretien_final"

    @property
    def timed(self) -> bool:
        """Timed phases end by themselves; interviews are opened and closed by the jury."""
        return self in (PhaseKind.PREPARATION, PhaseKind.APPELS, PhaseKind.REDACTION)

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    PhaseKind.PREPARATION: "Préparation",
    PhaseKind.APPELS: "Appels",
    PhaseKind.REDACTION: "Rédaction",
    PhaseKind.ENTRETIEN_TECHNIQUE: "Entretien technique",
    PhaseKind.ENTRETIEN_FINAL: "Entretien final",
}


class Competence(DataModel):
    code: str
    name: str
    criteria: tuple[str, ...]


class Ccp(DataModel):
    code: str
    name: str
    # Required (non-empty) when the title runs its exams here (see Title.runs_exams_here).
    competences: tuple[Competence, ...] = ()


class Transversal(DataModel):
    code: str
    name: str
    carried_by: tuple[str, ...]


class Count(DataModel):
    min: int = 0
    max: int | None = None

    def admits(self, n: int) -> bool:
        return n >= self.min and (self.max is None or n <= self.max)

    def __str__(self) -> str:
        if self.max == self.min:
            return f"exactement {self.min}"
        return f"au moins {self.min}" + (f" et au plus {self.max}" if self.max is not None else "")


class SimulationCounts(DataModel):
    calls: Count
    chats: Count
    writing_tasks: Count
    # The RC's « appels entrants et sortants »: a subject has both, even with few calls.
    calls_both_ways: bool = False


class Phase(DataModel):
    kind: PhaseKind
    minutes: int


class ExamFormat(DataModel):
    id: str
    name: str
    ccps: tuple[str, ...]
    practical: tuple[str, ...]
    technical_interview: tuple[str, ...] = ()
    phases: tuple[Phase, ...]
    total_minutes: int
    simulations: SimulationCounts

    @property
    def has_final_interview(self) -> bool:
        return any(p.kind is PhaseKind.ENTRETIEN_FINAL for p in self.phases)

    def phase(self, kind: PhaseKind) -> Phase | None:
        return next((p for p in self.phases if p.kind is kind), None)


class Correspondence(DataModel):
    old: str
    new: str


class PreviousVersion(DataModel):
    version: str
    decree: date
    correspondences: tuple[Correspondence, ...]


class EvidenceKind(StrEnum):
    """What a jury decides on (arrêté du 22/12/2015, RC § 2 and the modalités d'obtention)."""

    MISE_EN_SITUATION = "mise_en_situation"
    PRESENTATION_PROJET = "presentation_projet"
    ENTRETIEN_TECHNIQUE = "entretien_technique"
    QUESTIONNAIRE_PROFESSIONNEL = "questionnaire_professionnel"
    QUESTIONNEMENT_PRODUCTIONS = "questionnement_productions"
    RESULTATS_FORMATION = "resultats_formation"
    DOSSIER_PROFESSIONNEL = "dossier_professionnel"
    ENTRETIEN_FINAL = "entretien_final"
    LIVRET_CERTIFICATION = "livret_certification"

    @property
    def label(self) -> str:
        return EVIDENCE_LABELS[self]


EVIDENCE_LABELS = {
    EvidenceKind.MISE_EN_SITUATION: "mise en situation professionnelle",
    EvidenceKind.PRESENTATION_PROJET: "présentation d'un projet réalisé en amont de la session",
    EvidenceKind.ENTRETIEN_TECHNIQUE: "entretien technique",
    EvidenceKind.QUESTIONNAIRE_PROFESSIONNEL: "questionnaire professionnel",
    EvidenceKind.QUESTIONNEMENT_PRODUCTIONS: "questionnement à partir de production(s)",
    EvidenceKind.RESULTATS_FORMATION: "résultats des évaluations passées en cours de formation",
    EvidenceKind.DOSSIER_PROFESSIONNEL: "dossier professionnel",
    EvidenceKind.ENTRETIEN_FINAL: "entretien final avec le jury",
    EvidenceKind.LIVRET_CERTIFICATION: "livret de certification",
}


def _requirement(value: Any) -> tuple[EvidenceKind, ...]:
    """A requirement is one evidence kind, or a list of alternatives (any one suffices)."""
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items:
        raise ValueError("liste d'alternatives vide")
    kinds = []
    for item in items:
        try:
            kinds.append(EvidenceKind(item))
        except ValueError:
            known = ", ".join(k.value for k in EvidenceKind)
            raise ValueError(f"type de preuve inconnu « {item} » (connus : {known})") from None
    return tuple(kinds)


Requirement = Annotated[tuple[EvidenceKind, ...], BeforeValidator(_requirement)]


def requirement_label(requirement: tuple[EvidenceKind, ...]) -> str:
    return " ou ".join(k.label for k in requirement)


class Pathway(StrEnum):
    """How a candidate comes to the jury (modalités d'obtention § 1 to 3, and the CCS)."""

    FORMATION_CONTINUE = "formation_continue"
    VAE = "vae"
    CAPITALISATION = "capitalisation"
    CCS = "ccs"

    @property
    def label(self) -> str:
        return {
            Pathway.FORMATION_CONTINUE: "Formation continue",
            Pathway.VAE: "VAE",
            Pathway.CAPITALISATION: "Capitalisation de CCP",
            Pathway.CCS: "Certificat complémentaire de spécialisation",
        }[self]


class SessionKind(StrEnum):
    TITRE = "titre"
    CCP = "ccp"
    CCS = "ccs"

    @property
    def label(self) -> str:
        return {
            SessionKind.TITRE: "Session titre",
            SessionKind.CCP: "Session CCP",
            SessionKind.CCS: "Session CCS",
        }[self]


class PathwayRule(DataModel):
    """The evidence a jury needs to decide, for one pathway at one kind of session."""

    requires: tuple[Requirement, ...]
    # Only for candidates coming from a training course (« pour les seuls candidats issus
    # d'un parcours de formation »).
    requires_if_from_training: tuple[Requirement, ...] = ()
    # Needed on top to award the title at this session (the final interview at the session
    # of the last CCP, au vu du livret de certification).
    to_award_title: tuple[Requirement, ...] = ()


class PathwaySessions(DataModel):
    titre: PathwayRule | None = None
    ccp: PathwayRule | None = None
    ccs: PathwayRule | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PathwaySessions:
        if self.titre is None and self.ccp is None and self.ccs is None:
            raise ValueError("aucun type de session (titre, ccp ou ccs) pour ce parcours")
        if self.ccs is not None and self.ccs.to_award_title:
            raise ValueError("ccs.to_award_title : une session CCS n'attribue pas le titre")
        return self

    def rule(self, kind: SessionKind) -> PathwayRule | None:
        rule: PathwayRule | None = getattr(self, kind.value)
        return rule


class Pathways(DataModel):
    formation_continue: PathwaySessions | None = None
    vae: PathwaySessions | None = None
    capitalisation: PathwaySessions | None = None
    ccs: PathwaySessions | None = None

    def rule(self, pathway: Pathway, kind: SessionKind) -> PathwayRule | None:
        sessions: PathwaySessions | None = getattr(self, pathway.value)
        return sessions.rule(kind) if sessions is not None else None


class Specialisation(DataModel):
    """A certificat complémentaire de spécialisation (CCS) associated with the title."""

    code: str
    name: str


class Title(DataModel):
    id: str
    code: str | None = None
    rncp: str
    name: str
    level: str
    version: str
    decree: date
    valid_until: date | None = None
    ccps: tuple[Ccp, ...]
    transversal: tuple[Transversal, ...] = ()
    # Plateau runs this title's practical exams: formats and competences are then required.
    # A title known only for its outcomes (pathways, CCPs) sets it to false.
    runs_exams_here: bool = True
    formats: tuple[ExamFormat, ...] = ()
    previous_versions: tuple[PreviousVersion, ...] = ()
    pathways: Pathways | None = None
    specialisations: tuple[Specialisation, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> Title:
        problems: list[str] = []
        codes = [c.code for c in self.competences]
        ccp_codes = [c.code for c in self.ccps]
        for dup in {c for c in codes if codes.count(c) > 1}:
            problems.append(f"competences: code en double {dup}")
        for i, t in enumerate(self.transversal):
            for code in t.carried_by:
                if code not in codes:
                    problems.append(f"transversal[{i}].carried_by: compétence inconnue {code}")
        for i, f in enumerate(self.formats):
            for code in f.ccps:
                if code not in ccp_codes:
                    problems.append(f"formats[{i}].ccps: CCP inconnu {code}")
            for key in ("practical", "technical_interview"):
                for code in getattr(f, key):
                    if code not in codes:
                        problems.append(f"formats[{i}].{key}: compétence inconnue {code}")
            total = sum(p.minutes for p in f.phases)
            if total != f.total_minutes:
                problems.append(
                    f"formats[{i}].total_minutes: {f.total_minutes} min annoncées, "
                    f"les phases en font {total}"
                )
        for v, prev in enumerate(self.previous_versions):
            for j, corr in enumerate(prev.correspondences):
                if corr.new not in ccp_codes:
                    problems.append(
                        f"previous_versions[{v}].correspondences[{j}].new: CCP inconnu {corr.new}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _exams_here_and_outcomes(self) -> Title:
        problems: list[str] = []
        if not self.ccps:
            problems.append("ccps: au moins un CCP")
        ccp_codes = [c.code for c in self.ccps]
        for dup in sorted({c for c in ccp_codes if ccp_codes.count(c) > 1}):
            problems.append(f"ccps: code en double {dup}")
        if self.runs_exams_here:
            if not self.formats:
                problems.append("formats: requis quand runs_exams_here est vrai")
            for i, ccp in enumerate(self.ccps):
                if not ccp.competences:
                    problems.append(
                        f"ccps[{i}].competences: requises quand runs_exams_here est vrai"
                    )
        spec_codes = [s.code for s in self.specialisations]
        for dup in sorted({c for c in spec_codes if spec_codes.count(c) > 1}):
            problems.append(f"specialisations: code en double {dup}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def ccp(self, code: str) -> Ccp:
        for c in self.ccps:
            if c.code == code:
                return c
        raise KeyError(code)

    @property
    def competences(self) -> tuple[Competence, ...]:
        return tuple(c for ccp in self.ccps for c in ccp.competences)

    def competence(self, code: str) -> Competence:
        for c in self.competences:
            if c.code == code:
                return c
        raise KeyError(code)

    def ccp_of(self, competence_code: str) -> Ccp:
        for ccp in self.ccps:
            if any(c.code == competence_code for c in ccp.competences):
                return ccp
        raise KeyError(competence_code)

    def format(self, format_id: str) -> ExamFormat:
        for f in self.formats:
            if f.id == format_id:
                return f
        raise KeyError(format_id)


def load_title(path: Path) -> Title:
    return load_model(Title, path)


def load_titles(directory: Path) -> dict[str, Title]:
    """Every `*.yaml` under `directory`, keyed by title id; all problems reported at once."""
    titles: dict[str, Title] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            title = load_title(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        if title.id in titles:
            problems.append(Problem(str(path), "id", f"titre {title.id} déjà défini"))
        titles[title.id] = title
    if problems:
        raise DataFileError(problems)
    return titles
