from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.core.identity import Role
from server.core.text import Line


class CodeLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Annotated[str, Line(64)] = Field(min_length=4)


class PasswordLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, Line(80)] = Field(min_length=1)
    password: Annotated[str, Line(200)] = Field(min_length=1)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: Annotated[str, Line(200)] = Field(min_length=1)
    new_password: Annotated[str, Line(200)] = Field(min_length=10)


class Me(BaseModel):
    role: Role
    role_label: str
    subject_id: str
    display_name: str
    exam_session_id: str | None
    csrf_token: str
    home: str


HOME_BY_ROLE = {
    Role.ORGANISER: "/organisation",
    Role.PROCTOR: "/surveillance",
    Role.JUROR: "/jury",
    Role.CANDIDATE: "/candidat",
}
