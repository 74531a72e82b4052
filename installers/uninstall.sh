#!/bin/sh
# Removes the GPUOptimizer agent installed by install.sh; --purge also removes its settings,
# buffer and user. Same as: install.sh --uninstall [--purge] [--root DIR]
set -eu
exec "$(cd "$(dirname "$0")" && pwd)/install.sh" --uninstall "$@"
