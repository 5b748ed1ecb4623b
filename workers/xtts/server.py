"""XTTS v2 worker: zero-shot voice cloning from voices/NAME, streamed as raw PCM16.

Protocol (see README.md):
  GET  /health                 -> {"status":"ok","model":"xtts_v2","device":"cuda","busy":N}
  POST /voices/{name}/latents  -> computes + caches speaker latents from voices/NAME/*.wav|flac|mp3|ogg
  POST /tts/stream             {"text","voice","language":"en","sample_rate":24000}
                               -> 200 application/octet-stream, chunked PCM16 LE mono, X-Sample-Rate: 24000
Errors before streaming starts: JSON {"error": "..."} with a 4xx/5xx status. An error after
streaming started closes the connection without the final chunk (the client sees a cut stream).

Environment: VOICES_DIR (/voices), XTTS_MODEL_DIR (/models/xtts_v2), XTTS_CACHE_DIR (/cache),
XTTS_DEVICE (cuda), COQUI_TOS_AGREED=1 to allow the one-time weight download (CPML licence).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import textwrap
import threading
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, AsyncIterator

import numpy as np
import torch
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

VOICES_DIR = Path(os.environ.get("VOICES_DIR", "/voices"))
MODEL_DIR = Path(os.environ.get("XTTS_MODEL_DIR", "/models/xtts_v2"))
CACHE_DIR = Path(os.environ.get("XTTS_CACHE_DIR", "/cache"))
DEVICE = os.environ.get("XTTS_DEVICE", "cuda")
SAMPLE_RATE = 24000
CLIP_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg"}
VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh-cn", "hu", "ko", "ja", "hi"}
MAX_TEXT_CHARS = 2000
CLONING_PURPOSE = "voice-cloning"
XTTS_MODEL_NAME = "tts_models/multilingual/multi-dataset/xtts_v2"
log = logging.getLogger("uvicorn.error")  # printed with uvicorn's own messages


class State:
    model: Any = None
    # One synthesis or latent computation on the device at a time. A thread lock, not an asyncio
    # one: it is held by the thread doing the work, so a request whose client went away keeps
    # the model until its thread has really stopped, and the next one cannot overlap it.
    model_lock = threading.Lock()
    busy = 0  # synthesis requests queued or running
    busy_lock = threading.Lock()
    latents: dict[str, tuple[str, Any, Any]] = {}  # name -> (fingerprint, gpt_cond_latent, speaker_embedding)
    latents_lock = threading.Lock()


state = State()


def add_busy(delta: int) -> None:
    with state.busy_lock:
        state.busy += delta


def download_model() -> Path:
    """The released weights through coqui-tts (into $TTS_HOME), or a RuntimeError that says what to do."""
    from TTS.utils.manage import ModelManager

    try:
        path, _, _ = ModelManager().download_model(XTTS_MODEL_NAME)
    except Exception as exc:  # requests' ConnectionError, ProxyError, HTTPError, a partial file...
        raise RuntimeError(
            f"no XTTS v2 weights in {MODEL_DIR}, and downloading them ({XTTS_MODEL_NAME}) failed: the model hub "
            f"is unreachable or refused ({type(exc).__name__}: {str(exc)[:300]}). Copy config.json, model.pth "
            f"and vocab.json into XTTS_MODEL_DIR={MODEL_DIR} instead, or run once where the hub is reachable"
        ) from exc
    return Path(path)


def load_model() -> Any:
    # Fail before the slow part when the device is wrong.
    if DEVICE.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"XTTS_DEVICE={DEVICE} but CUDA is not available (run the container with --gpus all)")
    from TTS.tts.configs.xtts_config import XttsConfig
    from TTS.tts.models.xtts import Xtts

    model_dir = MODEL_DIR
    if not (model_dir / "config.json").exists():
        if os.environ.get("COQUI_TOS_AGREED") != "1":
            raise RuntimeError(
                f"no XTTS v2 weights in {model_dir}; set COQUI_TOS_AGREED=1 to accept the Coqui Public Model "
                "License (non-commercial) and download them, or mount them there"
            )
        model_dir = download_model()
    config = XttsConfig()
    config.load_json(str(model_dir / "config.json"))
    model = Xtts.init_from_config(config)
    model.load_checkpoint(config, checkpoint_dir=str(model_dir), use_deepspeed=False)
    model.to(DEVICE)
    model.eval()
    return model


@asynccontextmanager
async def lifespan(_: FastAPI):
    state.model = await run_in_threadpool(load_model)  # once, at start
    yield
    state.model = None


app = FastAPI(title="persona-xtts", lifespan=lifespan)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": message})


@app.exception_handler(HTTPException)
async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
    return error(exc.status_code, str(exc.detail))


@app.exception_handler(RequestValidationError)
async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", []) if p != "body")
    return error(400, f"invalid request: {where or 'body'}: {first.get('msg', 'invalid')}")


@app.exception_handler(Exception)
async def internal_error(_: Request, exc: Exception) -> JSONResponse:
    return error(500, f"internal error: {type(exc).__name__}: {exc}")


def consent_problem(name: str, file: Path) -> str | None:
    """Why voices/NAME/consent.json does not allow cloning, or None when it does (voices/README.md)."""
    try:
        consent = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"consent.json is not readable JSON ({exc})"
    if not isinstance(consent, dict):
        return "consent.json is not a JSON object"
    if consent.get("voice") != name:
        return f'consent.json is for voice {json.dumps(consent.get("voice"))}, not "{name}"'
    if not isinstance(consent.get("consentBy"), str) or not consent["consentBy"].strip():
        return "consent.json does not name who consented (consentBy)"
    try:
        datetime.fromisoformat(str(consent.get("grantedAt")))
    except ValueError:
        return "consent.json has no ISO 8601 grantedAt"
    purposes = consent.get("purposes")
    if not isinstance(purposes, list) or CLONING_PURPOSE not in purposes:
        return f'the consent does not include the purpose "{CLONING_PURPOSE}"'
    return None


def voice_clips(name: str) -> list[Path]:
    """The reference clips of a voice; refuses unknown names, missing folders and missing or invalid consent."""
    if not VOICE_NAME.match(name):
        raise HTTPException(400, f'invalid voice name "{name}": letters, digits, "-" and "_" only')
    folder = VOICES_DIR / name
    if not folder.is_dir():
        raise HTTPException(404, f'unknown voice "{name}": no folder voices/{name}')
    consent = folder / "consent.json"
    if not consent.is_file():
        raise HTTPException(403, f'voice "{name}" has no consent.json: cloning refused')
    problem = consent_problem(name, consent)
    if problem:
        raise HTTPException(403, f'voice "{name}": cloning refused, {problem}')
    clips = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CLIP_SUFFIXES)
    if not clips:
        raise HTTPException(422, f'voice "{name}" has no reference clips (.wav, .flac, .mp3, .ogg)')
    return clips


def fingerprint(clips: list[Path]) -> str:
    h = hashlib.sha256()
    for p in clips:
        st = p.stat()
        h.update(f"{p.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def get_latents(name: str, force: bool = False) -> tuple[Any, Any, bool]:
    """(gpt_cond_latent, speaker_embedding, computed_now), cached in memory and in XTTS_CACHE_DIR."""
    clips = voice_clips(name)
    fp = fingerprint(clips)
    with state.latents_lock:
        hit = state.latents.get(name)
        if hit and hit[0] == fp and not force:
            return hit[1], hit[2], False
        cache_file = CACHE_DIR / f"{name}.{fp}.latents.pt"
        if cache_file.exists() and not force:
            saved = torch.load(cache_file, map_location=DEVICE)
            gpt, spk = saved["gpt_cond_latent"], saved["speaker_embedding"]
            computed = False
        else:
            with state.model_lock, torch.inference_mode():
                gpt, spk = state.model.get_conditioning_latents(audio_path=[str(p) for p in clips])
            computed = True
            try:
                CACHE_DIR.mkdir(parents=True, exist_ok=True)
                torch.save({"gpt_cond_latent": gpt.cpu(), "speaker_embedding": spk.cpu()}, cache_file)
            except OSError:
                pass  # the cache is an optimisation; memory still holds the latents
        gpt, spk = gpt.to(DEVICE), spk.to(DEVICE)
        state.latents[name] = (fp, gpt, spk)
        return gpt, spk, computed


@app.get("/health")
async def health() -> dict[str, Any]:
    return {"status": "ok", "model": "xtts_v2", "device": DEVICE, "busy": state.busy}


@app.post("/voices/{name}/latents")
async def compute_latents(name: str, force: bool = False) -> dict[str, Any]:
    clips = voice_clips(name)
    _, _, computed = await run_in_threadpool(get_latents, name, force)
    return {"voice": name, "clips": len(clips), "cached": not computed}


class StreamRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    voice: str
    language: str = "en"
    sample_rate: int = SAMPLE_RATE


def pcm16(chunk: torch.Tensor) -> bytes:
    audio = chunk.detach().float().cpu().numpy().reshape(-1)
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def split_text(text: str, language: str) -> list[str]:
    """Sentences packed up to XTTS's per-language character limit.

    coqui-tts's own splitter (`enable_text_splitting=True`) needs spaCy, which is not installed
    (and not needed): sentence ends are enough to keep each piece under the limit.
    """
    limit = state.model.tokenizer.char_limits.get(language.split("-")[0], 250)
    pieces: list[str] = []
    for sentence in re.split(r"(?<=[.!?。！？])\s+", " ".join(text.split())):
        lines = textwrap.wrap(sentence, width=limit, break_on_hyphens=False) if len(sentence) > limit else [sentence]
        for line in lines:
            if pieces and len(pieces[-1]) + 1 + len(line) <= limit:
                pieces[-1] += " " + line
            elif line:
                pieces.append(line)
    return pieces


class Synthesis:
    """One request's synthesis on its own thread, handing PCM chunks to the event loop.

    The thread owns the `inference_stream` generator from start to end (torch's inference mode
    and the generator are per-thread), checks `stop` between chunks, and releases the model
    and the busy count only when it has really finished.
    """

    def __init__(self, pieces: list[str], language: str, gpt: Any, spk: Any) -> None:
        self.pieces, self.language, self.gpt, self.spk = pieces, language, gpt, spk
        self.stop = threading.Event()
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        add_busy(1)  # queued from now on
        threading.Thread(target=self.run, name="xtts-synthesis", daemon=True).start()

    def put(self, item: Any) -> None:
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:
            pass  # the loop has closed (server shutting down): nobody is listening

    def run(self) -> None:
        try:
            while not state.model_lock.acquire(timeout=0.1):  # queue behind the running synthesis
                if self.stop.is_set():
                    return
            sent = 0
            try:
                with torch.inference_mode():
                    for piece in self.pieces:
                        chunks = state.model.inference_stream(piece, self.language, self.gpt, self.spk)
                        try:
                            for chunk in chunks:
                                if self.stop.is_set():
                                    log.info("xtts: synthesis stopped after %d chunks: the client went away", sent)
                                    return
                                self.put(pcm16(chunk))
                                sent += 1
                        finally:
                            chunks.close()
            finally:
                state.model_lock.release()
        except BaseException as exc:  # reported to the response, which cuts the stream
            self.put(exc)
        finally:
            add_busy(-1)
            self.put(None)

    async def chunks(self) -> AsyncIterator[bytes]:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


class SynthesisResponse(StreamingResponse):
    """Stops the synthesis however the response ends: finished, failed, or the client gone.

    Starlette cancels the body when the client disconnects, possibly before the body iterator
    ever ran (so a `finally` inside it is not enough).
    """

    def __init__(self, synthesis: Synthesis) -> None:
        super().__init__(
            synthesis.chunks(),
            media_type="application/octet-stream",
            headers={"X-Sample-Rate": str(SAMPLE_RATE), "Cache-Control": "no-store"},
        )
        self.synthesis = synthesis

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.synthesis.stop.set()


@app.post("/tts/stream")
async def tts_stream(body: StreamRequest) -> StreamingResponse:
    if not body.text.strip():
        raise HTTPException(400, "text is empty")
    if body.language not in LANGUAGES:
        raise HTTPException(400, f'unsupported language "{body.language}"; one of {", ".join(sorted(LANGUAGES))}')
    if body.sample_rate != SAMPLE_RATE:
        raise HTTPException(400, f"sample_rate {body.sample_rate} is not supported; XTTS v2 outputs {SAMPLE_RATE}")
    voice_clips(body.voice)  # 400/403/404/422 as JSON before any audio is sent
    pieces = split_text(body.text, body.language)
    for piece in pieces:
        # Tokenising now turns a text the language cannot take (or a missing optional package,
        # e.g. for ja/zh) into a JSON error instead of a cut stream.
        try:
            state.model.tokenizer.encode(piece.lower(), body.language)
        except Exception as exc:
            raise HTTPException(500, f'cannot prepare the text for language "{body.language}": {type(exc).__name__}: {exc}')

    add_busy(1)  # counts while waiting for the latents too
    try:
        gpt, spk, _ = await run_in_threadpool(get_latents, body.voice)
        synthesis = Synthesis(pieces, body.language, gpt, spk)
    finally:
        add_busy(-1)
    return SynthesisResponse(synthesis)
