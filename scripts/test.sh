#!/usr/bin/env bash
# Sets up (packages + build) and runs the whole test suite: the C++
# GoogleTest suite through ctest, then the Python suite with pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd "${EMBER_BUILD_DIR:-build}" && ctest --output-on-failure -j"$(nproc)")
/usr/bin/python3 -m pytest tests/python -q -p no:cacheprovider
