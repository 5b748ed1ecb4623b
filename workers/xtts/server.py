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
import os
import re
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Iterator

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


class State:
    model: Any = None
    busy = 0
    gpu_lock: asyncio.Lock
    latents: dict[str, tuple[str, Any, Any]] = {}  # name -> (fingerprint, gpt_cond_latent, speaker_embedding)
    latents_lock = threading.Lock()


state = State()


def load_model() -> Any:
    from TTS.tts.configs.xtts_config import XttsConfig
    from TTS.tts.models.xtts import Xtts

    model_dir = MODEL_DIR
    if not (model_dir / "config.json").exists():
        if os.environ.get("COQUI_TOS_AGREED") != "1":
            raise RuntimeError(
                f"no XTTS v2 weights in {model_dir}; set COQUI_TOS_AGREED=1 to accept the Coqui Public Model "
                "License (non-commercial) and download them, or mount them there"
            )
        from TTS.utils.manage import ModelManager

        path, _, _ = ModelManager().download_model("tts_models/multilingual/multi-dataset/xtts_v2")
        model_dir = Path(path)
    config = XttsConfig()
    config.load_json(str(model_dir / "config.json"))
    model = Xtts.init_from_config(config)
    model.load_checkpoint(config, checkpoint_dir=str(model_dir), use_deepspeed=False)
    if DEVICE == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("XTTS_DEVICE=cuda but CUDA is not available (run the container with --gpus all)")
    model.to(DEVICE)
    model.eval()
    return model


@asynccontextmanager
async def lifespan(_: FastAPI):
    state.gpu_lock = asyncio.Lock()
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


def voice_clips(name: str) -> list[Path]:
    """The reference clips of a voice; refuses unknown names, missing folders and missing consent."""
    if not VOICE_NAME.match(name):
        raise HTTPException(400, f'invalid voice name "{name}": letters, digits, "-" and "_" only')
    folder = VOICES_DIR / name
    if not folder.is_dir():
        raise HTTPException(404, f'unknown voice "{name}": no folder voices/{name}')
    if not (folder / "consent.json").is_file():
        raise HTTPException(403, f'voice "{name}" has no consent.json: cloning refused')
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
            with torch.inference_mode():
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
    async with state.gpu_lock:
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


@app.post("/tts/stream")
async def tts_stream(body: StreamRequest, request: Request) -> StreamingResponse:
    if not body.text.strip():
        raise HTTPException(400, "text is empty")
    if body.language not in LANGUAGES:
        raise HTTPException(400, f'unsupported language "{body.language}"; one of {", ".join(sorted(LANGUAGES))}')
    if body.sample_rate != SAMPLE_RATE:
        raise HTTPException(400, f"sample_rate {body.sample_rate} is not supported; XTTS v2 outputs {SAMPLE_RATE}")
    voice_clips(body.voice)  # 400/403/404/422 as JSON before any audio is sent

    state.busy += 1
    try:
        async with state.gpu_lock:
            gpt, spk, _ = await run_in_threadpool(get_latents, body.voice)
    finally:
        state.busy -= 1

    def generate() -> Iterator[torch.Tensor]:
        with torch.inference_mode():
            yield from state.model.inference_stream(body.text, body.language, gpt, spk, enable_text_splitting=True)

    async def audio() -> Any:
        it = generate()
        done = object()
        state.busy += 1
        try:
            async with state.gpu_lock:  # one synthesis on the GPU at a time; others queue (and count as busy)
                while True:
                    if await request.is_disconnected():
                        break  # the client aborted: stop generating
                    chunk = await run_in_threadpool(next, it, done)
                    if chunk is done:
                        break
                    yield pcm16(chunk)
        finally:
            await run_in_threadpool(it.close)
            state.busy -= 1

    return StreamingResponse(
        audio(),
        media_type="application/octet-stream",
        headers={"X-Sample-Rate": str(SAMPLE_RATE), "Cache-Control": "no-store"},
    )
