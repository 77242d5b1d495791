"""The candidate's private copy of the CRM and its append-only change log: made on first use
from the session's frozen pack, read in every phase after the start, changed only in the
calls phase while running; each change logged, audited and announced in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from server.core import audit
from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience
from server.core.referential import PhaseKind
from server.crm.domain import CrmInvalid, CrmRefused, french_error
from server.crm.events import CrmChanged, CrmChangeOut
from server.crm.models import CrmChange, CrmRecordRow
from server.exams import packs, timeline_service
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.exams.timeline_state import Status
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.models import FormatSubset, ScenarioPack

EXTRA_KEYS = (
    "agreements",
    "callbacks",
    "bookings",
)  # kept on the copy, not in the pack's CrmRecord


class ChangePayload(TypedDict):
    """One row of the change log (`change_out`; events: `events.CrmChangeOut`)."""

    id: int
    record_id: str | None
    kind: str
    field: str | None
    old: Any  # any JSON value
    new: Any
    actor: str | None
    at: str  # ISO 8601


class MutationPayload(TypedDict):
    """What a change to a record answers (`mutate`; HTTP: `schemas.CrmMutationOut`)."""

    record: dict[str, Any]  # `record_out`: the record as stored, with its version
    replayed: bool  # the same `client_id` was applied already: nothing new
    changes: list[ChangePayload]


def change_out(c: CrmChange) -> ChangePayload:
    return {
        "id": c.id,
        "record_id": c.record_id,
        "kind": c.kind,
        "field": c.field,
        "old": c.old,
        "new": c.new,
        "actor": c.actor,
        "at": c.at.isoformat(),
    }


def record_out(row: CrmRecordRow) -> dict[str, Any]:
    return {**row.data, "version": row.version}


def as_record(data: dict[str, Any]) -> CrmRecord:
    return CrmRecord.model_validate({k: v for k, v in data.items() if k not in EXTRA_KEYS})


async def subset(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> tuple[ScenarioPack, FormatSubset]:
    found = await packs.candidate_subset(ctx, session, candidate_id)
    if found is None:
        raise NotFound("Aucun sujet (et donc aucun fichier clients) pour cette session.")
    return found


async def require_started(ctx: AppContext, session: AsyncSession, candidate_id: str) -> None:
    """The candidate reads their CRM once their exam has started (the jury at any time)."""
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    if state.status is Status.NOT_STARTED:
        raise CrmRefused("Le fichier clients s'ouvre au début de l'épreuve.")


async def require_editable(ctx: AppContext, session: AsyncSession, candidate_id: str) -> None:
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    if state.phase is not PhaseKind.APPELS:
        raise CrmRefused("Le fichier clients n'est modifiable que pendant la phase « Appels ».")
    if state.status is not Status.RUNNING:
        raise CrmRefused("L'épreuve n'est pas en cours : le fichier clients est en lecture seule.")


async def ensure_copy(ctx: AppContext, session: AsyncSession, candidate_id: str) -> None:
    """The candidate's private copy, made on first use from the frozen pack."""
    exists = await session.scalar(
        select(CrmRecordRow.record_id).where(CrmRecordRow.candidate_id == candidate_id).limit(1)
    )
    if exists is not None:
        return
    pack, _ = await subset(ctx, session, candidate_id)
    for seed in pack.crm:
        data = seed.model_dump(mode="json")
        data.update({key: [] for key in EXTRA_KEYS})
        session.add(
            CrmRecordRow(candidate_id=candidate_id, record_id=seed.id, data=data, version=1)
        )
    try:
        await session.commit()
    except IntegrityError:  # two first reads at once: the other one made it
        await session.rollback()


async def records(
    ctx: AppContext, session: AsyncSession, candidate_id: str, query: str = ""
) -> list[dict[str, Any]]:
    """The candidate's records (those matching `query` when given), by id."""
    await ensure_copy(ctx, session, candidate_id)
    rows = await session.scalars(
        select(CrmRecordRow)
        .where(CrmRecordRow.candidate_id == candidate_id)
        .order_by(CrmRecordRow.record_id)
    )
    return [record_out(r) for r in rows if not query.strip() or matches(r.data, query)]


async def record(
    ctx: AppContext, session: AsyncSession, candidate_id: str, record_id: str
) -> dict[str, Any]:
    await ensure_copy(ctx, session, candidate_id)
    return record_out(await row_of(session, candidate_id, record_id))


async def row_of(session: AsyncSession, candidate_id: str, record_id: str) -> CrmRecordRow:
    row = await session.get(CrmRecordRow, (candidate_id, record_id))
    if row is None:
        raise NotFound(f"Fiche client inconnue : {record_id}.")
    return row


async def changes(session: AsyncSession, candidate_id: str) -> list[ChangePayload]:
    """The whole change log, oldest first (the jury's live feed and the archive)."""
    rows = await session.scalars(
        select(CrmChange).where(CrmChange.candidate_id == candidate_id).order_by(CrmChange.id)
    )
    return [change_out(c) for c in rows]


async def log(
    ctx: AppContext,
    session: AsyncSession,
    candidate_id: str,
    *,
    record_id: str | None,
    kind: str,
    field: str | None,
    old: Any,
    new: Any,
    client_id: str | None,
    actor: str,
) -> CrmChange:
    """Appends one change and its audit line (same transaction; the caller commits)."""
    change = CrmChange(
        candidate_id=candidate_id,
        record_id=record_id,
        kind=kind,
        field=field,
        old=old,
        new=new,
        client_id=client_id,
        actor=actor,
        at=ctx.clock.now(),
    )
    session.add(change)
    exam_session_id = await session.scalar(
        select(Candidate.exam_session_id).where(Candidate.participant_id == candidate_id)
    )
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action=f"crm.{kind}",
        exam_session_id=exam_session_id,
        subject=candidate_id,
        details={"record": record_id, "field": field, "change": client_id},
    )
    await session.flush()
    return change


