#!/usr/bin/env bash
# Installs the Python side (workers/xtts, workers/wav2lip, workers/train) into one venv, pinned by
# workers/requirements.lock. The venv lives in a cache folder named by the hash of that file, so a
# second run (or CI on the same machine) reuses it in a second; workers/.venv links to it.
#   PERSONA_CACHE   where venvs and pip's cache go (default ~/.cache/persona)
#   PYTHON          the interpreter to build the venv from (default python3; 3.10–3.12)
set -euo pipefail
cd "$(dirname "$0")/.."

lock=workers/requirements.lock
cache_root="${PERSONA_CACHE:-$HOME/.cache/persona}"
python="${PYTHON:-python3}"
hash="$(cat "$lock" <("$python" -c 'import sys; print(sys.version_info[:2])') | sha256sum | cut -c1-16)"
venv="$cache_root/workers-venv-$hash"

if [ ! -f "$venv/.complete" ]; then
  echo "setup-workers: installing the Python workers' packages into $venv (about 3 GB: torch with its CUDA libraries; a few minutes)"
  rm -rf "$venv"
  mkdir -p "$cache_root"
  "$python" -m venv "$venv"
  started=$(date +%s)
  PIP_CACHE_DIR="$cache_root/pip" "$venv/bin/pip" install --disable-pip-version-check --no-input -r "$lock"
  echo "setup-workers: installed in $(( $(date +%s) - started )) s"
  touch "$venv/.complete"
else
  echo "setup-workers: reusing $venv"
fi
ln -sfn "$venv" workers/.venv
