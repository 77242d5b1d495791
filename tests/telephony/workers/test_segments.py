from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from server.telephony.audio import stereo, tone
from server.telephony.recorder import OggOpusRecorder
from server.telephony.workers.segments import (
    amend_sidecar,
    close_interrupted_segment,
    ogg_duration,
    segment_path,
)


def test_segment_names() -> None:
    first = Path("/rec/s1/call-7.ogg")
    assert segment_path(first, 1) == first
    assert segment_path(first, 2) == Path("/rec/s1/call-7.part2.ogg")
    assert segment_path(first, 3).name == "call-7.part3.ogg"


def record(path: Path, seconds: float, finish: bool) -> Path:
    recorder = OggOpusRecorder(path)
    recorder.open()
    frames = round(seconds * 50)
    for n in range(frames):
        recorder.push(stereo(tone(440, 0.02, start=n * 960), tone(1000, 0.02, start=n * 960)))
    deadline = time.monotonic() + 60  # waits for the writer thread; no timing asserted
    while recorder.frames_written < frames and time.monotonic() < deadline:
        time.sleep(0.01)
    crashed = path.with_name("crashed.ogg")
    shutil.copyfile(path, crashed)  # as a killed worker leaves it: never closed
    recorder.finish()
    return path if finish else crashed


def test_duration_of_a_whole_and_of_an_interrupted_recording(tmp_path: Path) -> None:
    whole = record(tmp_path / "whole.ogg", 3, finish=True)
    assert abs(ogg_duration(whole) - 3.0) < 0.05
    crashed = record(tmp_path / "c.ogg", 4, finish=False)
    assert 1.9 <= ogg_duration(crashed) < 4.0
    (tmp_path / "headers-only.ogg").write_bytes(crashed.read_bytes()[:120])
    assert ogg_duration(tmp_path / "headers-only.ogg") == 0.0
    assert ogg_duration(tmp_path / "missing.ogg") == 0.0


def test_interrupted_segment_sidecar_names_its_neighbours(tmp_path: Path) -> None:
    crashed = record(tmp_path / "c.ogg", 3, finish=False)
    at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    data = close_interrupted_segment(
        crashed,
        call_id="call-1",
        room_id="cand-a",
        parties={"candidate": "cand-a"},
        started_at=at,
        interrupted_at=at,
        segment=2,
        previous_segment="call-1.ogg",
        next_segment="call-1.part3.ogg",
    )
    sidecar = json.loads(crashed.with_suffix(".json").read_text())
    assert sidecar == data
    assert sidecar["interrupted"] == "worker_lost" and sidecar["duration_s"] >= 1.9
    assert sidecar["previous_segment"] == "call-1.ogg"
    assert sidecar["next_segment"] == "call-1.part3.ogg"
    assert len(sidecar["sha256"]) == 64


def test_amend_sidecar_keeps_what_was_there(tmp_path: Path) -> None:
    sidecar = tmp_path / "x.json"
    sidecar.write_text('{"call_id": "c"}')
    amend_sidecar(sidecar, {"segment": 2, "previous_segment": "c.ogg"})
    assert json.loads(sidecar.read_text()) == {
        "call_id": "c",
        "segment": 2,
        "previous_segment": "c.ogg",
    }


def test_a_segment_finished_by_a_stopping_worker_keeps_its_sidecar(tmp_path: Path) -> None:
    path = record(tmp_path / "call-1.ogg", 1, finish=True)
    path.with_suffix(".json").write_text('{"call_id": "call-1", "duration_s": 1.0}')
    at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    data = close_interrupted_segment(
        path,
        call_id="call-1",
        room_id="cand-a",
        parties={},
        started_at=at,
        interrupted_at=at,
        segment=1,
        previous_segment=None,
        next_segment="call-1.part2.ogg",
    )
    assert data == {
        "call_id": "call-1",
        "duration_s": 1.0,
        "segment": 1,
        "previous_segment": None,
        "next_segment": "call-1.part2.ogg",
        "interrupted": "worker_stopped",
        "gaps": [  # not known yet when the next segment starts: open until then
            {"role": "both", "reason": "failover", "start_s": 1.0, "end_s": None, "silent": True},
        ],
    }
