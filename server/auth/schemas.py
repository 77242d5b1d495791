from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from server.auth.domain import Role


class CodeLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=4, max_length=64)


class PasswordLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


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
