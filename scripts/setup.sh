#!/usr/bin/env bash
# Installs the Debian packages ember needs (idempotent; as root, or with
# sudo, on Debian 12), builds the library, tests, examples and the Python
# extension in ./build, and makes `import ember` work for /usr/bin/python3
# (a .pth file in its site-packages that points at python/). Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PACKAGES=(build-essential cmake ccache libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev nlohmann-json3-dev libzip-dev
          python3 python3-dev pybind11-dev python3-numpy python3-pytest python3-sklearn python3-matplotlib
          python3-torch libopenblas-dev python3-nbclient python3-nbconvert python3-ipykernel)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR=${EMBER_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DEMBER_PYTHON=ON ${EMBER_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"

# `import ember` for Debian's python3 (and Jupyter, and virtualenvs made
# with --system-site-packages): a .pth file pointing at python/.
SITE=$(/usr/bin/python3 -c 'import site, sys; p = [d for d in site.getsitepackages() if d.startswith("/usr/local")]; print(p[0] if p else site.getsitepackages()[0])')
if [ -w "$(dirname "$SITE")" ] || [ "$(id -u)" -eq 0 ]; then
  mkdir -p "$SITE" && echo "$ROOT/python" > "$SITE/ember.pth"
else
  sudo sh -c "mkdir -p '$SITE' && echo '$ROOT/python' > '$SITE/ember.pth'"
fi
