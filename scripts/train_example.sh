#!/usr/bin/env bash
# Sets up (packages + build) and trains the MLP example on the 8x8 digits.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
"${EMBER_BUILD_DIR:-build}"/examples/cpp/mlp_digits "$@"
