# Sourced by the bench scripts: a CNCF distribution registry (Debian's docker-registry) on
# 127.0.0.1 that stores in WORK/storage, and blob pushes to it with curl.
#   start_registry WORK    starts it; sets registry_pid, registry_host (127.0.0.1:PORT) and
#                          base (http://127.0.0.1:PORT)
#   stop_registry          stops it (for an EXIT trap)
#   push_blob REPO FILE    uploads FILE, prints its digest
registry_pid=
registry_host=
base=

start_registry() {
  local work=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YML
  /usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  registry_host="127.0.0.1:$port"
  base="http://$registry_host"
  for _ in $(seq 100); do curl -sf "$base/v2/" >/dev/null && break; sleep 0.1; done
  curl -sf "$base/v2/" >/dev/null || { echo "bench: the registry did not start" >&2; cat "$work/registry.log" >&2; exit 1; }
}

stop_registry() {
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=
  fi
}

push_blob() { # repo file -> digest
  local repo=$1 file=$2 digest location
  digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  location=$(curl -sf -D - -o /dev/null -X POST "$base/v2/$repo/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$location" in http*) ;; *) location="$base$location" ;; esac
  case "$location" in *\?*) location="$location&digest=$digest" ;; *) location="$location?digest=$digest" ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" "$location" >/dev/null
  echo "$digest"
}
