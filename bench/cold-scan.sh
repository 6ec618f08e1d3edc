#!/usr/bin/env bash
# Cold `vigil scan` as a user runs it, side by side with `curl | gzip -dc | tar -t` over the same
# layers (issue 12). Not a test: it prints figures and never fails on time.
#
#   bench/cold-scan.sh                      # 5 runs of each image, median; times the launcher
#                                           # operator/target/vigil (else java -jar vigil.jar)
#   RUNS=9 bench/cold-scan.sh
#   VIGIL="java -jar operator/target/vigil.jar" bench/cold-scan.sh      # the command to time
#   IMAGES="debian small" bench/cold-scan.sh                            # a subset
#   RUNS=0 SERVE=1 bench/cold-scan.sh       # build the images, serve them until Ctrl-C
#
# Needs: /usr/bin/docker-registry (Debian package docker-registry), curl, gzip, GNU tar,
# GNU time (/usr/bin/time), bc, python3, dpkg, a built jar (mvn -B package -DskipTests).
# The images are built once into operator/target/bench-images (BENCH_DIR), registry storage
# included; `mvn clean` or deleting that directory rebuilds them. The table goes to stdout and
# to operator/target/cold-scan-bench.txt (OUT), with every run's figures.
#
# The images are made of the machine's own Debian files, so the data is real (ELF binaries,
# shared libraries, docs, locales, the real dpkg status) and shaped like a Debian base image:
#   debian  one gzip layer, ~172 MiB of files, like debian:12 plus a few packages
#           (the issue's image: 60 MB gzip, 172 MB unpacked)
#   five    the same files cut into five gzip layers of 40/20/15/15/10 % of the bytes
#   small   one gzip layer of ~8 MiB of files (~3 MB gzip)
# The files are those dpkg lists for the installed packages, Priority required, important and
# standard first, then optional ones in name order, until the size is reached. Another machine
# with other packages gets somewhat different bytes; the script prints what it built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

RUNS=${RUNS:-5}
IMAGES=${IMAGES:-"debian five small"}
JAR=${JAR:-$root/operator/target/vigil.jar}
if [ -z "${VIGIL:-}" ]; then
  if [ -x "$root/operator/target/vigil" ]; then
    VIGIL="$root/operator/target/vigil"           # the launcher the build writes next to the jar
  else
    VIGIL="java -jar $JAR"
  fi
fi
DEBIAN_BYTES=${DEBIAN_BYTES:-$((172 * 1000 * 1000))}
SMALL_BYTES=${SMALL_BYTES:-$((8 * 1024 * 1024))}
OUT=${OUT:-$root/operator/target/cold-scan-bench.txt}

for tool in /usr/bin/docker-registry /usr/bin/time curl gzip tar dpkg-query sha256sum bc python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "bench: $JAR is missing; run mvn -B package -DskipTests first" >&2; exit 2; }

# The images are built once into $BENCH_DIR (registry storage included) and reused by later runs;
# delete the directory to rebuild them.
work=${BENCH_DIR:-$root/operator/target/bench-images}
mkdir -p "$work"
# shellcheck source=bench/registry.sh
. "$root/bench/registry.sh"
cleanup() {
  stop_registry
}
trap cleanup EXIT

