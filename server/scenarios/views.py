"""The catalogue: titles, formats and scenario packs an organiser can choose from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.core.identity import Principal, Role
from server.scenarios.catalogue import loaded_packs
from server.scenarios.pack.formats import PackFormatError
from server.scenarios.schemas import CatalogueOut, FormatOut, PackOut, PhaseOut, TitleOut
from server.web.access import CtxDep, allow

router = APIRouter(prefix="/api/catalogue", tags=["catalogue"])


@router.get("")
async def catalogue(
    ctx: CtxDep, _: Annotated[Principal, Depends(allow(Role.ORGANISER))]
) -> CatalogueOut:
    titles = [
        TitleOut(
            id=t.id,
            name=t.name,
            formats=[
                FormatOut(
                    id=f.id,
                    name=f.name,
                    phases=[
                        PhaseOut(kind=p.kind, label=p.kind.label, minutes=p.minutes)
                        for p in f.phases
                    ],
                )
                for f in t.formats
            ],
        )
        for t in ctx.titles.values()
        if t.runs_exams_here
    ]
    packs = []
    for pack in loaded_packs(ctx).values():
        title = ctx.titles.get(pack.title)
        served = []
        for use in pack.formats:
            try:
                if title is not None:
                    pack.for_format(title.format(use.format))
                    served.append(use.format)
            except (PackFormatError, KeyError):
                continue
        packs.append(
            PackOut(
                id=pack.id,
                name=pack.name,
                title=pack.title,
                version=pack.version,
                author=pack.author,
                confidential=pack.confidential,
                summary=pack.summary,
                formats=served,
            )
        )
    problems = [str(p) for p in ctx.services.pack_problems]
    return CatalogueOut(titles=titles, packs=packs, problems=problems)
