"""What the lockdown edges accept and return (the `.seb` file itself is a file)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict

from server.core.text import Line


class SebIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # the password is taken as typed

    required: bool
    origin: Annotated[str, Line(200)] | None = None
    quit_password: Annotated[str, Line(200)] | None = None


class SebOut(BaseModel):
    required: bool
    origin: str | None
    quit_password_set: bool
    start_url: str | None
    config_key: str | None
    locked_phases: list[str]
