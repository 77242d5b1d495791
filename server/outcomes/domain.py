"""The jury's decision at the end of a session: title, partial success, nothing, or a CCS.

The rules are the title's data (`Title.pathways`: the evidence each pathway needs at each kind
of session); this module only applies them:
- the jury decides « au vu des éléments spécifiques à chaque parcours »: a decision whose required
  evidence is missing is refused (`MissingEvidence`, listing every missing piece);
- the title is awarded only when every CCP is held, obtained now or capitalised earlier (old
  versions counting through the correspondence table), within the title's validity (+ one year
  after its end for candidates who already hold CCPs);
- at a CCP session the title is awarded only where the pathway says so (capitalisation: « un
  entretien final se déroule en fin de session du dernier CCP, et au vu du livret de
  certification »), with that extra evidence;
- a CCS goes only to a holder of the title (« s'il est déjà titulaire du titre professionnel
  auquel le CCS est associé »).
Pure: no I/O; the session's day is passed in.
"""

from __future__ import annotations

from datetime import date

from server.core.referential import (
    EvidenceKind,
    Pathway,
    PathwayRule,
    SessionKind,
    Title,
)
from server.outcomes.decision import (
    Decision,
    JuryProposal,
    Outcome,
    SessionEvidence,
    Sitting,
)
from server.outcomes.errors import DecisionRefused, MissingEvidence
from server.outcomes.records import (
    CandidateRecord,
    CcsAward,
    Holdings,
    ObtainedCcp,
    TitleAward,
    holdings,
)


def fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def sitting_for_format(title: Title, format_id: str, *, session_id: str, day: date) -> Sitting:
    """The sitting of an exam format: a title session when it covers every CCP of the title."""
    fmt = title.format(format_id)
    every = {c.code for c in title.ccps}
    kind = SessionKind.TITRE if set(fmt.ccps) == every else SessionKind.CCP
    return Sitting(session_id=session_id, kind=kind, day=day, ccps=fmt.ccps)


def pathway_rule(title: Title, pathway: Pathway, kind: SessionKind) -> PathwayRule:
    rule = title.pathways.rule(pathway, kind) if title.pathways is not None else None
    if rule is None:
        raise DecisionRefused(
            f"Le parcours « {pathway.label} » ne prévoit pas de « {kind.label} » "
            f"pour le titre {title.id}."
        )
    return rule


def decide(
    title: Title,
    *,
    pathway: Pathway,
    sitting: Sitting,
    record: CandidateRecord,
    evidence: SessionEvidence,
    proposal: JuryProposal,
    from_training: bool | None = None,
) -> Decision:
    """The decision for one candidate at one session, or DecisionRefused / MissingEvidence."""
    rule = pathway_rule(title, pathway, sitting.kind)
    before = holdings(title, record, sitting.day)
    _check_validity(title, pathway, before)
    if sitting.kind is SessionKind.CCS:
        return _decide_ccs(
            title,
            rule,
            pathway=pathway,
            sitting=sitting,
            record=record,
            held=before,
            evidence=evidence,
            proposal=proposal,
            from_training=from_training,
        )
    award = record.title_award(title.id, sitting.day)
    if award is not None:
        raise DecisionRefused(
            f"Le candidat est déjà titulaire du titre {title.id} (obtenu le "
            f"{fr(award.obtained_on)}) : seul un CCS peut encore lui être attribué."
        )
    evaluated = _evaluated(title, sitting, before, proposal)
    _check_proposal(evaluated, proposal)
    if proposal.title and sitting.kind is SessionKind.CCP and not rule.to_award_title:
        raise DecisionRefused(
            f"Le parcours « {pathway.label} » n'attribue pas le titre lors d'une session CCP."
        )
    # A sitting with no CCP left to evaluate is the final interview alone.
    needed = rule.requires + _training(rule, from_training) if evaluated else ()
    if proposal.title:
        needed += rule.to_award_title
    missing = evidence.missing(needed)
    if missing:
        raise MissingEvidence(missing)
    granted = tuple(
        ObtainedCcp(
            title_id=title.id,
            version=title.version,
            ccp=code,
            obtained_on=sitting.day,
            session_id=sitting.session_id,
        )
        for code in evaluated
        if proposal.ccps[code]
    )
    after = holdings(title, record.model_copy(update={"ccps": record.ccps + granted}), sitting.day)
    remaining = tuple(c.code for c in title.ccps if c.code not in after.codes)
    title_award = None
    if proposal.title:
        if remaining:
            lacking = ", ".join(f"{c} « {title.ccp(c).name} »" for c in remaining)
            raise DecisionRefused(f"Le titre ne peut être attribué : CCP non obtenus — {lacking}.")
        outcome = Outcome.TITLE
        title_award = TitleAward(
            title_id=title.id,
            version=title.version,
            obtained_on=sitting.day,
            session_id=sitting.session_id,
        )
    else:
        outcome = Outcome.PARTIAL if granted else Outcome.NOTHING
    return Decision(
        candidate_id=record.candidate_id,
        title_id=title.id,
        title_version=title.version,
        pathway=pathway,
        sitting=sitting,
        outcome=outcome,
        granted=granted,
        held=after.held,
        remaining=remaining,
        title_award=title_award,
    )


