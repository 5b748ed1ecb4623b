#!/usr/bin/env bash
# Installs what Persona needs on Debian 12 with Node 20: Debian packages (only the missing
# ones; apt-get update runs once, and only when something is missing) and the npm packages.
#   --with-workers   also the Python side (XTTS, Wav2Lip, LoRA training and conversion) into a
#                    cached venv: scripts/setup-workers.sh. The tests need it; the demo does not.
set -euo pipefail
cd "$(dirname "$0")/.."

with_workers=false
for argument in "$@"; do
  case "$argument" in
    --with-workers) with_workers=true ;;
    *) echo "setup.sh: unknown option $argument (known: --with-workers)" >&2; exit 2 ;;
  esac
done

# Debian packages the embedded engines and their tests use: espeak-ng and flite speak (TTS and the
# spoken test utterances), pocketsphinx hears (STT), pocketsphinx-testdata holds the recordings the WER bench scores,
# chromium runs the widget and PWA browser tests (driven by playwright-core), redis-server the BullMQ batch tests.
debian_packages=(espeak-ng flite pocketsphinx pocketsphinx-en-us pocketsphinx-testdata chromium redis-server)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_prefix=""
  [ "$(id -u)" -eq 0 ] || sudo_prefix="sudo"
  $sudo_prefix apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_prefix apt-get install -y --no-install-recommends "${missing[@]}"
fi

# better-sqlite3-multiple-ciphers builds from source here (its prebuilt download is offline): about 80 s.
npm ci --no-audit --no-fund

# The widget and the PWA (web/dist), which `persona serve` serves at / and /widget/.
npm run build

if [ "$with_workers" = true ]; then
  bash scripts/setup-workers.sh
fi
