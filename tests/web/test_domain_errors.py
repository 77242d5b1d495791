"""Every domain refusal derives from PlateauError and becomes an HTTP answer in one place
(server/web/errors.py): its status, its French message, what more it carries."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.chat.service import ChatRefused
from server.core.errors import PlateauError
from server.crm.domain import CrmInvalid
from server.exams.queries import NotFound
from server.exams.setup import SetupError
from server.exams.timeline import TimelineError
from server.telephony.errors import CallRefused
from server.web.errors import install_error_handlers
from server.writing.service import StaleDraft


def _answer(exc: Exception) -> tuple[int, dict[str, object]]:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/refuse")
    async def refuse() -> None:
        raise exc

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/refuse")
    json = response.headers.get("content-type", "").startswith("application/json")
    return response.status_code, response.json() if json else {}


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (NotFound("Candidat introuvable."), 404),
        (SetupError("Format inconnu."), 422),
        (CrmInvalid("Montant invalide."), 422),
        (TimelineError("Déjà commencé."), 409),
        (CallRefused("Appel introuvable."), 409),
        (ChatRefused("Envoi impossible."), 409),  # was unmapped (a 500) before the base class
        (PlateauError("Refusé.", status=403, code="forbidden"), 403),
    ],
)
def test_a_domain_refusal_answers_with_its_status_and_french_message(
    exc: PlateauError, status: int
) -> None:
    assert _answer(exc) == (status, {"detail": str(exc)})


def test_a_refusal_carries_its_extra_to_the_client() -> None:
    status, body = _answer(StaleDraft({"text": "déjà enregistré", "version": 3}))
    assert status == 409
    assert body["current"] == {"text": "déjà enregistré", "version": 3}


def test_a_plain_error_is_not_taken_for_a_refusal() -> None:
    status, _ = _answer(ValueError("a bug"))
    assert status == 500
