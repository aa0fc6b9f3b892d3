#!/usr/bin/env bash
# Builds projects-sample/sample.dvp from the shared clips: a target and a source actor, each
# tracked over a short range, ready to open in the editor (`npm run serve`) and to train.
# The media stay where they are (the project stores paths and content hashes, never copies).
set -euo pipefail
cd "$(dirname "$0")/.."
MEDIA=${DVP_MEDIA_DIR:-$(cd .. && pwd)/shared/media}
PROJECT=projects-sample/sample.dvp

[ -f dist/src-main/cli/dvp.js ] || npm run build
rm -f "$PROJECT" "$PROJECT-wal" "$PROJECT-shm" "$PROJECT.lock"
node bin/dvp.js new "$PROJECT"
node bin/dvp.js import "$PROJECT" "$MEDIA/target-tedlieu-256.mp4" --role target
node bin/dvp.js import "$PROJECT" "$MEDIA/source-wda-aoc-512.mp4" --role source
node bin/dvp.js track "$PROJECT" --clip 1 --range 0-299
node bin/dvp.js track "$PROJECT" --clip 2
node bin/dvp.js info "$PROJECT"
