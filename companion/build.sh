#!/bin/sh
# Build the companion with the jsii toolchain pinned in the root package.json, and write the Python
# module jsii-pacmak generates to $1 (make companion: constructs/cdk8s_django/_companion; the
# rebuild test: a scratch folder). It builds in a scratch copy, so the repo gets no lib/ or .jsii.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/package.json" "$here/README.md" "$here/src" "$work/"
ln -s "$root/node_modules" "$work/node_modules"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1
(cd "$work" && node "$root/node_modules/jsii/bin/jsii" --fail-on-warnings >/dev/null \
  && node "$root/node_modules/jsii-pacmak/bin/jsii-pacmak" --code-only --targets python >/dev/null)
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -R "$work/dist/python/src/cdk8s_django/_companion" "$out"
