"""Wav2Lip worker: a portrait and an answer's audio in, lip-synced fragmented MP4 out, streamed.

Protocol and settings: README.md. One process per GPU; renders take turns on the device and `busy`
counts the renders in progress. The face is found once per portrait, keyed by the SHA-256 of its
bytes, and kept in memory and on disk. The lip-sync network (lip_networks.py), the face detector
(face_detectors.py) and the audio features (mel_spectrogram.py) are separate parts, so the same
server runs Wav2Lip on a GPU box and a tiny network of the same shapes on CPU in the tests.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import logging
import os
import re
import struct
import subprocess
import tempfile
import threading
import wave
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np
import torch
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from face_detectors import create_detector, pad_box
from lip_networks import FACE_SIZE, load_network
from mel_spectrogram import SAMPLE_RATE, mel_windows, melspectrogram

ENGINE = os.environ.get("AVATAR_ENGINE", "wav2lip")  # MuseTalk (MIT) is the planned second engine
DEVICE = os.environ.get("WAV2LIP_DEVICE", "cuda")
NETWORK = os.environ.get("WAV2LIP_NETWORK", "wav2lip")
CHECKPOINT = os.environ.get("WAV2LIP_CHECKPOINT", "/models/wav2lip_gan.pth")
FACE_DETECTOR = os.environ.get("WAV2LIP_FACE_DETECTOR", "auto")
CACHE_DIR = Path(os.environ.get("WAV2LIP_CACHE_DIR", "/cache"))
FFMPEG = os.environ.get("WAV2LIP_FFMPEG", "ffmpeg")
BATCH = int(os.environ.get("WAV2LIP_BATCH", "32"))
FPS = 25
MAX_PORTRAIT_BYTES = 10 * 1024 * 1024
MAX_AUDIO_SECONDS = 300
# The WAV header is small: anything much past the samples is not the audio the client sends.
MAX_AUDIO_BYTES = MAX_AUDIO_SECONDS * SAMPLE_RATE * 2 + 64 * 1024
MIME = 'video/mp4; codecs="avc1.42C01E, mp4a.40.2"'
FRAME_SEGMENT, FRAME_END, FRAME_ERROR = 1, 2, 3
PORTRAIT_ID = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger("wav2lip")


class Refused(Exception):
    """A request the worker turns down before any stream starts: an HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Cancelled(Exception):
    """The client went away: the render stops at the next batch."""


state: dict = {"network": None, "detector": None, "busy": 0, "face_detections": 0, "finished": 0, "cancelled": 0, "failed": 0}
faces: dict[str, dict] = {}
device_lock = threading.Lock()  # one batch (or detection) at a time on the device
running: set[asyncio.Task] = set()  # renders whose client left, kept referenced until they stop


