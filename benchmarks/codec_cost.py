"""What the recordings' Opus encoding costs, and what a cheaper setting would lose.

The profile of the server at 20 rooms (README, *Media benchmark*) found the recorder threads'
stereo Opus encode at ~45 % of the server's core. libopus's `complexity` (0–10, FFmpeg's
`compression_level`) trades CPU for coding efficiency at a given bitrate. This script encodes
the same two-party French speech (espeak-ng, two voices, one per channel) with the recorder
itself (`OggOpusRecorder`, so the per-frame Python and muxing costs are counted too) at each
complexity, and reports:

- the CPU time of the encoding thread per second of audio (`time.thread_time`: the thread's
  own CPU, whatever else the machine is doing), the median of `--repeat` encodings;
- PESQ wideband (ITU-T P.862.2, MOS-LQO 1–4.64) of each channel decoded from the file, against
  the original (the `pesq` package from PyPI; `pip install pesq`);
- the file's size.

    .venv/bin/python -m benchmarks.codec_cost --out benchmarks/results/codec_cost.md

Every run is appended to the results file with the machine's load; nothing is discarded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE
from server.telephony.recorder import OggOpusRecorder

LEFT = (
    "Bonjour, je vous appelle au sujet de ma commande numéro quatre cent douze. Elle devait "
    "arriver mardi, et je n'ai toujours rien reçu. Pouvez-vous vérifier où elle en est, s'il "
    "vous plaît ? Je suis assez mécontent, c'est la deuxième fois que cela arrive."
)
RIGHT = (
    "Je comprends tout à fait votre mécontentement, monsieur. Je consulte votre dossier. Votre "
    "colis a été remis au transporteur lundi ; il sera livré demain avant midi. Je vous envoie "
    "la confirmation par courriel et je vous propose un geste commercial."
)


def speech(text: str, voice: str, pitch: int, rate: int = SAMPLE_RATE) -> np.ndarray:
    """French speech from espeak-ng, resampled to `rate`, mono int16."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", "150", "-w", str(wav), text],
            check=True,
        )
        return read_mono(wav, rate)


def read_mono(path: Path, rate: int, channel: int | None = None) -> np.ndarray:
    """The file's audio at `rate`, mono int16: its one channel, or `channel` of a stereo file."""
    layout = "mono" if channel is None else "stereo"
    resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
    parts: list[np.ndarray] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(frame)]
    parts += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    pcm = np.concatenate(parts).astype(np.int16)
    return pcm if channel is None else pcm.reshape(-1, 2)[:, channel].copy()


def stereo_frames(left: np.ndarray, right: np.ndarray) -> list[np.ndarray]:
    n = max(len(left), len(right))
    n += -n % FRAME_SAMPLES
    both = np.zeros((n, 2), dtype=np.int16)
    both[: len(left), 0] = left
    both[: len(right), 1] = right
    return [both[i : i + FRAME_SAMPLES].reshape(-1).copy() for i in range(0, n, FRAME_SAMPLES)]


def encode(frames: list[np.ndarray], path: Path, complexity: int, bitrate: int) -> float:
    """Encode through the recorder; the CPU seconds its writer thread spent."""
    recorder = OggOpusRecorder(path, bitrate, complexity=complexity)
    recorder.open()
    cpu: list[float] = []
    original = recorder._write  # noqa: SLF001

    def timed(item, ahead):
        start = time.thread_time()
        original(item, ahead)
        cpu.append(time.thread_time() - start)

    recorder._write = timed  # type: ignore[method-assign]  # noqa: SLF001
    for frame in frames:
        while recorder._queue.full():  # noqa: SLF001 - never drop: the cost is what is measured
            time.sleep(0.001)
        recorder.push(frame)
    recorder.finish()
    assert recorder.frames_dropped == 0
    return sum(cpu)


def pesq_wb(reference: np.ndarray, degraded: np.ndarray) -> float:
    from pesq import pesq  # the benchmark's only extra: pip install pesq

    n = min(len(reference), len(degraded))
    return float(
        pesq(16_000, reference[:n].astype(np.float32), degraded[:n].astype(np.float32), "wb")
    )


def to16k(pcm48: np.ndarray) -> np.ndarray:
    frame = av.AudioFrame.from_ndarray(pcm48.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    resampler = av.AudioResampler(format="s16", layout="mono", rate=16_000)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexity", type=int, nargs="+", default=[10, 5, 0])
    parser.add_argument("--bitrate", type=int, nargs="+", default=[48_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    left = speech(LEFT, "fr", 40)
    right = speech(RIGHT, "fr+f3", 70)
    frames = stereo_frames(left, right)
    seconds = len(frames) * FRAME_SAMPLES / SAMPLE_RATE
    left16, right16 = to16k(left), to16k(right)
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for complexity, bitrate in [(c, b) for c in args.complexity for b in args.bitrate]:
            path = Path(tmp) / f"c{complexity}-{bitrate}.ogg"
            cpus = [encode(frames, path, complexity, bitrate) for _ in range(args.repeat)]
            decoded_l = read_mono(path, 16_000, channel=0)
            decoded_r = read_mono(path, 16_000, channel=1)
            rows.append(
                {
                    "complexity": complexity,
                    "bitrate": bitrate,
                    "cpu_ms_per_s": [round(c / seconds * 1000, 2) for c in cpus],
                    "median": round(statistics.median(cpus) / seconds * 1000, 2),
                    "pesq_left": round(pesq_wb(left16, decoded_l), 2),
                    "pesq_right": round(pesq_wb(right16, decoded_r), 2),
                    "kbytes_per_min": round(path.stat().st_size / seconds * 60 / 1000, 1),
                }
            )
            print(rows[-1], flush=True)
    load_after = os.getloadavg()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"\n## Run of {stamp} ({platform.node()}, commit {commit})\n",
        f"{seconds:.1f} s of two-party speech, {args.repeat} encodings per row; load average "
        f"before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min).\n",
        "| complexity | bit/s | encoder thread CPU, ms per s of audio "
        "(each encoding) | median | PESQ-WB left | PESQ-WB right | kB per minute |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row[k] for k in ("complexity", "bitrate")]
        cells.append(", ".join(map(str, row["cpu_ms_per_s"])))
        cells += [row[k] for k in ("median", "pesq_left", "pesq_right", "kbytes_per_min")]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()
