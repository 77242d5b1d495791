from __future__ import annotations

from pathlib import Path

import pytest

from server.core.clock import FakeClock
from server.telephony.fake_media import FakeMedia
from server.telephony.ports import CallAlreadyActive, InvalidOffer, NoActiveCall, PeerRole


async def test_fake_media_keeps_the_port_rules(tmp_path: Path) -> None:
    clock = FakeClock()
    media = FakeMedia(clock)
    with pytest.raises(InvalidOffer):
        await media.attach_peer("r", PeerRole.CLIENT, "garbage")
    assert (await media.attach_peer("r", PeerRole.CLIENT, "v=0\r\n")).startswith("v=0")
    await media.attach_peer("r", PeerRole.CLIENT, "v=0\r\n")
    assert media.room("r").attach_count[PeerRole.CLIENT] == 2
    with pytest.raises(NoActiveCall):
        await media.hold("r", True)
    await media.start_call("r", "c1", tmp_path / "c1.ogg", parties={"candidate": "x"})
    with pytest.raises(CallAlreadyActive):
        await media.start_call("r", "c2", None)
    await media.hold("r", True)
    assert media.room("r").call is not None and media.room("r").call.held
    clock.advance(42)
    info = await media.end_call("r")
    assert info is not None and info.duration_s == 42 and info.parties == {"candidate": "x"}
    assert media.room("r").ended == ["c1"]
    await media.start_call("r", "c3", None)
    assert await media.close_room("r") is None
    await media.close()
    assert media.closed and not media.rooms
