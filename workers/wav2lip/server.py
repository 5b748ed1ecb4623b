"""Wav2Lip worker: a portrait and an answer's audio in, lip-synced fragmented MP4 out, streamed.

Protocol: README.md. One process per GPU; renders run one at a time on the GPU and `busy`
counts queued + running renders. Face detection (s3fd) runs once per portrait, keyed by the
SHA-256 of its bytes, and is kept in memory and on disk.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import struct
import subprocess
import threading
import wave
from pathlib import Path

import cv2
import numpy as np
import torch
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

# From the Wav2Lip repository (cloned into the image, see Dockerfile; on PYTHONPATH).
import audio as wav2lip_audio  # noqa: E402
import face_detection  # noqa: E402
from models import Wav2Lip  # noqa: E402

ENGINE = os.environ.get("AVATAR_ENGINE", "wav2lip")  # MuseTalk (MIT) is the planned second engine
DEVICE = os.environ.get("WAV2LIP_DEVICE", "cuda")
CHECKPOINT = os.environ.get("WAV2LIP_CHECKPOINT", "/models/wav2lip_gan.pth")
CACHE_DIR = Path(os.environ.get("WAV2LIP_CACHE_DIR", "/cache"))
FPS = 25
BATCH = int(os.environ.get("WAV2LIP_BATCH", "32"))
MAX_PORTRAIT_BYTES = 10 * 1024 * 1024
MAX_AUDIO_SECONDS = 300
MIME = 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"'
FRAME_SEGMENT, FRAME_END, FRAME_ERROR = 1, 2, 3
MEL_STEP = 16

app = FastAPI()
gpu = threading.Lock()
state = {"busy": 0, "model": None, "detector": None}
faces: dict[str, dict] = {}


@app.on_event("startup")
def load() -> None:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    model = Wav2Lip()
    checkpoint = torch.load(CHECKPOINT, map_location=DEVICE)
    weights = {k.replace("module.", ""): v for k, v in checkpoint["state_dict"].items()}
    model.load_state_dict(weights)
    state["model"] = model.to(DEVICE).eval()
    state["detector"] = face_detection.FaceAlignment(face_detection.LandmarksType._2D, flip_input=False, device=DEVICE)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@app.get("/health")
def health():
    if state["model"] is None:
        return error(503, "loading")
    return {"status": "ok", "engine": ENGINE, "device": DEVICE, "busy": state["busy"]}


def detect(portrait_id: str, image: np.ndarray) -> dict:
    """The face box (padded as Wav2Lip's inference does), from memory, disk, or s3fd once."""
    if portrait_id in faces:
        return faces[portrait_id]
    cached = CACHE_DIR / f"{portrait_id}.face.json"
    if cached.exists():
        face = json.loads(cached.read_text())
    else:
        with gpu:
            found = state["detector"].get_detections_for_batch(np.array([image]))[0]
        if found is None:
            raise HTTPException(422, "no face found in the portrait")
        x1, y1, x2, y2 = (int(v) for v in found)
        height, width = image.shape[:2]
        face = {"x": max(0, x1), "y": max(0, y1), "width": min(width, x2) - max(0, x1), "height": min(height, y2 + 10) - max(0, y1)}
        cached.write_text(json.dumps(face))
    faces[portrait_id] = face
    return face


@app.post("/portraits")
async def upload_portrait(request: Request):
    kind = request.headers.get("content-type", "")
    if kind not in ("image/png", "image/jpeg"):
        return error(415, f"portrait must be image/png or image/jpeg, got {kind or 'nothing'}")
    body = await request.body()
    if len(body) > MAX_PORTRAIT_BYTES:
        return error(413, f"portrait is over {MAX_PORTRAIT_BYTES} bytes")
    image = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return error(400, "portrait is not a decodable image")
    portrait_id = hashlib.sha256(body).hexdigest()
    cached = portrait_id in faces
    (CACHE_DIR / f"{portrait_id}.img").write_bytes(body)
    try:
        face = await asyncio.to_thread(detect, portrait_id, image)
    except HTTPException as failure:
        return error(failure.status_code, failure.detail)
    return {"id": portrait_id, "cached": cached, "face": face}


def read_wav(body: bytes) -> np.ndarray:
    try:
        with wave.open(io.BytesIO(body)) as wav:
            if wav.getframerate() != 16000 or wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise HTTPException(400, "audio must be 16000 Hz mono PCM16 WAV")
            samples = np.frombuffer(wav.readframes(wav.getnframes()), np.int16)
    except wave.Error as failure:
        raise HTTPException(400, f"audio is not a WAV file: {failure}") from failure
    if samples.size == 0 or samples.size > MAX_AUDIO_SECONDS * 16000:
        raise HTTPException(400, f"audio must last from 0 to {MAX_AUDIO_SECONDS} seconds")
    return samples


def frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">IB", len(payload), kind) + payload


