"""Wav2Lip's audio features, computed here with librosa so the worker needs nothing from the
Wav2Lip repository's `audio.py` (the network is pluggable; its features are not: every Wav2Lip
checkpoint was trained on exactly these).

The values are Wav2Lip's `hparams.py` (and `audio.py`'s `melspectrogram`):
16 kHz audio, pre-emphasis 0.97, STFT n_fft 800 / hop 200 / window 800 (Hann, centred), 80 mel
bands from 55 to 7600 Hz (Slaney), amplitude to dB with a floor at -100 dB, minus a reference
level of 20 dB, then normalised symmetrically to [-4, 4] with clipping. That is 80 mel frames a
second, and Wav2Lip reads a window of 16 of them (0.2 s) for each video frame.

One deliberate detail: Wav2Lip pinned librosa 0.7, whose `stft` padded the centred signal by
reflection; librosa 0.10 changed the default to zeros, so the reflection is asked for explicitly.
"""
from __future__ import annotations

import librosa
import numpy as np
from scipy import signal

SAMPLE_RATE = 16000
N_FFT = 800
HOP_SIZE = 200
WIN_SIZE = 800
NUM_MELS = 80
FMIN = 55
FMAX = 7600
PREEMPHASIS = 0.97
REF_LEVEL_DB = 20
MIN_LEVEL_DB = -100
MAX_ABS_VALUE = 4.0
MEL_FRAMES_PER_SECOND = SAMPLE_RATE / HOP_SIZE  # 80
MEL_STEP = 16  # mel frames per video frame's window

_mel_basis = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=NUM_MELS, fmin=FMIN, fmax=FMAX)


def melspectrogram(wav: np.ndarray) -> np.ndarray:
    """(80, 1 + len(wav) // 200) float32 in [-4, 4] from float samples in [-1, 1] at 16 kHz."""
    emphasised = signal.lfilter([1, -PREEMPHASIS], [1], wav)
    spectrum = np.abs(librosa.stft(y=emphasised, n_fft=N_FFT, hop_length=HOP_SIZE, win_length=WIN_SIZE, pad_mode="reflect"))
    mel = np.dot(_mel_basis, spectrum)
    min_level = np.exp(MIN_LEVEL_DB / 20 * np.log(10))
    decibels = 20 * np.log10(np.maximum(min_level, mel)) - REF_LEVEL_DB
    normalised = (2 * MAX_ABS_VALUE) * ((decibels - MIN_LEVEL_DB) / (-MIN_LEVEL_DB)) - MAX_ABS_VALUE
    return np.clip(normalised, -MAX_ABS_VALUE, MAX_ABS_VALUE).astype(np.float32)


def mel_windows(mel: np.ndarray, frames: int, fps: int) -> np.ndarray:
    """(frames, 80, 16): the window Wav2Lip's inference reads for each video frame.

    As in Wav2Lip's `inference.py`, frame i starts at mel frame int(80 * i / fps) and the windows
    that would run past the end take the last 16 frames. Audio shorter than one window (0.2 s) is
    padded with silence (-4) so a very short answer still renders.
    """
    if mel.shape[1] < MEL_STEP:
        mel = np.pad(mel, ((0, 0), (0, MEL_STEP - mel.shape[1])), constant_values=-MAX_ABS_VALUE)
    last = mel.shape[1] - MEL_STEP
    starts = [min(int(MEL_FRAMES_PER_SECOND * i / fps), last) for i in range(frames)]
    return np.stack([mel[:, start:start + MEL_STEP] for start in starts])