async def replayed(session: AsyncSession, candidate_id: str, client_id: str | None) -> bool:
    if not client_id:
        return False
    found = await session.scalar(
        select(CrmChange.id).where(
            CrmChange.candidate_id == candidate_id, CrmChange.client_id == client_id
        )
    )
    return found is not None


def announce(ctx: AppContext, candidate_id: str, change: CrmChange, **extra: Any) -> None:
    """Live to the candidate's own page and to that candidate's jury (and the organiser)."""
    ctx.bus.publish(
        [candidate_audience(candidate_id), jury_audience(candidate_id)],
        CrmChanged(
            candidate_id=candidate_id,
            change=CrmChangeOut.model_validate(change_out(change)),
            record_id=change.record_id,
            **extra,
        ),
    )


Record = dict[str, Any]  # a CRM record's data, as stored
FieldEdit = tuple[str, Any, Any]  # (field, old value, new value)
# apply(data, pack, subset, the candidate's other records) -> its edits; it mutates `data`.
Apply = Callable[[Record, ScenarioPack, FormatSubset, list[Record]], list[FieldEdit]]


async def mutate(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    kind: str,
    apply: Apply,
    *,
    client_id: str | None,
    actor: str,
) -> MutationPayload:
    """One change to one record, in one transaction: phase check, idempotent retry (same
    `client_id`), validation of the whole record, one log row per field, then the events. The
    record is written `WHERE version = :read`: if another change committed meanwhile, this one
    is applied again on the record as it now is."""
    for attempt in range(1, 6):
        try:
            return await _mutate_once(
                ctx, candidate_id, record_id, kind, apply, client_id=client_id, actor=actor
            )
        except StaleDataError:
            if attempt == 5:
                raise
    raise AssertionError("unreachable")


async def _mutate_once(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    kind: str,
    apply: Apply,
    *,
    client_id: str | None,
    actor: str,
) -> MutationPayload:
    async with ctx.db.session() as session:
        await ensure_copy(ctx, session, candidate_id)
        row = await row_of(session, candidate_id, record_id)
        if await replayed(session, candidate_id, client_id):
            return {"record": record_out(row), "replayed": True, "changes": []}
        await require_editable(ctx, session, candidate_id)
        pack, sub = await subset(ctx, session, candidate_id)
        others = [
            r.data
            for r in await session.scalars(
                select(CrmRecordRow).where(CrmRecordRow.candidate_id == candidate_id)
            )
        ]
        data = dict(row.data)
        edits = apply(data, pack, sub, others)
        if not edits:
            return {"record": record_out(row), "replayed": False, "changes": []}
        try:
            valid = as_record(data)
        except ValidationError as exc:
            raise CrmInvalid(french_error(exc.errors()[0], edits[0][0] or kind)) from None
        # Stored as the pack would write it (phones parsed, dates ISO); extras kept.
        data = {**valid.model_dump(mode="json"), **{k: data.get(k, []) for k in EXTRA_KEYS}}
        if kind == "edit":  # compare as stored: "06.12…" typed again is no change
            edits = [(f, old, data.get(f)) for f, old, _ in edits if data.get(f) != old]
            if not edits:
                return {"record": record_out(row), "replayed": False, "changes": []}
        row.data = data  # the version moves with it (version_id_col)
        await session.flush()
        logged = [
            await log(
                ctx,
                session,
                candidate_id,
                record_id=record_id,
                kind=kind,
                field=field,
                old=old,
                new=new,
                client_id=client_id if i == 0 else None,
                actor=actor,
            )
            for i, (field, old, new) in enumerate(edits)
        ]
        try:
            await session.commit()
        except IntegrityError:  # the same client_id committed meanwhile: a retry
            await session.rollback()
            return {
                "record": await record(ctx, session, candidate_id, record_id),
                "replayed": True,
                "changes": [],
            }
        out = record_out(row)
    for change in logged:
        announce(ctx, candidate_id, change, record=out)
    return {"record": out, "replayed": False, "changes": [change_out(c) for c in logged]}


def _haystack(data: dict[str, Any]) -> str:
    """The searchable text of a record; a value of the wrong shape (a row written by an older
    version or a bug: `address: [1, 2]`) is skipped, never an error for the whole list."""

    def items(key: str) -> list[dict[str, Any]]:
        value = data.get(key)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    address = data.get("address")
    address = address if isinstance(address, dict) else {}
    parts = [
        data.get("id", ""),
        data.get("civility", ""),
        data.get("first_name", ""),
        data.get("last_name", ""),
        data.get("company", ""),
        data.get("email") or "",
        address.get("postcode", ""),
        address.get("city", ""),
        *(p.get("digits", "") for p in items("phones")),
        *(c.get("ref", "") for c in items("contracts")),
        *(i.get("number", "") for i in items("invoices")),
    ]
    return " ".join(str(p) for p in parts).casefold()


def matches(data: dict[str, Any], query: str) -> bool:
    """Every word of the query appears (name, company, id, phone digits, e-mail, postcode,
    city, contract or invoice number); a phone typed with spaces or dots is found too."""
    hay = _haystack(data)
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 4 and digits in hay.replace(" ", ""):
        return True
    return all(word in hay for word in query.casefold().split())