def _training(
    rule: PathwayRule, from_training: bool | None
) -> tuple[tuple[EvidenceKind, ...], ...]:
    if not rule.requires_if_from_training:
        return ()
    if from_training is None:
        raise DecisionRefused(
            "Préciser si le candidat est issu d'un parcours de formation : les résultats des "
            "évaluations passées en cours de formation ne sont exigés que dans ce cas."
        )
    return rule.requires_if_from_training if from_training else ()


def _check_validity(title: Title, pathway: Pathway, held: Holdings) -> None:
    end = title.valid_until
    if end is None or held.on <= end:
        return
    assert held.deadline is not None
    if held.expired:
        raise DecisionRefused(
            f"Le titre {title.id} (version {title.version}) n'est plus délivré : fin de validité "
            f"le {fr(end)}, délai d'un an pour l'achever écoulé le {fr(held.deadline)}."
        )
    if pathway is not Pathway.CAPITALISATION or not held.held:
        raise DecisionRefused(
            f"Le titre {title.id} (version {title.version}) n'est plus valide depuis le "
            f"{fr(end)} : seuls les candidats ayant déjà obtenu des CCP peuvent encore "
            f"l'obtenir, par capitalisation, jusqu'au {fr(held.deadline)}."
        )


def _evaluated(
    title: Title, sitting: Sitting, held: Holdings, proposal: JuryProposal
) -> tuple[str, ...]:
    every = tuple(c.code for c in title.ccps)
    unknown = [c for c in sitting.ccps if c not in every]
    if unknown:
        raise DecisionRefused(f"CCP inconnus du titre {title.id} : {', '.join(unknown)}.")
    if proposal.ccs:
        raise DecisionRefused("Seule une session CCS attribue un CCS.")
    if sitting.kind is SessionKind.TITRE:
        if sitting.ccps and set(sitting.ccps) != set(every):
            raise DecisionRefused(
                f"Une session titre évalue tous les CCP du titre : {', '.join(every)}."
            )
        return every
    for code in sitting.ccps:
        already = held.get(code)
        if already is not None:
            raise DecisionRefused(
                f"{code} déjà obtenu le {fr(already.obtained_on)} : le candidat se présente "
                "aux CCP manquants."
            )
    if not sitting.ccps and len(held.held) < len(every):
        raise DecisionRefused("Une session CCP évalue au moins un CCP.")
    return sitting.ccps


def _check_proposal(evaluated: tuple[str, ...], proposal: JuryProposal) -> None:
    undecided = [c for c in evaluated if c not in proposal.ccps]
    extra = [c for c in proposal.ccps if c not in evaluated]
    problems = []
    if undecided:
        problems.append(f"sans décision : {', '.join(undecided)}")
    if extra:
        problems.append(f"non évalués à cette session : {', '.join(extra)}")
    if problems:
        raise DecisionRefused(f"Proposition du jury incohérente — CCP {' ; '.join(problems)}.")


def _decide_ccs(
    title: Title,
    rule: PathwayRule,
    *,
    pathway: Pathway,
    sitting: Sitting,
    record: CandidateRecord,
    held: Holdings,
    evidence: SessionEvidence,
    proposal: JuryProposal,
    from_training: bool | None,
) -> Decision:
    spec = next((s for s in title.specialisations if s.code == sitting.ccs), None)
    if spec is None:
        known = ", ".join(s.code for s in title.specialisations) or "aucun"
        raise DecisionRefused(
            f"CCS inconnu pour le titre {title.id} : {sitting.ccs} (CCS du titre : {known})."
        )
    if record.title_award(title.id, sitting.day) is None:
        raise DecisionRefused(
            f"Le CCS « {spec.name} » ne peut être attribué qu'à un titulaire du titre "
            f"{title.name} ({title.id})."
        )
    if record.ccs_award(title.id, spec.code) is not None:
        raise DecisionRefused(f"Le CCS « {spec.name} » est déjà obtenu.")
    if proposal.ccps or proposal.title:
        raise DecisionRefused("Une session CCS ne décide que du CCS.")
    missing = evidence.missing(rule.requires + _training(rule, from_training))
    if missing:
        raise MissingEvidence(missing)
    award = None
    if proposal.ccs:
        award = CcsAward(
            title_id=title.id, ccs=spec.code, obtained_on=sitting.day, session_id=sitting.session_id
        )
    return Decision(
        candidate_id=record.candidate_id,
        title_id=title.id,
        title_version=title.version,
        pathway=pathway,
        sitting=sitting,
        outcome=Outcome.CCS if award else Outcome.NOTHING,
        held=held.held,
        ccs_award=award,
    )
