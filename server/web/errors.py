"""Domain errors become HTTP answers in one place: views let them through."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server.certification.service import CertificationRefused
from server.core.french_errors import french_errors, french_summary
from server.crm.service import CrmInvalid, CrmRefused
from server.documents.issued import DocumentRefused
from server.evaluation.service import EvaluationRefused
from server.exams.queries import NotFound
from server.exams.setup import SetupError
from server.exams.subject import NotYet
from server.exams.timeline import TimelineError
from server.outcomes import OutcomeError
from server.telephony.errors import CallRefused
from server.writing.service import StaleDraft, WritingRefused

STATUS_BY_ERROR: dict[type[Exception], int] = {
    NotFound: status.HTTP_404_NOT_FOUND,
    SetupError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    TimelineError: status.HTTP_409_CONFLICT,
    NotYet: status.HTTP_409_CONFLICT,
    WritingRefused: status.HTTP_409_CONFLICT,
    CallRefused: status.HTTP_409_CONFLICT,
    StaleDraft: status.HTTP_409_CONFLICT,
    CrmRefused: status.HTTP_409_CONFLICT,
    EvaluationRefused: status.HTTP_409_CONFLICT,
    CertificationRefused: status.HTTP_409_CONFLICT,
    OutcomeError: status.HTTP_409_CONFLICT,
    CrmInvalid: status.HTTP_422_UNPROCESSABLE_CONTENT,
    DocumentRefused: status.HTTP_409_CONFLICT,
}


def install_error_handlers(app: FastAPI, extra: dict[type[Exception], int] | None = None) -> None:
    for error, code in {**STATUS_BY_ERROR, **(extra or {})}.items():

        async def handler(_: Request, exc: Exception, code: int = code) -> JSONResponse:
            # An error may carry more for the client (e.g. the current draft on a conflict).
            return JSONResponse({"detail": str(exc), **getattr(exc, "extra", {})}, status_code=code)

        app.add_exception_handler(error, handler)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error_in_french)


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
