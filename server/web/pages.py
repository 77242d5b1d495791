"""The HTML pages: static files, no build step. Each page checks who is signed in itself."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse

from server.web.access import CtxDep, public

router = APIRouter()

PAGES = {
    "/": "login.html",
    "/connexion": "login.html",
    "/organisation": "organiser.html",
    "/surveillance": "proctor.html",
    "/jury": "juror.html",
    "/candidat": "candidate.html",
}


def _page_route(path: str, filename: str) -> None:
    async def page(ctx: CtxDep) -> FileResponse:
        file = ctx.settings.web_dir / filename
        if not file.is_file():
            raise HTTPException(404, "Page introuvable.")
        return FileResponse(file, headers={"Cache-Control": "no-cache"})

    router.add_api_route(
        path,
        page,
        methods=["GET"],
        include_in_schema=False,
        dependencies=[Depends(public("page HTML statique"))],
        name=f"page:{filename}",
    )


for _path, _file in PAGES.items():
    _page_route(_path, _file)


@router.get(
    "/favicon.ico",
    include_in_schema=False,
    dependencies=[Depends(public("icône du site (les navigateurs la demandent d'office)"))],
)
async def favicon(ctx: CtxDep) -> FileResponse:
    """The icon for a browser that asks /favicon.ico (the pages link /static/favicon.svg)."""
    return FileResponse(
        ctx.settings.web_dir / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "max-age=86400"},
    )


# /api/health: server/web/health.py
