"""The pages' JSDoc typedefs of the HTTP bodies and answers (softphone_web/js/types/http.js)
and their JSON Schema (docs/http.schema.json) are generated from the app's OpenAPI schema:
the committed files must be what `python -m server.http_catalogue` writes now."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from server import http_catalogue
from server.core.config import PROJECT_ROOT


def test_the_committed_typedefs_are_up_to_date() -> None:
    stale = http_catalogue.out_of_date(http_catalogue.app_openapi())
    assert not stale, (
        f"out of date: {', '.join(map(str, stale))}; regenerate with "
        f"`.venv/bin/python -m {http_catalogue.__name__}` and commit the result"
    )


class Tag(BaseModel):
    """A label."""

    text: str = Field(description="What it says.")


class ThingIn(BaseModel):
    """What a thing is made of."""

    name: str = Field(description="Its name.")
    colour: Literal["rouge", "vert"] | None = Field(default=None, description="Its colour.")


class ThingOut(BaseModel):
    """A thing, as stored."""

    id: int = Field(description="Its number.")
    name: str = Field(description="Its name, */ safely.")
    tags: list[Tag] = Field(description="Its labels.")
    owner: Tag | None = Field(description="Who owns it.")
    extra: dict[str, int] = Field(default_factory=dict, description="Counts by key.")


def _tiny() -> dict[str, Any]:
    app = FastAPI()

    @app.get("/things")
    def list_things() -> list[ThingOut]:
        return []

    @app.post("/things", status_code=201)
    def add_thing(body: ThingIn) -> ThingOut:
        raise NotImplementedError

    return app.openapi()


def test_the_generator_writes_typedefs_with_their_routes() -> None:
    files = http_catalogue.generate(_tiny())
    js = files[http_catalogue.JSDOC]
    assert " * A thing, as stored.\n" in js
    assert " * Answer of `GET /things` (a list of them), `POST /things`.\n" in js
    assert " * Body of `POST /things`.\n" in js
    assert " * @typedef {object} ThingOut\n * @property {number} id Its number.\n" in js
    assert ' * @property {"rouge" | "vert" | null} [colour] Its colour.\n' in js
    assert " * @property {Array<Tag>} tags Its labels.\n" in js
    assert " * @property {Tag | null} owner Who owns it.\n" in js
    assert " * @property {Object<string, number>} [extra] Counts by key.\n" in js
    assert "*/ safely" not in js and "*\\/ safely" in js  # a description cannot end the comment
    assert js.endswith("export {};\n")
    schema = json.loads(files[http_catalogue.SCHEMA])
    assert schema["$defs"]["ThingOut"]["properties"]["owner"]["anyOf"][0] == {"$ref": "#/$defs/Tag"}
    assert schema["x-routes"]["POST /things"] == {"body": "ThingIn", "answer": "ThingOut"}
    assert schema["x-routes"]["GET /things"] == {"answer": "ThingOut[]"}


def test_a_stale_file_is_told(tmp_path: Path) -> None:
    openapi = _tiny()
    for path, text in http_catalogue.generate(openapi).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert http_catalogue.out_of_date(openapi, tmp_path) == []
    (tmp_path / http_catalogue.JSDOC).write_text("export {};\n", encoding="utf-8")
    (tmp_path / http_catalogue.SCHEMA).unlink()
    assert http_catalogue.out_of_date(openapi, tmp_path) == [
        http_catalogue.SCHEMA,
        http_catalogue.JSDOC,
    ]


@pytest.mark.xdist_group("node_tools")
def test_tsc_holds_a_page_to_the_typedefs(tmp_path: Path) -> None:
    """The typedefs are types, not `any`: a page that reads a field the answer does not have,
    or sends a body without a required field, does not pass `tsc --checkJs`."""
    tsc = PROJECT_ROOT / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.skip("npm ci not run (tests/test_browser_code.py runs it)")
    http = PROJECT_ROOT / http_catalogue.JSDOC
    page = tmp_path / "page.js"
    page.write_text(
        f'/** @typedef {{import("{http}").SessionOut}} SessionOut */\n'
        f'/** @typedef {{import("{http}").SessionCreate}} SessionCreate */\n'
        "/** @param {SessionOut} s */\n"
        "export const where = (s) => s.centre + s.room;\n"
        "/** @type {SessionCreate} */\n"
        'export const body = { centre: "Lyon", day: "2026-01-01" };\n',
        encoding="utf-8",
    )
    flags = ["--allowJs", "--checkJs", "--noEmit", "--strict", "--target", "ES2022"]
    flags += ["--module", "ES2022", "--moduleResolution", "bundler", "--skipLibCheck"]
    run = subprocess.run(
        [str(tsc), *flags, str(page)], capture_output=True, text=True, check=False, timeout=300
    )
    assert run.returncode != 0
    assert "Property 'room' does not exist on type 'SessionOut'" in run.stdout
    assert "Property 'format_id' is missing" in run.stdout
