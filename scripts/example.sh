#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and migrates the bundled
# blog example into databases/database.sqlite, then shows its status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build   # only what the build needs: no servers, no test tools
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
build/lmigrate migrate
build/lmigrate status
