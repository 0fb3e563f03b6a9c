#!/usr/bin/env bash
# Sets up everything the app and its tests need on a fresh Debian/Ubuntu machine:
# the Debian libraries Qt needs (offscreen and X11), Xvfb, poppler-utils and the desktop
# validators, a virtualenv in .venv and the project with its test and bundle extras, at the
# exact versions in packaging/constraints.txt (the ones the suite last passed with; see
# packaging/refresh-constraints). It is idempotent and fast when nothing changed.
# Sourced by packaging/run-app, run-tests and build-bundle; not meant to be called on its own.
#   PORTFOLIO_VENV=DIR        use another virtualenv folder (default: .venv)
#   PORTFOLIO_UNPINNED=1      ignore the constraints (packaging/refresh-constraints uses it)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
venv=$(realpath -m "${PORTFOLIO_VENV:-.venv}")
constraints=packaging/constraints.txt

debian_packages=(
  # Qt offscreen (QtGui links these unconditionally) and a font
  libegl1 libgl1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
  fonts-dejavu-core
  # Qt's xcb platform plugin, for a real window
  libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1 libxcb-glx0 libxkbcommon-x11-0
  # virtual screen for GUI runs without a display; poppler for independent PDF checks
  xvfb xauth poppler-utils
  # certutil, to show in tests that a reader trusting the course CA trusts the signatures
  libnss3-tools
  # desktop integration checks: appstreamcli, desktop-file-validate, update-mime-database, gio,
  # xprop/xwininfo (the window's WM_CLASS); dpkg-deb comes with dpkg itself
  appstream desktop-file-utils shared-mime-info libglib2.0-bin x11-utils
  # faketime moves the clock of a test subprocess (certificate expiry, a signer's clock
  # ahead); openssl checks each signature's CMS independently of pyHanko
  faketime openssl
  # poppler's form filling through GObject introspection (the system python3): a tutor typing
  # feedback in another PDF reader, in the review-loop tests
  python3-gi gir1.2-poppler-0.18
)

install_debian_packages() {
  command -v dpkg-query >/dev/null || return 0   # not Debian: the user installs these by hand
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  for c in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed (apt-get install python3 python3-venv)." >&2
  return 1
}

install_venv() {
  local py stamp want pins=()
  py=$(find_python)
  if [ ! -x "$venv/bin/python" ]; then
    echo "Creating the virtual environment in $venv" >&2
    "$py" -m venv "$venv" 2>/dev/null || {
      # Debian's python3 needs python3-venv for ensurepip
      local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
      $sudo apt-get install -y -qq python3-venv >/dev/null
      "$py" -m venv "$venv"
    }
  fi
  if [ -z "${PORTFOLIO_UNPINNED:-}" ]; then
    pins=(--constraint "$constraints")
  fi
  stamp="$venv/.bootstrap-stamp"
  want=$(cat pyproject.toml "$constraints" | sha256sum | cut -d' ' -f1)${PORTFOLIO_UNPINNED:+-unpinned}
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into $venv${PORTFOLIO_UNPINNED:+ (unpinned)}" >&2
    # (the grep hides one machine's harmless notes about local package mirrors)
    "$venv/bin/python" -m pip install -q --upgrade pip 2>/dev/null || true
    "$venv/bin/python" -m pip install -q "${pins[@]}" -e ".[test,bundle]" \
      2> >(grep -v "^WARNING: Location" >&2)
    echo "$want" > "$stamp"
  fi
}

install_debian_packages
install_venv