stamp="$IMAGES $DEBIAN_BYTES $SMALL_BYTES"
if [ "$(cat "$work/ready" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work/storage" "$work/ready"
fi

# ---- the registry ------------------------------------------------------------------------
start_registry "$work"

# ---- the files --------------------------------------------------------------------------
# "size<TAB>package<TAB>path" of the regular files and symlinks of installed packages, in
# package order, until there are enough bytes for the largest image.
candidates() {
  local pkg total=0
  dpkg-query -W -f='${Priority} ${Package}:${Architecture}\n' \
    | awk '{o = ($1=="required") ? 1 : ($1=="important") ? 2 : ($1=="standard") ? 3 : 4; print o, $2}' \
    | sort -k1,1n -k2,2 | cut -d' ' -f2 >"$work/packages"
  : >"$work/candidates"
  while read -r pkg && [ "$total" -lt $((DEBIAN_BYTES + DEBIAN_BYTES / 10)) ]; do
    dpkg-query -L "$pkg" 2>/dev/null | xargs -r -d '\n' stat -c '%F|%s|%n' 2>/dev/null \
      | awk -F'|' -v p="${pkg%%:*}" '$1=="regular file" || $1=="regular empty file" {print $2 "\t" p "\t" $3}
                                     $1=="symbolic link" {print 0 "\t" p "\t" $3}' \
      >>"$work/candidates" || true
    total=$(awk -F'\t' '{s+=$1} END {print s+0}' "$work/candidates")
  done <"$work/packages"
  awk -F'\t' '!seen[$3]++' "$work/candidates" >"$work/candidates.tmp" && mv "$work/candidates.tmp" "$work/candidates"
}

# take BYTES NAME -> the paths of the first candidates adding up to BYTES; NAME.status gets the
# dpkg status stanzas of their packages, so the image's package database lists what it holds
# (as a real image's does), not everything installed on this machine.
take() {
  awk -F'\t' -v limit="$1" '{ if (total >= limit) exit; total += $1; print $2 "\t" $3 }' "$work/candidates" \
    >"$work/$2.taken"
  cut -f1 "$work/$2.taken" | sort -u >"$work/$2.packages"
  awk 'NR==FNR {want[$1]=1; next} /^Package: / {keep = ($2 in want)} keep {print}' \
    "$work/$2.packages" RS= ORS='\n\n' /var/lib/dpkg/status >"$work/$2.status"
  cut -f2 "$work/$2.taken"
}

# make_layer NAME FILELIST [STATUS] -> NAME.tar.gz; directories of the files are added as
# entries, like an image builder writes them; owners numeric root, fixed mtime, sorted, so the
# blob is stable. STATUS becomes var/lib/dpkg/status.
make_layer() {
  local name=$1 list=$2 status=${3:-}
  {
    cat "$list"
    sed 's|/[^/]*$||' "$list" | awk -F/ '{p=""; for (i=2;i<=NF;i++) {p=p"/"$i; print p}}'
  } | sed 's|^/||' | grep -v '^$' | sort -u >"$work/$name.entries"
  tar -C / --no-recursion --numeric-owner --owner=0 --group=0 --mtime=@1700000000 \
    -cf "$work/$name.tar" -T "$work/$name.entries" 2>/dev/null || true
  if [ -n "$status" ]; then
    rm -rf "$work/stage" && mkdir -p "$work/stage/var/lib/dpkg" && cp "$status" "$work/stage/var/lib/dpkg/status"
    tar -C "$work/stage" --numeric-owner --owner=0 --group=0 --mtime=@1700000000 \
      -rf "$work/$name.tar" var/lib/dpkg/status
    echo var/lib/dpkg/status >>"$work/$name.entries"
  fi
  gzip -n -6 <"$work/$name.tar" >"$work/$name.tar.gz"
}

# push_image REPO LAYER... : config with the diff_ids, OCI manifest, tag "bench"
push_image() {
  local repo=$1; shift
  local diff_ids="" layers="" sep="" layer digest size cfg cfgdigest
  for layer in "$@"; do
    digest=$(push_blob "$repo" "$work/$layer.tar.gz")
    size=$(stat -c %s "$work/$layer.tar.gz")
    diff_ids="$diff_ids$sep\"sha256:$(sha256sum "$work/$layer.tar" | cut -d' ' -f1)\""
    layers="$layers$sep{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"$digest\",\"size\":$size}"
    sep=,
  done
  cfg="$work/$repo.config.json"
  printf '{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"User":"1000","Cmd":["bash"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[{"created_by":"bench"}]}' "$diff_ids" >"$cfg"
  cfgdigest=$(push_blob "$repo" "$cfg")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$cfgdigest" "$(stat -c %s "$cfg")" "$layers" >"$work/$repo.manifest.json"
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$work/$repo.manifest.json" "$base/v2/$repo/manifests/bench" >/dev/null
  for layer in "$@"; do
    echo "/v2/$repo/blobs/sha256:$(sha256sum "$work/$layer.tar.gz" | cut -d' ' -f1)"
  done >"$work/$repo.blobs"
}

describe() { # LAYER...
  local layer
  for layer in "$@"; do
    printf '    %s: %d entries, %.1f MiB tar, %.1f MiB gzip\n' "$layer" "$(wc -l <"$work/$layer.entries")" \
      "$(echo "$(stat -c %s "$work/$layer.tar") / 1048576" | bc -l)" "$(echo "$(stat -c %s "$work/$layer.tar.gz") / 1048576" | bc -l)"
  done
}

essentials() { printf '%s\n' /etc/os-release /usr/lib/os-release; }

stamp="$IMAGES $DEBIAN_BYTES $SMALL_BYTES"
if [ ! -f "$work/ready" ]; then
echo "building the images from this machine's Debian files ($(. /etc/os-release; echo "$PRETTY_NAME")) in $work..."
candidates
for image in $IMAGES; do
  case $image in
    debian)
      { essentials; take "$DEBIAN_BYTES" debian; } | awk '!s[$0]++' >"$work/debian.list"
      make_layer debian "$work/debian.list" "$work/debian.status"
      push_image debian debian
      { echo "  debian: one layer, $(grep -c '^Package: ' "$work/debian.status") packages in its dpkg status"; describe debian; } >"$work/debian.description" ;;
    five)
      { essentials; take "$DEBIAN_BYTES" five; } | awk '!s[$0]++' >"$work/five.list"
      # cut by cumulative bytes at 40/60/75/90 %
      xargs -d '\n' stat -c '%s %n' <"$work/five.list" 2>/dev/null | awk -v total="$DEBIAN_BYTES" -v dir="$work" '
        { sum += $1; part = (sum <= 0.40*total) ? 1 : (sum <= 0.60*total) ? 2 : (sum <= 0.75*total) ? 3 : (sum <= 0.90*total) ? 4 : 5
          sub(/^[0-9]+ /, ""); print > (dir "/five" part ".list") }'
      make_layer five1 "$work/five1.list" "$work/five.status"
      for i in 2 3 4 5; do make_layer "five$i" "$work/five$i.list"; done
      push_image five five1 five2 five3 five4 five5
      { echo "  five: five layers, $(grep -c '^Package: ' "$work/five.status") packages in its dpkg status (in the first layer)"; describe five1 five2 five3 five4 five5; } >"$work/five.description" ;;
    small)
      { essentials; take "$SMALL_BYTES" small; } | awk '!s[$0]++' >"$work/small.list"
      make_layer small "$work/small.list" "$work/small.status"
      push_image small small
      { echo "  small: one layer, $(grep -c '^Package: ' "$work/small.status") packages in its dpkg status"; describe small; } >"$work/small.description" ;;
    *) echo "bench: unknown image $image" >&2; exit 2 ;;
  esac
