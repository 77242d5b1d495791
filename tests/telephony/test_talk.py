"""Talk analytics on synthetic signals: tone bursts of known lengths, and French speech from
espeak-ng (skipped, visibly, where espeak-ng is not installed)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from io import BytesIO

import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, tone
from server.telephony.talk import HANGOVER_FRAMES, TalkMeter, analyse

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
HANG_S = HANGOVER_FRAMES * FRAME_S
rng = np.random.default_rng(16)


def track(
    seconds: float, spans: list[tuple[float, float]], hz: float, noise_dbfs: float = -65.0
) -> np.ndarray:
    """`seconds` of background noise with a tone at -12 dBFS in each (start, end) span."""
    out = rng.normal(0, 32768 * 10 ** (noise_dbfs / 20), round(seconds * SAMPLE_RATE))
    for start, end in spans:
        a, b = round(start * SAMPLE_RATE), round(end * SAMPLE_RATE)
        out[a:b] += tone(hz, (b - a) / SAMPLE_RATE, amplitude=0.25)
    return np.clip(out, -32768, 32767).astype(np.int16)


def meter_of(left: np.ndarray, right: np.ndarray) -> TalkMeter:
    meter = TalkMeter()
    n = min(len(left), len(right)) // FRAME_SAMPLES
    for i in range(n):
        frame = slice(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)
        meter.feed(left[frame], right[frame])
    return meter


def test_tone_bursts_talk_listening_overlap_and_a_long_silence() -> None:
    candidate = track(15.0, [(0.0, 2.0), (6.0, 7.0), (13.0, 14.0)], 440.0)
    client = track(15.0, [(2.5, 5.0), (6.5, 7.0)], 1000.0)
    result = meter_of(candidate, client).result(holds=[])
    cand, cli = result["parties"]["candidate"], result["parties"]["client"]
    # each burst counts as its length plus at most the hangover
    assert 4.0 <= cand["talk_s"] <= 4.0 + 3 * HANG_S + 0.05
    assert 3.0 <= cli["talk_s"] <= 3.0 + 2 * HANG_S + 0.05
    # the candidate listens while the client speaks alone (2.5-5 s and its hangover)
    assert 2.5 - 0.05 <= cand["listening_s"] <= 2.5 + HANG_S + 0.05
    # one overlap: the client starts speaking over the candidate at 6.5 s
    assert result["overlaps"] == 1 and 0.5 <= result["overlap_s"] <= 0.5 + HANG_S + 0.05
    assert cli["interruptions"] == 1 and cand["interruptions"] == 0
    # nobody speaks from 7 s (+ hangover) to 13 s: one silence longer than 5 s
    (silence,) = result["silences"]
    assert 7.0 <= silence["start_s"] <= 7.0 + HANG_S + 0.05 and abs(silence["end_s"] - 13.0) <= 0.05
    assert result["holds"] == 0 and result["hold_s"] == 0.0
    assert abs(cand["talk_share"] + cli["talk_share"] - 1.0) < 0.2  # the overlap counts twice


def test_hold_is_counted_and_its_silence_is_not_a_long_silence() -> None:
    candidate = track(12.0, [(0.0, 1.0), (10.0, 11.0)], 440.0)
    client = track(12.0, [(1.5, 2.0)], 1000.0)
    result = meter_of(candidate, client).result(holds=[(2.5, 9.5)])
    assert result["holds"] == 1 and result["hold_s"] == 7.0
    assert result["silences"] == []  # 2.2 → 2.5 and 9.5 → 10 are short; on hold is not silence


def test_background_noise_is_not_speech() -> None:
    quiet = track(6.0, [], 440.0, noise_dbfs=-55.0)
    result = meter_of(quiet, quiet).result(holds=[])
    assert result["talk_s"] == 0.0 and len(result["silences"]) == 1


def test_analyse_of_empty_activities() -> None:
    result = analyse(np.zeros(0, bool), np.zeros(0, bool), [])
    assert result["duration_s"] == 0.0 and result["talk_s"] == 0.0 and result["silences"] == []


def espeak(text: str) -> np.ndarray:
    """French speech synthesised by espeak-ng, at 48 kHz."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "fr", "--stdout", text], check=True, capture_output=True
    ).stdout
    with wave.open(BytesIO(wav)) as reader:
        rate = reader.getframerate()
        pcm = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
    times = np.arange(round(len(pcm) * SAMPLE_RATE / rate)) / SAMPLE_RATE
    return np.interp(times, np.arange(len(pcm)) / rate, pcm.astype(np.float64)).astype(np.int16)


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng absent : apt-get install espeak-ng"
)
def test_french_speech_from_espeak() -> None:
    """The client asks, the candidate answers after a pause, then 6 s of silence, then the
    client again: speech is found where it is spoken, the pause between sentences is not
    a long silence, the 6 s are."""
    ask = espeak("Bonjour, j'appelle au sujet de ma commande, elle n'est toujours pas arrivée.")
    answer = espeak("Je comprends. Pouvez-vous me donner votre numéro de client, s'il vous plaît ?")
    again = espeak("Oui, bien sûr.")
    gap = np.zeros(round(0.8 * SAMPLE_RATE), dtype=np.int16)
    long_gap = np.zeros(round(6.0 * SAMPLE_RATE), dtype=np.int16)
    client = np.concatenate([ask, gap, np.zeros(len(answer), np.int16), long_gap, again])
    candidate = np.concatenate(
        [np.zeros(len(ask), np.int16), gap, answer, long_gap, np.zeros(len(again), np.int16)]
    )
    noise = rng.normal(0, 32768 * 10 ** (-65 / 20), len(client))
    client = np.clip(client + noise, -32768, 32767).astype(np.int16)
    candidate = np.clip(candidate + noise[::-1], -32768, 32767).astype(np.int16)
    result = meter_of(candidate, client).result(holds=[])
    cand, cli = result["parties"]["candidate"], result["parties"]["client"]
    spoken_cand = len(answer) / SAMPLE_RATE
    spoken_cli = (len(ask) + len(again)) / SAMPLE_RATE
    # speech has pauses between words: most of it is talk, never more than was said
    assert 0.6 * spoken_cand <= cand["talk_s"] <= spoken_cand + HANG_S + 0.05, (cand, spoken_cand)
    assert 0.6 * spoken_cli <= cli["talk_s"] <= spoken_cli + 2 * HANG_S + 0.05, (cli, spoken_cli)
    assert result["overlaps"] == 0
    (silence,) = result["silences"]  # the 6 s, not the 0.8 s between question and answer
    start = (len(ask) + len(gap) + len(answer)) / SAMPLE_RATE
    assert start - 0.5 <= silence["start_s"] <= start + HANG_S + 0.05
    assert abs(silence["end_s"] - (start + 6.0)) <= 0.3
    assert cand["listening_s"] >= 0.6 * spoken_cli
