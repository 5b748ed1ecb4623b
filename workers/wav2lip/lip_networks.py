"""The lip-sync network, a pluggable part of the worker.

`WAV2LIP_NETWORK` picks it:
- `wav2lip` (the default): Wav2Lip's own model from the pinned repository on PYTHONPATH (the
  Docker image clones it), with the weights at `WAV2LIP_CHECKPOINT`.
- `module:factory`: any network with Wav2Lip's interface, built by calling `factory()` from
  `module` (importable from the worker folder or PYTHONPATH); the tests use
  `shape_network:create_network`.

There is no silent fallback from `wav2lip` to another network: a GPU box whose checkpoint went
missing would otherwise answer healthy and render random mouths. The start fails and says what
is missing and how to choose another network.

Whatever is loaded is checked once at start-up with a batch of zeros, so a network with the
wrong shapes is refused at start, not in the middle of someone's answer.
"""
from __future__ import annotations

import importlib
import os

import torch
from torch import nn

FACE_SIZE = 96
MEL_BANDS = 80
MEL_STEP = 16


class NetworkError(RuntimeError):
    pass


def load_wav2lip(checkpoint: str, device: str) -> nn.Module:
    try:
        from models import Wav2Lip  # the Wav2Lip repository's package, on PYTHONPATH
    except ImportError as failure:
        raise NetworkError(
            "WAV2LIP_NETWORK=wav2lip needs the Wav2Lip repository on PYTHONPATH (its `models` package): "
            f"{failure}. Clone it (see README.md), or set WAV2LIP_NETWORK=module:factory to plug in another network."
        ) from failure
    if not os.path.isfile(checkpoint):
        raise NetworkError(f"the Wav2Lip weights are not at WAV2LIP_CHECKPOINT={checkpoint} (see README.md for where to get them)")
    model = Wav2Lip()
    # A checkpoint holds the state dict with the optimiser's state and step counters: plain
    # tensors and numbers, which torch's default weights-only loading accepts.
    saved = torch.load(checkpoint, map_location=device)
    model.load_state_dict({key.replace("module.", ""): value for key, value in saved["state_dict"].items()})
    return model


def load_network(spec: str, checkpoint: str, device: str) -> nn.Module:
    """The network named by `spec`, on `device`, in eval mode, its shapes checked."""
    if spec == "wav2lip":
        network = load_wav2lip(checkpoint, device)
    else:
        module_name, _, factory_name = spec.partition(":")
        if not module_name or not factory_name:
            raise NetworkError(f'WAV2LIP_NETWORK must be "wav2lip" or "module:factory", got "{spec}"')
        try:
            factory = getattr(importlib.import_module(module_name), factory_name)
        except (ImportError, AttributeError) as failure:
            raise NetworkError(f'WAV2LIP_NETWORK="{spec}": cannot load {factory_name} from {module_name}: {failure}') from failure
        network = factory()
        if not isinstance(network, nn.Module):
            raise NetworkError(f'WAV2LIP_NETWORK="{spec}": the factory returned {type(network).__name__}, not a torch.nn.Module')
    network = network.to(device).eval()
    check_shapes(network, spec, device)
    return network


def check_shapes(network: nn.Module, spec: str, device: str) -> None:
    mels = torch.zeros(2, 1, MEL_BANDS, MEL_STEP, device=device)
    faces = torch.zeros(2, 6, FACE_SIZE, FACE_SIZE, device=device)
    with torch.no_grad():
        try:
            out = network(mels, faces)
        except Exception as failure:
            raise NetworkError(f'WAV2LIP_NETWORK="{spec}" fails on Wav2Lip\'s inputs (mels (B, 1, 80, 16), faces (B, 6, 96, 96)): {failure}') from failure
    if tuple(out.shape) != (2, 3, FACE_SIZE, FACE_SIZE):
        raise NetworkError(f'WAV2LIP_NETWORK="{spec}" returns {tuple(out.shape)} for a batch of 2, not (2, 3, 96, 96)')
