"""The browser tests' live server (tests/e2e/conftest.py): its clock's jumps are exam time that
passed with the server up, not an outage for the heartbeat to give back (a heartbeat that beat
after a jump used to give the candidates the jump back, and the preparation went on)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from server.exams import outages, timeline_service
from tests.e2e.conftest import LiveServer
from tests.e2e.test_candidate_support import seed_with_pack, start_earlier, write_short_scenarios


def test_a_jump_is_lived_time_not_an_outage(
    make_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    server.day = server.call(seed_with_pack, server.ctx)
    alice = server.day.ids["cand_a"]
    started = server.call(start_earlier, server.ctx, alice, 0)
    assert started.deadline is not None

    server.jump(120)  # two minutes of the preparation pass
    heart = server.ctx.services.heartbeat
    assert isinstance(heart, outages.Heart)
    server.call(heart.tick)  # the heart's next beat, after the jump

    async def deadline() -> datetime | None:
        async with server.ctx.db.session() as session:
            timeline = await timeline_service.load(server.ctx, session, alice)
        return timeline.state().deadline

    assert server.call(deadline) == started.deadline
