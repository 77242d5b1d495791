"""The two shipped packs validate and are complete title subjects."""

from __future__ import annotations

from collections import Counter

from server.core.referential import Title
from server.scenarios.pack.loader import load_pack, validate_pack
from server.scenarios.pack.models import ScenarioPack
from server.scenarios.pack.types import Channel, SimulationKind
from server.scenarios.validate import validate_path
from tests.scenarios.packs_helpers import PACKS, TITLES

SHIPPED = ("plateforme-horizon", "relais-contact-atlantique")


def test_both_packs_load(packs: dict[str, ScenarioPack], titles: dict[str, Title]) -> None:
    assert sorted(packs) == list(SHIPPED)
    for pack_id in SHIPPED:
        assert validate_pack(PACKS / pack_id, titles) == []
        assert load_pack(PACKS / pack_id, titles) == packs[pack_id]


def test_cli_validation_of_the_packs_folder() -> None:
    problems, checked = validate_path(PACKS, TITLES)
    assert problems == []
    assert checked == [f"pack {p}" for p in SHIPPED]


def test_each_pack_is_a_complete_title_subject(packs: dict[str, ScenarioPack], crcd: Title) -> None:
    for pack in packs.values():
        kinds = Counter(s.kind for s in pack.simulations)
        assert kinds[SimulationKind.CHAT] == 1
        assert kinds[SimulationKind.INBOUND_CALL] + kinds[SimulationKind.OUTBOUND_CALL] == 8
        assert kinds[SimulationKind.INBOUND_CALL] >= 2 and kinds[SimulationKind.OUTBOUND_CALL] >= 2
        assert {c for s in pack.simulations for c in s.competences} == {
            c.code for c in crcd.competences
        }
        assert {w.channel for w in pack.writing_tasks} == set(Channel)
        assert [f.format for f in pack.formats] == ["titre", "ccp1", "ccp2"]
        assert pack.title == "CRCD" and pack.story_date.year == 2026
        assert 15 <= len(pack.crm) <= 25
        assert 5 <= len(pack.for_format(crcd.format("titre")).dossier) <= 8
        assert not pack.confidential  # shipped with the demo


def test_phones_are_distinct_and_pop_their_record(packs: dict[str, ScenarioPack]) -> None:
    for pack in packs.values():
        calls = [s for s in pack.simulations if s.kind.is_call]
        digits = [s.candidate.phone.digits for s in calls if s.candidate.phone]
        assert len(digits) == len(set(digits)) == 8
        for sim in calls:
            assert sim.candidate.phone is not None and sim.candidate.crm_record is not None
            record = pack.record(sim.candidate.crm_record)
            assert sim.candidate.phone.digits in {p.digits for p in record.phones}
            assert pack.simulation_by_phone(sim.candidate.phone.digits) == sim
            assert sim.candidate.phone.display == " ".join(
                sim.candidate.phone.digits[i : i + 2] for i in range(0, 10, 2)
            )


def test_criteria_to_watch_are_the_referential_text(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    for pack in packs.values():
        for sim in pack.simulations:
            for ref in sim.juror.watch:
                assert ref.criterion in crcd.competence(ref.competence).criteria
        for task in pack.writing_tasks:
            for ref in task.juror.watch:
                assert ref.criterion in crcd.competence(ref.competence).criteria


def test_amounts_agree_across_crm_and_tools(packs: dict[str, ScenarioPack]) -> None:
    debts = []
    for pack in packs.values():
        for sim in pack.simulations:
            debt = sim.candidate.collection
            if debt is None:
                continue
            record = pack.record(sim.candidate.crm_record or "")
            assert debt.amount_due == record.balance
            debts.append(str(debt.amount_due))
            # the amount appears in the jury's expectations, written the French way
            assert str(debt.amount_due).replace(".", ",") in sim.juror.expected_outcome
    assert debts == ["250.40", "89.80"]
