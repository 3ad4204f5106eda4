#!/bin/sh
# Entry commands of the registry image. `exec` makes node PID 1's only child-free process, so SIGTERM from
# Docker or Kubernetes reaches the application's own shutdown hooks.
set -eu
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  api)       exec node dist/services/registry-api/src/main.js "$@" ;;
  projector) exec node dist/services/registry-projector/src/main.js "$@" ;;
  migrate)   exec node dist/migrations/migrate.js "$@" ;;
  *)
    echo "unknown command '$command': expected api, projector or migrate" >&2
    exit 64 ;;
esac
