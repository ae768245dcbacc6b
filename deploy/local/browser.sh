#!/usr/bin/env bash
# Debian's Chromium for the browser tests (playwright-core drives it; it never downloads a browser).
# Idempotent: does nothing when a Chromium is already at $CHROMIUM_PATH (default /usr/bin/chromium).
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  echo "[browser] $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "[browser] no Chromium at $CHROMIUM and no apt-get: install Chromium and set CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "[browser] installing Chromium needs root (or sudo)" >&2; exit 1; }
  SUDO="sudo -n"
fi
echo "[browser] installing Debian's chromium"
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
echo "[browser] $("$CHROMIUM" --version)"
