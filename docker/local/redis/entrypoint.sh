#!/bin/sh
# LOCAL STACK ONLY. Like the official image: without a password Redis's protected mode refuses every
# client that is not on loopback, and in a container the gateway never is; the container network
# (backend, unpublished) is the boundary, as with the official image, which turns it off too.
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --bind '* -::*' --protected-mode no "$@"
fi
exec "$@"
