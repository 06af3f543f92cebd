#!/usr/bin/env bash
# Builds the jars of the published modules at <commit> with version <version> and puts them in
# this folder, as the baseline the japicmp check of `mvn verify` compares the public API with.
#
# Usage: api-baseline/make-baseline.sh <commit> <version>   e.g. make-baseline.sh v0.3.0 0.3.0
# Then set api.baseline in snakebridge-core/pom.xml and snakebridge-codegen/pom.xml to the new
# file names, delete the old jars and commit.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <commit> <version>" >&2
  exit 2
fi
commit=$1
version=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$repo" archive "$commit" | tar -x -C "$work"
project_version=$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$work/pom.xml" | head -n 1)
find "$work" -name pom.xml -exec sed -i "s|<version>$project_version</version>|<version>$version</version>|" {} +
# package, never install: the jars must not reach the local Maven repository.
(cd "$work" && mvn -B -q package -Dmaven.test.skip=true -Dexec.skip=true -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true -Djapicmp.skip=true -pl snakebridge-core,snakebridge-codegen -am)
cp "$work/snakebridge-core/target/snakebridge-$version.jar" \
   "$work/snakebridge-codegen/target/snakebridge-codegen-$version.jar" "$here/"
echo "api-baseline: wrote snakebridge-$version.jar and snakebridge-codegen-$version.jar"
