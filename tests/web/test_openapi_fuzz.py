"""Schemathesis over the application's OpenAPI schema, as the organiser and as a candidate:
every operation, generated parameters and bodies (half of the time with the real ids of the
exam day in the path, so that the requests reach past "not found"), bounded by a number of
examples (no clock): 0 server errors. The operations that end the caller's own sessions
(sign-out, a new access code, a removal, a password change) are left out: they would only
sign the fuzzer out."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from server.core.clock import FakeClock
from server.core.config import Settings
from tests.crm.test_crm import PACK
from tests.harness import running_app
from tests.web.test_hostile_input_property import (
    SURVEY,
    Identities,
    _exam_in_calls_phase,
    _readers_work,
)

# PostgreSQL as well as SQLite: hostile text the database itself may refuse (NUL, sizes)
pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EXAMPLES = int(os.environ.get("OPENAPI_EXAMPLES", "100"))
SIGNS_OUT = ("/logout", "/code", "/remove", "/account/password")


def test_no_operation_answers_a_server_error(settings: Settings, clock: FakeClock) -> None:
    import schemathesis  # here, not at the top: every worker collects this module

    with running_app(settings, clock, pack_id=PACK) as h:
        _exam_in_calls_phase(h)
        schema = schemathesis.openapi.from_dict(h.client.app.openapi())  # type: ignore[attr-defined]
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if not result.ok().path.endswith(SIGNS_OUT)
        ]
        assert len(operations) >= 60
        ids = {
            "candidate_id": h.day.ids["cand_a"],
            "session_id": h.day.session_id,
            "participant_id": h.day.ids["observer_b"],
            "record_id": "JDL-10051",
            "simulation_id": SURVEY,
            "question_id": "q6",
        }
        signed_in = Identities(h)
        failures: list[str] = []

        @given(
            case=st.one_of([op.as_strategy() for op in operations]),
            who=st.sampled_from(["organiser", "cand_a"]),
            real_ids=st.booleans(),
        )
        @hsettings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any, who: str, real_ids: bool) -> None:
            if real_ids and case.path_parameters:
                for name in case.path_parameters:
                    if name in ids:
                        case.path_parameters[name] = ids[name]
            client = signed_in(who)
            kwargs = case.as_transport_kwargs(base_url="http://testserver")
            kwargs.pop("cookies", None)  # the person's own
            headers = {**(kwargs.pop("headers", None) or {}), **client.headers}
            r = client.request(
                kwargs.pop("method"),
                kwargs.pop("url"),
                headers=headers,
                params=kwargs.pop("params", None),
                json=kwargs.pop("json", None),
                content=kwargs.pop("data", None),
            )
            if r.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} as {who}: {r.status_code}")
            assert r.status_code < 500, failures[-1]

        call()
        assert failures == []
        _readers_work(h)