def check_ffmpeg() -> None:
    """Fails the start, not the first render, when ffmpeg is missing or cannot write H.264."""
    try:
        encoders = subprocess.run([FFMPEG, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30).stdout
    except OSError as failure:
        raise RuntimeError(f"ffmpeg is not runnable at WAV2LIP_FFMPEG={FFMPEG}: {failure}") from failure
    if "libx264" not in encoders:
        raise RuntimeError(f"ffmpeg at WAV2LIP_FFMPEG={FFMPEG} has no libx264 encoder")


@contextlib.asynccontextmanager
async def lifespan(_: FastAPI):
    logging.basicConfig(level=logging.INFO)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    check_ffmpeg()
    state["detector"] = create_detector(FACE_DETECTOR, DEVICE)
    state["network"] = load_network(NETWORK, CHECKPOINT, DEVICE)
    melspectrogram(np.zeros(SAMPLE_RATE // 5, np.float32))  # librosa's first call is slow: not in the first answer
    log.info("ready: network %s, face detector %s, device %s", NETWORK, state["detector"].name, DEVICE)
    yield


app = FastAPI(lifespan=lifespan)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@app.get("/health")
def health():
    if state["network"] is None:
        return error(503, "loading")
    return {
        "status": "ok",
        "engine": ENGINE,
        "device": DEVICE,
        "busy": state["busy"],
        "network": NETWORK,
        "faceDetector": state["detector"].name,
        # Detector runs by this process: a portrait seen before (memory or disk) adds none.
        "faceDetections": state["face_detections"],
        "renders": {"finished": state["finished"], "cancelled": state["cancelled"], "failed": state["failed"]},
    }


def find_face(portrait_id: str, image: np.ndarray) -> tuple[dict, bool]:
    """The padded face box and whether it came from the cache (memory, then disk) rather than the detector."""
    if portrait_id in faces:
        return faces[portrait_id], True
    cached = CACHE_DIR / f"{portrait_id}.face.json"
    if cached.exists():
        face = json.loads(cached.read_text())
        faces[portrait_id] = face
        return face, True
    with device_lock:
        found = state["detector"].detect(image)
        state["face_detections"] += 1
    if found is None:
        raise Refused(422, f"no face found in the portrait ({state['detector'].name} detector): it needs one face seen from the front")
    height, width = image.shape[:2]
    face = pad_box(found, height, width)
    if face["width"] < 16 or face["height"] < 16:
        raise Refused(422, f"the face found in the portrait is too small ({face['width']}x{face['height']} pixels)")
    # Written whole then renamed: a crash never leaves half a box for the next start to read.
    partial = cached.with_suffix(".partial")
    partial.write_text(json.dumps(face))
    partial.replace(cached)
    faces[portrait_id] = face
    return face, False


@app.post("/portraits")
async def upload_portrait(request: Request):
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind not in ("image/png", "image/jpeg"):
        return error(415, f"portrait must be image/png or image/jpeg, got {kind or 'nothing'}")
    body = await request.body()
    if len(body) > MAX_PORTRAIT_BYTES:
        return error(413, f"portrait is over {MAX_PORTRAIT_BYTES} bytes")
    image = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return error(400, "portrait is not a decodable image")
    portrait_id = hashlib.sha256(body).hexdigest()
    try:
        face, cached = await asyncio.to_thread(find_face, portrait_id, image)
    except Refused as refused:
        return error(refused.status, refused.message)
    # Only portraits with a face are kept: a render can then trust what it finds on disk.
    stored = CACHE_DIR / f"{portrait_id}.img"
    if not stored.exists():
        stored.with_suffix(".partial").write_bytes(body)
        stored.with_suffix(".partial").replace(stored)
    return {"id": portrait_id, "cached": cached, "face": face}


def read_wav(body: bytes) -> np.ndarray:
    try:
        with wave.open(io.BytesIO(body)) as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            if (rate, channels, width) != (SAMPLE_RATE, 1, 2):
                raise Refused(400, f"the audio must be 16000 Hz mono PCM16 WAV, got {rate} Hz, {channels} channel(s), {8 * width}-bit")
            samples = np.frombuffer(wav.readframes(wav.getnframes()), np.int16)
    except (wave.Error, EOFError) as failure:
        raise Refused(400, f"the audio is not a WAV file: {failure}") from failure
    if samples.size == 0:
        raise Refused(400, "the audio is empty")
    if samples.size > MAX_AUDIO_SECONDS * SAMPLE_RATE:
        raise Refused(400, f"the audio lasts {samples.size / SAMPLE_RATE:.1f} s, over the {MAX_AUDIO_SECONDS} s limit")
    return samples


def frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">IB", len(payload), kind) + payload


def fragments(stream) -> Iterator[bytes]:
    """MSE-appendable pieces of ffmpeg's fMP4 output: init + first fragment, then moof+mdat pairs."""
    pending = b""
    in_fragment = False
    while True:
        head = stream.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        if size == 1:  # a 64-bit size follows the type
            large = stream.read(8)
            head += large
            size = struct.unpack(">Q", large)[0]
        body = stream.read(size - len(head))
        if kind == b"mfra":  # the random-access index at the end: no use to a stream
            continue
        pending += head + body
        if kind == b"moof":
            in_fragment = True
        if kind == b"mdat" and in_fragment:
            in_fragment = False
            yield pending
            pending = b""


def frame_count(samples: int) -> int:
    """Video frames covering the whole audio, the last one partly past its end.

    Every frame made is encoded: no `-t` on ffmpeg, whose cut keeps a frame only when its middle
    is before the limit, so the count would depend on its rounding rather than on this function.
    """
    return -(-samples * FPS // SAMPLE_RATE)


def render(image: np.ndarray, face: dict, samples: np.ndarray, emit: Callable[[bytes], None], cancel: threading.Event) -> None:
    """Runs on a thread: network frames in batches into one ffmpeg, its fMP4 pieces to `emit`."""
    height, width = image.shape[:2]
    width, height = width - width % 2, height - height % 2  # yuv420p needs even sides
    # The audio as a WAV in an already-unlinked temporary file, handed to ffmpeg as an inherited
    # descriptor: nothing is left on disk even when the worker is killed mid-render.
    audio = tempfile.TemporaryFile()
    with wave.open(audio, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.tobytes())
    audio.flush()
    errors = tempfile.TemporaryFile()
    ffmpeg = None
    reader = None
    try:
        ffmpeg = subprocess.Popen(
            [FFMPEG, "-hide_banner", "-v", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", str(FPS), "-i", "pipe:0",
             "-i", f"/dev/fd/{audio.fileno()}", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
             "-profile:v", "baseline", "-level", "3.0", "-pix_fmt", "yuv420p", "-g", str(FPS), "-c:a", "aac", "-b:a", "96k", "-ar", "48000",
             "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", "pipe:1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, pass_fds=(audio.fileno(),),
        )
        reader = threading.Thread(target=lambda: [emit(piece) for piece in fragments(ffmpeg.stdout)], daemon=True)
        reader.start()

        frames = frame_count(samples.size)
        windows = mel_windows(melspectrogram(samples.astype(np.float32) / 32768.0), frames, FPS)
        x, y, w, h = face["x"], face["y"], face["width"], face["height"]
        # As Wav2Lip's inference: the 96x96 face, its lower half blanked for the network to fill
        # in, beside the whole face as the reference; BGR, 0..1, channels first.
        crop = cv2.resize(image[y:y + h, x:x + w], (FACE_SIZE, FACE_SIZE))
        masked = crop.copy()
        masked[FACE_SIZE // 2:] = 0
        face_input = np.transpose(np.concatenate([masked, crop], axis=2) / 255.0, (2, 0, 1)).astype(np.float32)
        base = np.ascontiguousarray(image[:height, :width])
        network = state["network"]
        written = 0
        for start in range(0, frames, BATCH):
            if cancel.is_set():
                raise Cancelled()
            count = min(BATCH, frames - start)
            with device_lock, torch.no_grad():
                mels = torch.from_numpy(windows[start:start + count, None]).to(DEVICE)
                pictures = torch.from_numpy(np.repeat(face_input[None], count, axis=0)).to(DEVICE)
                predicted = network(mels, pictures).clamp(0, 1).cpu().numpy().transpose(0, 2, 3, 1) * 255.0
            video = np.repeat(base[None], count, axis=0)
            for index, mouth in enumerate(predicted):
                # Pasted back into the face box; a box reaching into the odd last row/column is cut with the frame.
                pasted = cv2.resize(mouth.astype(np.uint8), (w, h))
                video[index, y:y + h, x:x + w] = pasted[: max(0, height - y), : max(0, width - x)]
            try:
                ffmpeg.stdin.write(video.tobytes())
                written += count
            except BrokenPipeError:
                break  # ffmpeg died: its exit status and message are reported below
        with contextlib.suppress(BrokenPipeError):
            ffmpeg.stdin.close()
        code = ffmpeg.wait()
        reader.join()
        if code != 0 or written < frames:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise RuntimeError(f"ffmpeg stopped (exit {code}) after {written} of {frames} frames: {message[0]}")
    finally:
        if ffmpeg is not None:
            if ffmpeg.poll() is None:
                ffmpeg.kill()
            ffmpeg.wait()
            with contextlib.suppress(BrokenPipeError):
                ffmpeg.stdin.close()
        if reader is not None:
            reader.join()
        errors.close()
        audio.close()


@app.post("/render")
async def render_route(request: Request, portrait: str = Query(...)):
    if state["network"] is None:
        return error(503, "loading")
    if not PORTRAIT_ID.fullmatch(portrait):
        return error(400, f'portrait must be the SHA-256 id (64 hex digits) /portraits answered, got "{portrait[:80]}"')
    stored = CACHE_DIR / f"{portrait}.img"
    if portrait not in faces and not stored.exists():
        return error(404, f'unknown portrait "{portrait}": upload it to /portraits first')
    body = await request.body()
    if len(body) > MAX_AUDIO_BYTES:
        return error(413, f"the audio is over {MAX_AUDIO_BYTES} bytes (the limit is {MAX_AUDIO_SECONDS} s of 16 kHz PCM16)")
    try:
        samples = read_wav(body)
        image = cv2.imread(str(stored))
        if image is None:
            return error(404, f'portrait "{portrait}" is no longer in the cache: upload it to /portraits again')
        face, _ = await asyncio.to_thread(find_face, portrait, image)
    except Refused as refused:
        return error(refused.status, refused.message)

    loop = asyncio.get_running_loop()
    out: asyncio.Queue = asyncio.Queue()
    cancel = threading.Event()

    def emit(piece: bytes) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: the server is stopping
            loop.call_soon_threadsafe(out.put_nowait, piece)

    async def produce() -> None:
        try:
            await asyncio.to_thread(render, image, face, samples, emit, cancel)
            state["finished"] += 1
            out.put_nowait(("end", samples.size / SAMPLE_RATE))
        except Cancelled:
            state["cancelled"] += 1
            log.info("render over %s cancelled: the client left", portrait[:12])
        except Exception as failure:  # reported in-band: the headers are already sent
            state["failed"] += 1
            log.exception("render over %s failed", portrait[:12])
            out.put_nowait(("error", str(failure) or type(failure).__name__))
        finally:
            state["busy"] -= 1

    async def body_frames():
        # Counted from the first byte: a response never started never held the device.
        state["busy"] += 1
        task = asyncio.create_task(produce())
        running.add(task)
        task.add_done_callback(running.discard)
        count = 0
        try:
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
        finally:
            # Reached on the end frame and when the client disconnects (the generator is
            # cancelled or closed): either way the render thread stops at its next batch.
            cancel.set()

    return StreamingResponse(body_frames(), media_type="application/octet-stream", headers={"X-Segment-Mime-Type": MIME})