done
rm -f "$work"/*.tar "$work"/*.tar.gz  # the blobs are in the registry storage; keep the sizes in the descriptions
echo "$stamp" >"$work/ready"
else
  echo "images from $work (delete it to rebuild):"
fi
cat "$work"/*.description 2>/dev/null || true
if [ "$RUNS" = 0 ]; then
  if [ -n "${SERVE:-}" ]; then  # for experiments: keep the registry until interrupted
    echo "registry at $registry_host (images debian:bench five:bench small:bench); Ctrl-C stops it"
    wait "$registry_pid"
  fi
  exit 0
fi

# ---- timing -----------------------------------------------------------------------------
# GNU time: wall seconds, user+sys seconds, peak RSS (KiB) of the largest process in the tree.
timed() { # label cmd... ; appends "label wall cpu rss_kib exit" to $work/times
  local label=$1; shift
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  read -r wall user sys rss <"$work/time.out" || true
  echo "$label $wall $(echo "$user + $sys" | bc -l) $rss $rc" >>"$work/times"
  if [ "$rc" -ne 0 ] && [ "$label" != "${label#vigil}" ] && [ "$rc" -ne 1 ]; then
    echo "bench: $label exited $rc:" >&2; cat "$work/stderr" >&2
  fi
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

: >"$work/times"
echo "timing $RUNS cold runs each; vigil command: $VIGIL scan --vulndb none --quiet -o json IMAGE"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$RUNS"); do
  for image in $IMAGES; do
    # The pipe over the image's layers one after another, each blob streamed once.
    script="set -o pipefail"
    while read -r path; do script="$script; curl -sf '$base$path' | gzip -dc | tar -tf - >/dev/null"; done <"$work/$image.blobs"
    timed "pipe:$image" bash -c "$script"
    # shellcheck disable=SC2086
    timed "vigil:$image" $VIGIL scan --vulndb none --quiet -o json "$registry_host/$image:bench"
    if [ "$run" = 1 ] && [ -s "$work/stderr" ]; then
      echo "  note: vigil wrote to stderr on $image:"; sed 's/^/    /' "$work/stderr" | head -5
    fi
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo
  echo "| image | pipe wall | vigil wall | ratio | pipe CPU | vigil CPU | vigil peak RSS | vigil exit codes |"
  echo "|---|---|---|---|---|---|---|---|"
  for image in $IMAGES; do
    pw=$(awk -v l="pipe:$image" '$1==l{print $2}' "$work/times" | median)
    vw=$(awk -v l="vigil:$image" '$1==l{print $2}' "$work/times" | median)
    pc=$(awk -v l="pipe:$image" '$1==l{print $3}' "$work/times" | median)
    vc=$(awk -v l="vigil:$image" '$1==l{print $3}' "$work/times" | median)
    vr=$(awk -v l="vigil:$image" '$1==l{print $4}' "$work/times" | median)
    codes=$(awk -v l="vigil:$image" '$1==l{print $5}' "$work/times" | sort -u | paste -sd,)
    printf '| %s | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.0f MiB | %s |\n' \
      "$image" "$pw" "$vw" "$(echo "$vw / $pw" | bc -l)" "$pc" "$vc" "$(echo "$vr / 1024" | bc -l)" "$codes"
  done
  echo
  echo "medians of $RUNS runs; every run: label wall_s cpu_s peak_rss_kib exit"
  sed 's/^/    /' "$work/times"
} | tee "$OUT"
