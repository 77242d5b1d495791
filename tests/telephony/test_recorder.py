from __future__ import annotations

import shutil
import time
from pathlib import Path

import av
import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, stereo, tone
from server.telephony.opus import OpusDecoder, OpusEncoder, encode_loop, silence_packet
from server.telephony.probe import level_at
from server.telephony.recorder import OggOpusRecorder, sha256_of, write_sidecar


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 2
        parts = [frame.to_ndarray() for frame in container.decode(stream)]
    return np.concatenate(parts, axis=1)  # planar float: (2, samples)


def push_seconds(recorder: OggOpusRecorder, seconds: float, start_frame: int = 0) -> None:
    for n in range(start_frame, start_frame + round(seconds * 50)):
        left = tone(440, 0.02, start=n * FRAME_SAMPLES)
        right = tone(1000, 0.02, start=n * FRAME_SAMPLES)
        recorder.push(stereo(left, right))


def test_left_is_left_right_is_right_and_the_size_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    push_seconds(recorder, 3)
    recorder.finish()
    audio = decode(path)
    assert audio.shape[1] == 150 * FRAME_SAMPLES
    left, right = audio[0, SAMPLE_RATE:], audio[1, SAMPLE_RATE:]
    assert level_at(left, 440) > 0.95 and level_at(left, 1000) < 0.01
    assert level_at(right, 1000) > 0.95 and level_at(right, 440) < 0.01
    assert recorder.frames_written == 150 and recorder.frames_dropped == 0
    per_minute = path.stat().st_size / 3 * 60
    assert per_minute < 1_000_000


def test_a_crash_loses_at_most_the_last_second_or_so(tmp_path: Path) -> None:
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    push_seconds(recorder, 3)
    deadline = time.monotonic() + 60  # waits for the writer thread; no timing asserted
    while recorder.frames_written < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    snapshot = tmp_path / "as-left-by-a-crash.ogg"
    shutil.copyfile(path, snapshot)  # the file as it is on disk mid-call, never closed
    recorder.finish()
    survived = decode(snapshot).shape[1] / SAMPLE_RATE
    assert survived >= 1.9, survived


def test_sidecar_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    write_sidecar(tmp_path / "x.json", {"a": "é"})
    assert (tmp_path / "x.json").read_text(encoding="utf-8") == '{\n  "a": "é"\n}\n'
    assert not list(tmp_path.glob("*.tmp"))


def test_the_encoder_s_complexity_is_a_choice_within_libopus_s_range(tmp_path: Path) -> None:
    """benchmarks/codec_cost.py measures what each complexity costs and loses; the recorder
    takes it (0-10) and refuses anything else before opening a file."""
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path, complexity=0)
    recorder.open()
    push_seconds(recorder, 1)
    recorder.finish()
    assert decode(path).shape[1] == 50 * FRAME_SAMPLES
    for wrong in (-1, 11):
        with pytest.raises(ValueError, match="complexité Opus entre 0 et 10"):
            OggOpusRecorder(tmp_path / f"{wrong}.ogg", complexity=wrong)
        assert not (tmp_path / f"{wrong}.ogg").exists()


