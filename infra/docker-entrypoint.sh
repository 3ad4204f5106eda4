#!/bin/sh
# Entry commands of the registry image. `exec` makes node PID 1's only child-free process, so SIGTERM from
# Docker or Kubernetes reaches the application's own shutdown hooks.
set -eu
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  # A 64 MB young generation (V8's default is 16 MB) holds the pages of the requests in flight: under 32 clients a
  # 100-row measurements page took 1.69-2.01 ms of the API's CPU against 2.07-2.49 ms in five alternating pairs
  # of bench:read-models runs on a 2-core VM, for a larger heap.
  api)       exec node --max-semi-space-size=64 dist/services/registry-api/src/main.js "$@" ;;
  projector) exec node dist/services/registry-projector/src/main.js "$@" ;;
  migrate)   exec node dist/migrations/migrate.js "$@" ;;
  *)
    echo "unknown command '$command': expected api, projector or migrate" >&2
    exit 64 ;;
esac
