"""A recording's JSON sidecar amended in place (atomically: temp file + rename), without
the media libraries (the web process's edges may import this)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path


def amend_sidecar(sidecar: Path, fields: Mapping[str, object]) -> None:
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data.update(fields)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar)