def libopus_decode(path: Path) -> np.ndarray:
    """Both channels (int16), decoded by libopus from the file's own OpusHead."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        codec = av.CodecContext.create("libopus", "r")
        codec.extradata = stream.codec_context.extradata
        parts = [f.to_ndarray() for p in container.demux(stream) for f in codec.decode(p)]
    interleaved = np.concatenate(parts, axis=1).reshape(-1)
    return np.stack([interleaved[0::2], interleaved[1::2]]).astype(np.int32)


def test_the_parties_packets_are_recorded_as_they_are_not_encoded_again(tmp_path: Path) -> None:
    """Each frame that is one packet of a party goes into the file as that packet: the file
    decodes, bit for bit, to what the room decoded from the same packets; b"" is silence."""
    left_packets = encode_loop(tone(440, 2.0))
    right_packets = encode_loop(tone(1000, 2.0))
    left_decoder, right_decoder = OpusDecoder(), OpusDecoder()
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    expected: list[np.ndarray] = []
    for n, (a, b) in enumerate(zip(left_packets, right_packets, strict=True)):
        left, right = left_decoder.decode(a), right_decoder.decode(b)
        if n == 30:  # the client has nothing in this frame (its packet lost): silence
            recorder.push(stereo(left, np.zeros(FRAME_SAMPLES, np.int16)), (a, b""))
            expected.append(np.stack([left, OpusDecoder().decode(silence_packet())]))
            continue
        recorder.push(stereo(left, right), (a, b))
        expected.append(np.stack([left, right]))
    recorder.finish()
    assert recorder.frames_encoded == 0 and recorder.frames_written == len(left_packets)
    audio = libopus_decode(path)
    want = np.concatenate(expected, axis=1).astype(np.int32)
    assert audio.shape == want.shape
    np.testing.assert_array_equal(audio[0], want[0])
    np.testing.assert_array_equal(audio[1, : 30 * FRAME_SAMPLES], want[1, : 30 * FRAME_SAMPLES])
    # silence, once the decoder's fade-out of the tone before it (its first few ms) is over
    assert np.abs(audio[1, 30 * FRAME_SAMPLES + 480 : 31 * FRAME_SAMPLES]).max() < 300


def clicks(frames: int, every: int, offset: int) -> np.ndarray:
    """Short 2 kHz bursts every `every` samples from `offset`, on a quiet hum."""
    pcm = tone(150, frames * FRAME_SAMPLES / SAMPLE_RATE).astype(np.float64) * 0.05
    burst = tone(2000, 0.003).astype(np.float64)
    for at in range(offset, len(pcm) - len(burst), every):
        pcm[at : at + len(burst)] += burst
    return np.clip(pcm, -32768, 32767).astype(np.int16)


def onsets(channel: np.ndarray, every: int, offset: int, count: int) -> list[int]:
    """Where each burst starts in `channel` (the first sample over a third of its peak),
    relative to where it was put."""
    found = []
    for k in range(1, count):
        at = offset + k * every
        window = np.abs(channel[at - 400 : at + 400].astype(np.float64))
        found.append(int(np.argmax(window > window.max() / 3)) - 400)
    return found


def test_encoded_frames_land_on_their_own_samples(tmp_path: Path) -> None:
    """A frame that is no packet is encoded with the encoder's look-ahead taken into account:
    the file has no pre-skip and each burst is where it was in the frames pushed (not 312
    samples, 6.5 ms, later)."""
    every, offset = 4_800, 1_000  # a burst every 100 ms
    left = clicks(100, every, offset)
    right = clicks(100, every, offset + 2_400)
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    for n in range(100):
        part = slice(n * FRAME_SAMPLES, (n + 1) * FRAME_SAMPLES)
        recorder.push(stereo(left[part], right[part]))
    recorder.finish()
    assert recorder.frames_encoded == 200
    audio = libopus_decode(path)
    assert audio.shape[1] == 100 * FRAME_SAMPLES
    for channel, start in ((0, offset), (1, offset + 2_400)):
        shifts = onsets(audio[channel], every, start, 18)
        assert all(abs(s) <= 24 for s in shifts), shifts  # within 0.5 ms


def test_a_frame_between_packets_is_encoded_in_its_place(tmp_path: Path) -> None:
    """A concealed frame (no packet) between a party's packets: the file holds the packets'
    audio around it and that frame's own samples in it (the encoder heard the frame before
    it first), then the packets' audio again."""
    every, offset = 4_800, 1_000
    pcm = clicks(60, every, offset)
    encoder = OpusEncoder()
    packets = [
        encoder.encode(pcm[n * FRAME_SAMPLES : (n + 1) * FRAME_SAMPLES])[0] for n in range(60)
    ]
    decoder = OpusDecoder()
    decoded = np.concatenate([decoder.decode(p) for p in packets])
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    concealed = {15, 16, 31}  # frames written from their samples, not a packet
    for n in range(60):
        part = decoded[n * FRAME_SAMPLES : (n + 1) * FRAME_SAMPLES]
        recorder.push(stereo(part, part), (None if n in concealed else packets[n], packets[n]))
    recorder.finish()
    assert recorder.frames_encoded == len(concealed)
    audio = libopus_decode(path)
    np.testing.assert_array_equal(audio[1], decoded)  # the right: packets only
    np.testing.assert_array_equal(audio[0, : 15 * FRAME_SAMPLES], decoded[: 15 * FRAME_SAMPLES])
    # frame 15 holds the burst at 15 × 960 + 600 = 1000 + 3 × 4800: in its place
    mine, theirs = onsets(audio[0], every, offset, 6)[-3:], onsets(decoded, every, offset, 6)[-3:]
    assert all(abs(a - b) <= 24 for a, b in zip(mine, theirs, strict=True)), (mine, theirs)
    here = audio[0, 15 * FRAME_SAMPLES : 17 * FRAME_SAMPLES].astype(np.float64)
    there = decoded[15 * FRAME_SAMPLES : 17 * FRAME_SAMPLES].astype(np.float64)
    # (not bit for bit: the file's decoder goes from the sender's stream to the recorder's
    # encoder and back, each switch a few ms of mismatch; 0.87 measured)
    assert np.corrcoef(here, there)[0, 1] > 0.8


