#!/bin/sh
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives it; its own
# browser download is not used). Idempotent: does nothing when `chromium` is already on PATH.
# Without root (or password-less sudo) it only prints how to install it; the browser tests then
# skip locally and fail under CI=true.
set -eu
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "ensure-chromium: 'chromium' not found; install it with: sudo apt-get install chromium" >&2
    exit 0
fi
echo "ensure-chromium: installing Debian package 'chromium' for the browser tests" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
