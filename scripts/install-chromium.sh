#!/usr/bin/env bash
# Installs Debian's chromium (used by the dashboard's browser tests through playwright-core) when
# /usr/bin/chromium is missing. Safe to run again: does nothing when chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $CHROMIUM is missing and apt-get is not available: install Debian's chromium package by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "error: $CHROMIUM is missing and installing it needs root: run 'sudo apt-get update && sudo apt-get install -y chromium' (or run this script as root)" >&2
  exit 1
fi

echo "installing chromium from Debian (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
if ! "${SUDO[@]}" apt-get update; then
  echo "error: apt-get update failed (no network or no package mirror?): cannot install chromium" >&2
  exit 1
fi
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends chromium; then
  echo "error: apt-get install chromium failed: see apt's message above" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "error: the chromium package was installed but $CHROMIUM is not there" >&2
  exit 1
fi
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
