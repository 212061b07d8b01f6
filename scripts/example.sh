#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and migrates the bundled
# blog example into databases/database.sqlite, then shows its status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/lmigrate migrate
build/lmigrate status
