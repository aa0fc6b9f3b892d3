#!/usr/bin/env bash
# The main job end to end on the shared clips, with the plate-conditioned preview preset:
#   track a target actor and a source actor → train the target's person-specific network →
#   expression and full-head reenactment from the source, a gaze edit by keyframes, and a visual dub →
#   ProRes 422 HQ renders with timecode and audio in demo-output/.
# Takes about 10–20 minutes on two cores. DVP_DEMO_STEPS sets the training steps.
set -euo pipefail
cd "$(dirname "$0")/.."

MEDIA=${DVP_MEDIA_DIR:-$(cd .. && pwd)/shared/media}
OUT=${DVP_DEMO_OUT:-demo-output}
STEPS=${DVP_DEMO_STEPS:-3000}
PROJECT="$OUT/demo.dvp"

[ -f dist/src-main/cli/dvp.js ] || npm run build
mkdir -p "$OUT"
rm -f "$PROJECT" "$PROJECT-wal" "$PROJECT-shm" "$PROJECT.lock"
dvp() { echo "+ dvp $*" >&2; node bin/dvp.js "$@"; }

dvp new "$PROJECT"
dvp import "$PROJECT" "$MEDIA/target-tedlieu-256.mp4" --role target       # clip 1
dvp import "$PROJECT" "$MEDIA/source-lp-d6-grimaces-480.mp4" --role source # clip 2

dvp track "$PROJECT" --clip 1 --range 0-599
dvp track "$PROJECT" --clip 2 --range 0-299
dvp overlay "$PROJECT" --clip 1 --range 0-149 --out "$OUT/tracking-check.mp4" --overwrite
dvp condition "$PROJECT" --clip 1 --frame 100 --out "$OUT/conditioning"

# Train on frames 0–399, hold out 400–599 for the evaluation against the nearest-neighbour baseline.
# plate-preview edits the real frame (its plate warped to the edited face) instead of redrawing it.
dvp train "$PROJECT" --preset plate-preview --steps "$STEPS" --frames 0-599
dvp eval "$PROJECT" --max-frames 100

# Expression reenactment: the source actor's grimaces drive the target's face.
dvp reenact "$PROJECT" --source 2 --mode expression
dvp render "$PROJECT" --range 0-149 --format prores-hq --audio target --out "$OUT/reenacted-expression.mov" --overwrite
dvp undo "$PROJECT"

# Full-head reenactment: pose, expression, gaze and blinks from the source.
dvp reenact "$PROJECT" --source 2 --mode full
dvp render "$PROJECT" --range 0-149 --format prores-hq --audio target --out "$OUT/reenacted-full-head.mov" --overwrite
dvp undo "$PROJECT"

# Gaze redirection by keyframes: look left, hold, come back.
dvp key "$PROJECT" --param gazeYaw --frame 0 --value 0 --interp bezier
dvp key "$PROJECT" --param gazeYaw --frame 40 --value -15 --interp hold
dvp key "$PROJECT" --param gazeYaw --frame 90 --value -15 --interp bezier
dvp key "$PROJECT" --param gazeYaw --frame 130 --value 0
dvp render "$PROJECT" --range 0-149 --format prores-hq --audio target --out "$OUT/gaze-edit.mov" --overwrite
for _ in 1 2 3 4; do dvp undo "$PROJECT"; done

# Visual dubbing: another speaker's mouth and audio.
dvp dub "$PROJECT" --source "$MEDIA/source-wda-aoc-512.mp4" --range 0-149 --out "$OUT/dub.mov" --overwrite

dvp info "$PROJECT"
echo "Renders, the tracking check and the conditioning contact sheet are in $OUT/." >&2
