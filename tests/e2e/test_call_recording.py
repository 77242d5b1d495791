"""Two Chromium pages with fake microphones (440 Hz for the candidate, 1000 Hz for the client
juror) call each other through the server; the recording holds each on its channel."""

from __future__ import annotations

import time
import wave
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from server.exams import timeline_service
from server.scenarios.pack.types import SimulationKind
from server.telephony.audio import SAMPLE_RATE
from server.telephony.probe import level_at
from tests.e2e.conftest import LiveServer, new_page

pytestmark = pytest.mark.browser
PACK = "plateforme-horizon"

# Signs in with a code, opens the page's WebSocket and its one peer connection (fake mic).
CONNECT = """
async ([code, candidateId]) => {
  const r = await fetch("/api/auth/code", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify({code})});
  if (!r.ok) throw new Error("sign-in " + r.status);
  const { PlateauSocket } = await import("/static/js/socket.js");
  const socket = new PlateauSocket();
  window.plateauSocket = socket;
  const opened = new Promise((ok) => socket.addEventListener("snapshot", ok, {once: true}));
  socket.connect();
  await opened;
  const mic = await navigator.mediaDevices.getUserMedia({audio: true});
  const pc = new RTCPeerConnection({iceServers: []});
  mic.getTracks().forEach((t) => pc.addTrack(t, mic));
  pc.ontrack = (ev) => { const a = new Audio(); a.srcObject = ev.streams[0] || new MediaStream([ev.track]); a.play(); };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((ok) => {
    if (pc.iceGatheringState === "complete") return ok();
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && ok());
  });
  const offer = {type: "rtc.offer", sdp: pc.localDescription.sdp};
  if (candidateId) offer.candidate_id = candidateId;
  const answer = await socket.request(offer);
  await pc.setRemoteDescription({type: "answer", sdp: answer.sdp});
  await new Promise((ok) => {
    if (pc.connectionState === "connected") return ok();
    pc.addEventListener("connectionstatechange", () => pc.connectionState === "connected" && ok());
  });
  window.plateauPc = pc;
  return pc.connectionState;
}
"""


def tone_file(path: Path, hz: float, seconds: float = 30.0) -> Path:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    pcm = (0.3 * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return path


async def _into_calls_phase(ctx: Any, candidate_id: str) -> None:
    start = ctx.clock.now() - timedelta(minutes=60, seconds=5)  # the calls began 5 s ago
    await timeline_service.run(
        ctx, candidate_id, lambda t: t.start_at(start, by="test"), actor="test"
    )


def test_two_browsers_call_through_the_server_and_the_recording_keeps_the_channels(
    make_server: Any, launch_browser: Any, tmp_path: Path
) -> None:
    server: LiveServer = make_server(pack_id=PACK)
    assert server.day is not None
    cand = server.day.ids["cand_a"]
    server.call(_into_calls_phase, server.ctx, cand)
    sim = next(
        s
        for s in server.ctx.packs[PACK]
        .for_format(server.ctx.titles["CRCD"].format("titre"))
        .simulations
        if s.kind is SimulationKind.INBOUND_CALL
    )
    candidate = new_page(launch_browser(fake_audio=tone_file(tmp_path / "c.wav", 440)), server)
    client = new_page(launch_browser(fake_audio=tone_file(tmp_path / "k.wav", 1000)), server)
    for page in (candidate, client):
        page.goto("/connexion")
    assert candidate.evaluate(CONNECT, [server.day.codes["cand_a"], None]) == "connected"
    assert client.evaluate(CONNECT, [server.day.codes["client_a"], cand]) == "connected"

    call = client.evaluate(
        "([c, s]) => window.plateauSocket.request({type: 'call.ring', candidate_id: c, simulation_id: s})",
        [cand, sim.id],
    )
    answered = candidate.evaluate(
        "(id) => window.plateauSocket.request({type: 'call.answer', call_id: id})", call["id"]
    )
    assert answered["state"] == "en_ligne"
    time.sleep(3)
    # Each page receives audio from the other side.
    for page in (candidate, client):
        energy = page.evaluate(
            """async () => { const s = await window.plateauPc.getStats(); let e = 0;
               s.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') e += r.totalAudioEnergy || 0; });
               return e; }"""
        )
        assert energy > 0
    ended = client.evaluate(
        "(id) => window.plateauSocket.request({type: 'call.hangup', call_id: id})", call["id"]
    )
    assert ended["state"] == "termine"

    path = server.ctx.settings.recordings_path / server.day.session_id / cand / f"{call['id']}.ogg"
    with av.open(str(path)) as container:
        audio = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], axis=1)
    assert audio.shape[1] > 2 * SAMPLE_RATE
    left, right = audio[0, SAMPLE_RATE:], audio[1, SAMPLE_RATE:]
    assert level_at(left, 440) > 0.5 and level_at(left, 1000) < 0.05
    assert level_at(right, 1000) > 0.5 and level_at(right, 440) < 0.05
