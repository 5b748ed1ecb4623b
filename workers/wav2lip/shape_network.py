"""A tiny lip-sync network with Wav2Lip's exact interface and random weights, for tests on CPU.

Wav2Lip's code and weights are not on PyPI (and its weights are non-commercial), so the tests
plug this in with `WAV2LIP_NETWORK=shape_network:create_network`. It is called exactly as
Wav2Lip is: `network(mel_batch, face_batch)` with mels (B, 1, 80, 16) and faces (B, 6, 96, 96)
(the masked lower half and the reference, 0..1), and returns (B, 3, 96, 96) in 0..1. The output
depends on both inputs, so the mouth a test sees changes with the audio, as a real one would.
The weights come from a fixed seed: the same worker renders the same pixels every run.
"""
from __future__ import annotations

import torch
from torch import nn


class ShapeNetwork(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        # The mel window becomes one gain per feature channel...
        self.audio = nn.Sequential(nn.Conv2d(1, 8, 3, stride=(4, 2), padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        # ...that scales the face features at half resolution, brought back to 96x96 RGB.
        self.face = nn.Sequential(nn.Conv2d(6, 8, 3, stride=2, padding=1), nn.ReLU())
        self.output = nn.Sequential(nn.ConvTranspose2d(8, 3, 4, stride=2, padding=1), nn.Sigmoid())

    def forward(self, audio_sequences: torch.Tensor, face_sequences: torch.Tensor) -> torch.Tensor:
        gain = self.audio(audio_sequences)
        return self.output(self.face(face_sequences) * (1 + gain))


def create_network() -> nn.Module:
    """The factory the worker calls (`module:factory`); seeded without touching the global RNG."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return ShapeNetwork()