def fragments(stream) -> "iter[bytes]":
    """MSE-appendable pieces of ffmpeg's fMP4 output: init + first fragment, then moof+mdat pairs."""
    pending = b""
    in_fragment = False
    while True:
        head = stream.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        body = stream.read(size - 8)
        if kind == b"mfra":
            continue
        pending += head + body
        if kind == b"moof":
            in_fragment = True
        if kind == b"mdat" and in_fragment:
            in_fragment = False
            yield pending
            pending = b""


def render(portrait_id: str, samples: np.ndarray, out: "asyncio.Queue[bytes | None]", loop) -> None:
    """Runs on a thread: Wav2Lip frames in batches into one ffmpeg, fMP4 pieces onto the queue."""
    put = lambda item: asyncio.run_coroutine_threadsafe(out.put(item), loop).result()  # noqa: E731
    image = cv2.imread(str(CACHE_DIR / f"{portrait_id}.img"))
    face = faces[portrait_id]
    wav_path = CACHE_DIR / f"render-{threading.get_ident()}.wav"
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1), wav.setsampwidth(2), wav.setframerate(16000), wav.writeframes(samples.tobytes())
    seconds = samples.size / 16000
    height, width = image.shape[:2]
    width, height = width - width % 2, height - height % 2
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", str(FPS), "-i", "pipe:0",
         "-i", str(wav_path), "-t", f"{seconds:.3f}", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
         "-profile:v", "baseline", "-level", "3.0", "-pix_fmt", "yuv420p", "-g", str(FPS), "-c:a", "aac", "-b:a", "96k", "-ar", "48000",
         "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "pipe:1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    reader = threading.Thread(target=lambda: [put(piece) for piece in fragments(ffmpeg.stdout)])
    reader.start()
    try:
        mel = wav2lip_audio.melspectrogram(samples.astype(np.float32) / 32768.0)
        frames = int(seconds * FPS)
        x, y, w, h = face["x"], face["y"], face["width"], face["height"]
        crop = cv2.resize(image[y:y + h, x:x + w], (96, 96))
        model = state["model"]
        for start in range(0, frames, BATCH):
            count = min(BATCH, frames - start)
            chunks = []
            for i in range(start, start + count):
                index = int(80.0 * i / FPS)
                window = mel[:, max(0, min(index, mel.shape[1] - MEL_STEP)):][:, :MEL_STEP]
                chunks.append(window)
            masked = crop.copy()
            masked[48:] = 0
            faces_in = np.concatenate([np.stack([masked] * count), np.stack([crop] * count)], axis=3) / 255.0
            with gpu, torch.no_grad():
                mels = torch.FloatTensor(np.stack(chunks)[:, None]).to(DEVICE)
                pictures = torch.FloatTensor(np.transpose(faces_in, (0, 3, 1, 2))).to(DEVICE)
                predicted = model(mels, pictures).cpu().numpy().transpose(0, 2, 3, 1) * 255.0
            for mouth in predicted:
                full = image.copy()
                full[y:y + h, x:x + w] = cv2.resize(mouth.astype(np.uint8), (w, h))
                ffmpeg.stdin.write(full[:height, :width].tobytes())
        ffmpeg.stdin.close()
        ffmpeg.wait()
        reader.join()
        if ffmpeg.returncode != 0:
            raise RuntimeError(f"ffmpeg exited {ffmpeg.returncode}")
    finally:
        if ffmpeg.poll() is None:
            ffmpeg.kill()
        wav_path.unlink(missing_ok=True)


@app.post("/render")
async def render_route(request: Request, portrait: str = Query(...)):
    if state["model"] is None:
        return error(503, "loading")
    if portrait not in faces and not (CACHE_DIR / f"{portrait}.img").exists():
        return error(404, f'unknown portrait "{portrait}": upload it to /portraits first')
    try:
        samples = read_wav(await request.body())
        if portrait not in faces:
            await asyncio.to_thread(detect, portrait, cv2.imread(str(CACHE_DIR / f"{portrait}.img")))
    except HTTPException as failure:
        return error(failure.status_code, failure.detail)

    loop = asyncio.get_running_loop()
    out: asyncio.Queue = asyncio.Queue()
    state["busy"] += 1

    async def produce():
        try:
            await asyncio.to_thread(render, portrait, samples, out, loop)
            await out.put(("end", len(samples) / 16000))
        except Exception as failure:  # reported in-band: the headers are already sent
            await out.put(("error", str(failure)))
        finally:
            state["busy"] -= 1

    async def body():
        task = asyncio.create_task(produce())
        count = 0
        while True:
            item = await out.get()
            if isinstance(item, bytes):
                count += 1
                yield frame(FRAME_SEGMENT, item)
            elif item[0] == "end":
                yield frame(FRAME_END, json.dumps({"segments": count, "seconds": item[1]}).encode())
                break
            else:
                yield frame(FRAME_ERROR, json.dumps({"error": item[1]}).encode())
                break
        await task

    return StreamingResponse(body(), media_type="application/octet-stream", headers={"X-Segment-Mime-Type": MIME})
