#!/usr/bin/env bash
# Set up this machine for altformats (Debian 12, as root): system packages,
# the Python environment (.venv, from pyproject.toml) and the npm checkers
# (node_modules, from package-lock.json). Safe to run again: it only installs
# what is missing. Nothing is downloaded at run time afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages every registered format and its checks need:
#   chromium             axe-core runs in it (HTML accessibility check), and Ace by DAISY (EPUB)
#   default-jre-headless Java, for the Nu HTML checker and EPUBCheck
#   pandoc, hyperfine    the benchmark's baseline and timer
#   python3-venv         to make .venv
#   liblouis-data        braille tables (UEB, Spanish, ...) for the braille edition
#   python3-louis        liblouis's ctypes binding (pulls in liblouis20), loaded by path from .venv
#   liblouis-bin         lou_translate / lou_checktable, to check a table by hand
#   espeak-ng            the audio edition's voice (pyttsx3 drives libespeak-ng1 on Linux)
#   ffmpeg               the audio edition's MP3/M4B encoder, decoder and loudness meter (ebur128)
#   libpango-1.0-0, libpangoft2-1.0-0  WeasyPrint's text layout (PDF edition)
#   fonts-dejavu-core, fonts-liberation  the PDF edition's embedded fonts (sans for large print)
#   fonts-noto-core, fonts-droid-fallback, fonts-nanum  PDF glyphs for other scripts (Indic,
#                        Thai, ...; Chinese and Japanese; Korean)
#   poppler-utils        pdfinfo -struct-text, the PDF edition's independent reader
APT_PACKAGES=(chromium default-jre-headless pandoc hyperfine python3-venv ca-certificates)
APT_PACKAGES+=(liblouis-data python3-louis liblouis-bin)
APT_PACKAGES+=(espeak-ng libespeak-ng1 ffmpeg)
APT_PACKAGES+=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation poppler-utils)
APT_PACKAGES+=(fonts-noto-core fonts-droid-fallback fonts-nanum)
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
echo "setup: installing Python packages (pyproject.toml)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[test]'

echo "setup: installing npm checkers (package-lock.json)"
# Neither playwright-core nor Ace's puppeteer may fetch a browser: they use Debian's Chromium.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

echo "setup: done"