def test_a_stalled_disk_drops_frames_as_silence_in_their_place_not_shifting_what_follows(
    tmp_path: Path,
) -> None:
    """A disk that blocks the writer for longer than its queue holds: the frames that could
    not wait are dropped (counted), and the file keeps its timeline: what follows once the
    writer caught up is at its own time, the dropped stretch silent, the file as long as
    what was pushed."""
    import threading

    from server.telephony.recording_sink import OsFile

    unblock = threading.Event()
    blocked = threading.Event()
    audio_bytes = [0]

    class SlowDisk(OsFile):
        def write(self, data: bytes) -> None:
            audio_bytes[0] += len(data)
            if audio_bytes[0] > 4000 and not unblock.is_set():  # past the headers: stall
                blocked.set()
                unblock.wait(timeout=120)
            super().write(data)

    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path, open_file=SlowDisk)
    recorder.open()
    push_seconds(recorder, 2)  # on disk, or waiting to be
    assert blocked.wait(timeout=60)
    total = 2 * 50
    while recorder.frames_dropped == 0:  # the stalled writer's slack runs out
        push_seconds(recorder, 1, start_frame=total)
        total += 50
        assert total < 50 * 60
    push_seconds(recorder, 1, start_frame=total)  # dropped too: the disk still stalls
    total += 50
    unblock.set()
    deadline = time.monotonic() + 120  # the writer catches up; no timing asserted
    while recorder.frames_written + recorder.silence_owed < total:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    push_seconds(recorder, 2, start_frame=total)
    total += 100
    recorder.finish()

    audio = decode(path)
    assert audio.shape[1] == total * FRAME_SAMPLES  # the file keeps the call's length
    assert recorder.frames_dropped > 0
    # the last two seconds (pushed after the stall) are where they were pushed: 440 Hz
    # left, phase-continuous with the generator's own time
    tail = audio[0, (total - 90) * FRAME_SAMPLES : total * FRAME_SAMPLES]
    expected = tone(440, 1.8, start=(total - 90) * FRAME_SAMPLES).astype(np.float64) / 32768
    corr = float(np.dot(tail, expected) / (np.linalg.norm(tail) * np.linalg.norm(expected)))
    assert corr > 0.9, corr
