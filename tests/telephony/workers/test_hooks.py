"""The aiortc hooks Plateau relies on are checked at start-up and fail loudly when moved."""

from __future__ import annotations

import pytest
from aiortc import RTCRtpReceiver, clock

from server.telephony.workers import hooks


def test_the_pinned_aiortc_offers_every_hook() -> None:
    assert hooks.problems() == []
    hooks.self_test()


def test_a_moved_hook_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(RTCRtpReceiver, "_handle_rtp_packet")
    with pytest.raises(hooks.HookError, match="_handle_rtp_packet"):
        hooks.self_test()


def test_a_changed_hook_signature_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    async def renamed(self: object, packet: object, arrival: int) -> None: ...

    monkeypatch.setattr(RTCRtpReceiver, "_handle_rtp_packet", renamed)
    assert any("arrival_time_ms" in p for p in hooks.problems())


def test_another_aiortc_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks.aiortc, "__version__", "1.17.0")
    assert any("1.17.0" in p for p in hooks.problems())


def test_the_fast_clock_gives_aiortcs_values() -> None:
    slow_ms, slow_ntp = clock.current_ms(), clock.current_ntp_time()
    hooks.install_fast_clock()
    try:
        assert clock.current_ms is hooks.fast_current_ms
        assert abs(clock.current_ms() - slow_ms) < 50
        assert abs(clock.current_ntp_time() - slow_ntp) < 50 * (1 << 32) // 1000
        high = clock.current_ntp_time() >> 32
        assert clock.datetime_from_ntp(high << 32).year >= 2024
    finally:
        hooks.uninstall_fast_clock()
    assert clock.current_ms is not hooks.fast_current_ms
