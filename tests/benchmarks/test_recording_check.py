"""The recording check finds each channel's missing clicks whatever the recording's own delay,
and measures how far the clicks drift from their 500 ms spacing."""

from __future__ import annotations

import numpy as np

from benchmarks.recording_check import channel_figures

STARTED, ENDED = 100.0, 112.0
EMITTED = [101.0 + 0.5 * i for i in range(22)]  # up to 111.5 (the last after ENDED - 0.6)


def test_a_missing_click_is_counted_whatever_the_recordings_delay() -> None:
    for delay in (0.04, 0.3):
        positions = [t - STARTED + delay for t in EMITTED if t != 104.0]
        figures = channel_figures(positions, EMITTED, STARTED, ENDED)
        assert figures["expected"] == 21 and figures["missing"] == 1
        assert figures["delay_s"] == round(delay, 3)
        assert figures["spacing_error_ms"]["max"] < 0.5


def test_clicks_placed_by_arrival_show_the_jitter_in_their_spacing() -> None:
    jitter = np.random.default_rng(1).uniform(0, 0.03, len(EMITTED))
    positions = [t - STARTED + 0.05 + j for t, j in zip(EMITTED, jitter, strict=True)]
    figures = channel_figures(positions, EMITTED, STARTED, ENDED)
    assert figures["missing"] == 0 and figures["spacing_error_ms"]["p95"] > 10
