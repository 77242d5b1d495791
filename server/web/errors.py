"""Domain errors become HTTP answers in one place: views let them through. Every domain error
derives from `server.core.errors.PlateauError`, which carries its status (404, 409, 422…) and
what more the client gets (`extra`); the WebSocket edge maps the same errors in `ws.py`."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server.core.errors import PlateauError
from server.core.french_errors import french_errors, french_summary


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PlateauError, domain_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error_in_french)


async def domain_error(_: Request, exc: Exception) -> JSONResponse:
    """A domain refusal: its French message, its status, and what more it carries (e.g. the
    current draft on a conflict)."""
    assert isinstance(exc, PlateauError)
    return JSONResponse({"detail": str(exc), **exc.extra}, status_code=exc.status)


async def invalid_request(_: Request, exc: Exception) -> JSONResponse:
    """A request that does not fit its model: 422, in French, the input never echoed back
    (FastAPI's own answer quotes it: 5 MB in, 5 MB out)."""
    assert isinstance(exc, RequestValidationError)
    errors = french_errors(exc.errors()[:20], skip=1)
    return JSONResponse(
        {"detail": french_summary(errors), "errors": errors},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


# FastAPI's own refusals, in English, for a body it could not read (not JSON, not UTF-8,
# nested deeper than the parser goes).
_FRENCH_DETAIL = {
    "There was an error parsing the body": "Corps de la requête illisible : du JSON est attendu.",
}


async def http_error_in_french(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc.detail, str) and exc.detail in _FRENCH_DETAIL:
        exc = HTTPException(exc.status_code, _FRENCH_DETAIL[exc.detail], exc.headers)
    return await http_exception_handler(request, exc)  # type: ignore[return-value]
