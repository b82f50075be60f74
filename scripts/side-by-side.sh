#!/usr/bin/env bash
# Runs each argument as a command, all at once, and fails if any fails (after all have ended). Used by the test task
# to run single-threaded checks (type check, eslint) on both cores of the build machine.
set -u
pids=()
for command in "$@"; do
  bash -c "$command" &
  pids+=("$!")
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "side-by-side: failed: ${*:$((i + 1)):1}" >&2
    status=1
  fi
done
exit "$status"
