"""A recording's JSON sidecar amended in place (atomically: temp file + rename), without
the media libraries (the web process's edges may import this)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def amend_sidecar(sidecar: Path, fields: dict[str, Any]) -> None:
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data.update(fields)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, sidecar)
