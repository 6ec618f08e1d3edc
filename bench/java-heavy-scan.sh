#!/usr/bin/env bash
# Cold `vigil scan` of a Java-heavy image, side by side with `curl | gzip -dc | tar -t` over the
# same layer (issue 11, item 6). Not a test: it prints figures and never fails on time.
#
#   bench/java-heavy-scan.sh                # 5 runs, median; times the launcher operator/target/vigil
#   RUNS=9 bench/java-heavy-scan.sh
#   VIGIL="java -jar operator/target/vigil.jar" bench/java-heavy-scan.sh   # the command to time
#   HEAP_MB=48 bench/java-heavy-scan.sh     # the fixed heap of the bounded-heap runs (default 64)
#   RUNS=0 SERVE=1 bench/java-heavy-scan.sh # build the image, serve it until Ctrl-C
#
# Needs: /usr/bin/docker-registry, curl, gzip, GNU tar, GNU time (/usr/bin/time), bc, python3,
# a local Maven repository (M2_REPO, default ~/.m2/repository) and a built jar
# (mvn -B package -DskipTests). The image is built once into operator/target/bench-java
# (BENCH_DIR), registry storage included; delete that directory to rebuild it. The table goes to
# stdout and to operator/target/java-heavy-scan-bench.txt (OUT), with every run's figures.
#
# The image is one gzip layer of real jars, the machine's own Maven artifacts:
#   /opt/libs/*.jar            the newest version of every artifact in the local repository
#                              (sources/javadoc/test jars left out), up to PLAIN_BYTES
#   /opt/app/app.jar           a Spring Boot-style fat jar: BOOT-INF/lib/*.jar STORED (as Spring
#                              Boot writes them), BOOT-INF/classes and its own pom.properties
#                              deflated; every third artifact, up to BOOT_BYTES
#   /opt/ear/shop.ear          an EAR holding shop-web.war (STORED), which holds WEB-INF/lib/*.jar
#                              (STORED): jars two levels deep; the next third, up to WAR_BYTES
# Another machine's Maven repository gives other bytes; the script prints what it built.
#
# Heap: besides the timed runs (the launcher's own JVM sizing, no -Xmx), the scan runs
# HEAP_RUNS times more with -o cyclonedx (the SBOM lists the packages; -o json lists only
# vulnerabilities) and a fixed small heap (-Xmx${HEAP_MB}m, smaller than the largest archive in
# the image) and a GC log; the table shows that it completes with the same package count, and
# the largest heap occupancy the GC log records after a collection (the live set) and before one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

RUNS=${RUNS:-5}
HEAP_RUNS=${HEAP_RUNS:-2}
HEAP_MB=${HEAP_MB:-64}
JAR=${JAR:-$root/operator/target/vigil.jar}
if [ -z "${VIGIL:-}" ]; then
  if [ -x "$root/operator/target/vigil" ]; then
    VIGIL="$root/operator/target/vigil"           # the launcher the build writes next to the jar
  else
    VIGIL="java -jar $JAR"
  fi
fi
M2_REPO=${M2_REPO:-$HOME/.m2/repository}
PLAIN_BYTES=${PLAIN_BYTES:-$((190 * 1000 * 1000))}
BOOT_BYTES=${BOOT_BYTES:-$((60 * 1000 * 1000))}
WAR_BYTES=${WAR_BYTES:-$((55 * 1000 * 1000))}
OUT=${OUT:-$root/operator/target/java-heavy-scan-bench.txt}

for tool in /usr/bin/docker-registry /usr/bin/time curl gzip tar sha256sum bc python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
[ -f "$JAR" ] || { echo "bench: $JAR is missing; run mvn -B package -DskipTests first" >&2; exit 2; }
[ -d "$M2_REPO" ] || { echo "bench: no Maven repository at $M2_REPO (set M2_REPO)" >&2; exit 2; }

work=${BENCH_DIR:-$root/operator/target/bench-java}
mkdir -p "$work"
# shellcheck source=bench/registry.sh
. "$root/bench/registry.sh"
cleanup() {
  stop_registry
  rm -rf "$work/stage"
}
trap cleanup EXIT

stamp="$M2_REPO $PLAIN_BYTES $BOOT_BYTES $WAR_BYTES"
if [ "$(cat "$work/ready" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$work/storage" "$work/ready"
fi

# ---- the registry ------------------------------------------------------------------------
start_registry "$work"

# ---- the image --------------------------------------------------------------------------
build_image() {
  echo "building the image from the jars in $M2_REPO into $work..."
  # "size<TAB>path" of the newest version of every artifact, in groupId/artifactId order.
  (cd "$M2_REPO" && find . -name '*.jar' -not -name '*-sources.jar' -not -name '*-javadoc.jar' \
      -not -name '*-tests.jar' -not -name '*-test-sources.jar' -not -path './dev/vigil/*' -printf '%s %p\n') \
    | awk '{ n = split($2, a, "/"); key = ""; for (i = 2; i <= n - 2; i++) key = key "/" a[i]
             print key "\t" a[n-1] "\t" $1 "\t" $2 }' \
    | sort -t$'\t' -k1,1 -k2,2V \
    | awk -F'\t' '{ last[$1] = $3 "\t" $4; order[$1] = NR } END { for (k in last) print order[k] "\t" last[k] }' \
    | sort -n | cut -f2- | sed "s|\t\./|\t$M2_REPO/|" >"$work/artifacts"
  [ -s "$work/artifacts" ] || { echo "bench: no jars in $M2_REPO" >&2; exit 2; }

  rm -rf "$work/stage" && mkdir -p "$work/stage/opt/libs" "$work/stage/opt/app" "$work/stage/opt/ear"
  awk -F'\t' -v limit="$PLAIN_BYTES" '{ if (total >= limit) exit; total += $1; print $2 }' "$work/artifacts" \
    >"$work/plain.list"
  awk -F'\t' -v limit="$BOOT_BYTES" 'NR % 3 == 1 { if (total >= limit) exit; total += $1; print $2 }' "$work/artifacts" \
    >"$work/boot.list"
  awk -F'\t' -v limit="$WAR_BYTES" 'NR % 3 == 2 { if (total >= limit) exit; total += $1; print $2 }' "$work/artifacts" \
    >"$work/war.list"
  # Two artifacts' jars have the same file name in different groups now and then: keep the first.
  while read -r jar; do
    [ -e "$work/stage/opt/libs/${jar##*/}" ] || cp "$jar" "$work/stage/opt/libs/"
  done <"$work/plain.list"

  # The fat jars, with python's zipfile: nested jars STORED with their sizes and CRC in the local
  # header (Spring Boot's layout, which the JVM's nested-jar loaders need), everything else
  # deflated. BOOT-INF/classes are the class files of the first nested jar, so there is real
  # deflated content to step over.
  python3 - "$work" <<'PY'
import io, sys, zipfile
work = sys.argv[1]
def lines(name):
    with open(f"{work}/{name}") as f:
        return [l.rstrip("\n") for l in f if l.strip()]
def add_jars(z, prefix, jars):
    seen = set()
    for jar in jars:
        name = jar.rsplit("/", 1)[1]
        if name in seen:
            continue
        seen.add(name)
        z.write(jar, prefix + name, compress_type=zipfile.ZIP_STORED)
def pom(group, artifact, version):
    return f"#Generated by Maven\ngroupId={group}\nartifactId={artifact}\nversion={version}\n"

boot = lines("boot.list")
with zipfile.ZipFile(f"{work}/stage/opt/app/app.jar", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n"
               "Start-Class: com.example.bench.App\nSpring-Boot-Classes: BOOT-INF/classes/\nSpring-Boot-Lib: BOOT-INF/lib/\n")
    z.writestr("META-INF/maven/com.example.bench/bench-app/pom.properties", pom("com.example.bench", "bench-app", "1.0.0"))
    with zipfile.ZipFile(boot[0]) as first:
        for info in first.infolist():
            if info.filename.endswith(".class"):
                z.writestr("BOOT-INF/classes/" + info.filename, first.read(info))
    add_jars(z, "BOOT-INF/lib/", boot)

war = io.BytesIO()
with zipfile.ZipFile(war, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    z.writestr("META-INF/maven/com.example.bench/shop-web/pom.properties", pom("com.example.bench", "shop-web", "2.3.1"))
    z.writestr("WEB-INF/web.xml", "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\"/>\n")
    add_jars(z, "WEB-INF/lib/", lines("war.list"))
with zipfile.ZipFile(f"{work}/stage/opt/ear/shop.ear", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    z.writestr("META-INF/application.xml", "<application><module><web><web-uri>shop-web.war</web-uri>"
               "<context-root>/shop</context-root></web></module></application>\n")
    z.writestr("META-INF/maven/com.example.bench/shop-ear/pom.properties", pom("com.example.bench", "shop-ear", "2.3.1"))
    z.writestr("shop-web.war", war.getvalue(), compress_type=zipfile.ZIP_STORED)
PY

  (cd "$work/stage" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$work/layer.entries"
  tar -C "$work/stage" --no-recursion --numeric-owner --owner=0 --group=0 --mtime=@1700000000 \
    -cf "$work/layer.tar" -T "$work/layer.entries"
  gzip -n -6 <"$work/layer.tar" >"$work/layer.tar.gz"

  local repo=javaheavy digest size cfg cfgdigest
  digest=$(push_blob "$repo" "$work/layer.tar.gz")
  size=$(stat -c %s "$work/layer.tar.gz")
  cfg="$work/config.json"
  printf '{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"User":"1000","Cmd":["java","-jar","/opt/app/app.jar"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"bench"}]}' \
    "$(sha256sum "$work/layer.tar" | cut -d' ' -f1)" >"$cfg"
  cfgdigest=$(push_blob "$repo" "$cfg")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$cfgdigest" "$(stat -c %s "$cfg")" "$digest" "$size" >"$work/manifest.json"
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$work/manifest.json" "$base/v2/$repo/manifests/bench" >/dev/null
  echo "/v2/$repo/blobs/$digest" >"$work/blobs"

  mib() { echo "$1 / 1048576" | bc -l; }
  {
    printf '  javaheavy: one layer, %d entries, %.1f MiB tar, %.1f MiB gzip\n' "$(wc -l <"$work/layer.entries")" \
      "$(mib "$(stat -c %s "$work/layer.tar")")" "$(mib "$size")"
    printf '    /opt/libs: %d jars, %.1f MiB\n' "$(find "$work/stage/opt/libs" -name '*.jar' | wc -l)" \
      "$(mib "$(du -sb "$work/stage/opt/libs" | cut -f1)")"
    printf '    /opt/app/app.jar: %.1f MiB, %d jars in BOOT-INF/lib (STORED)\n' "$(mib "$(stat -c %s "$work/stage/opt/app/app.jar")")" \
      "$(python3 -c 'import sys,zipfile; print(sum(1 for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("BOOT-INF/lib/")))' "$work/stage/opt/app/app.jar")"
    printf '    /opt/ear/shop.ear: %.1f MiB, shop-web.war (STORED) with %d jars in WEB-INF/lib (STORED)\n' \
      "$(mib "$(stat -c %s "$work/stage/opt/ear/shop.ear")")" "$(sort -u "$work/war.list" | wc -l)"
    printf '    largest archive: %.1f MiB\n' "$(mib "$(find "$work/stage" -type f -printf '%s\n' | sort -n | tail -1)")"
  } >"$work/description"
  rm -rf "$work/stage" "$work/layer.tar" "$work/layer.tar.gz"
  echo "$stamp" >"$work/ready"
}

if [ ! -f "$work/ready" ]; then
  build_image
else
  echo "image from $work (delete it to rebuild):"
fi
cat "$work/description"
image="$registry_host/javaheavy:bench"
if [ "$RUNS" = 0 ]; then
  if [ -n "${SERVE:-}" ]; then
    echo "registry at $registry_host (image $image); Ctrl-C stops it"
    wait "$registry_pid"
  fi
  exit 0
fi

# ---- timing -----------------------------------------------------------------------------
# GNU time: wall seconds, user+sys seconds, peak RSS (KiB) of the largest process in the tree.
# label cmd... ; appends "label wall cpu rss_kib exit" to $work/times
timed() {
  local label=$1; shift
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.out" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  read -r wall user sys rss <"$work/time.out" || true
  if [ "$label" != pipe ] && [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "bench: $label exited $rc:" >&2; tail -20 "$work/stderr" >&2
  fi
  echo "$label $wall $(echo "$user + $sys" | bc -l) $rss $rc" >>"$work/times"
}

# "packages archives nested twice" of the Maven components in a CycloneDX document: packages,
# distinct archive paths, and how many of those sit two archives deep (ear!war!jar). The -o json
# report lists vulnerabilities, not packages, so the package count comes from an SBOM run.
count_packages() {
  python3 - "$1" <<'PY2'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
except Exception:
    print("unreadable - -"); sys.exit(0)
paths = []
for c in doc.get("components", []):
    if c.get("purl", "").startswith("pkg:maven/"):
        paths.append(next((p["value"] for p in c.get("properties", []) if p.get("name") == "vigil:path"), ""))
print(len(paths), len(set(paths)), sum(1 for p in set(paths) if p.count("!") >= 2))
PY2
}

# The largest heap occupancy after a collection (live set) and before one, in MiB, from -Xlog:gc.
gc_peaks() {
  sed -n 's/.* \([0-9]*\)M->\([0-9]*\)M([0-9]*M).*/\1 \2/p' "$1" \
    | awk 'BEGIN {b = 0; a = 0} { if ($1 > b) b = $1; if ($2 > a) a = $2 } END { print a, b, NR }'
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

: >"$work/times"
: >"$work/heap"
echo "timing $RUNS cold runs; vigil command: $VIGIL scan --vulndb none -o json $image"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $load_start"
blob=$(cat "$work/blobs")
for run in $(seq "$RUNS"); do
  timed pipe bash -c "set -o pipefail; curl -sf '$base$blob' | gzip -dc | tar -tf - >/dev/null"
  # shellcheck disable=SC2086
  timed vigil $VIGIL scan --vulndb none -o json "$image"
  if [ "$run" = 1 ]; then
    cp "$work/stdout" "$work/scan.json"
    if [ -s "$work/stderr" ]; then echo "  note: vigil wrote to stderr:"; sed 's/^/    /' "$work/stderr" | head -5; fi
  fi
done

# Bounded heap: the launcher appends VIGIL_JAVA_OPTS after its own options, so -Xmx wins; with
# `java -jar` the options go before -jar. These runs write the CycloneDX SBOM, which lists the
# packages: the count shows that the small heap finds the same packages.
: >"$work/packages"
for run in $(seq "$HEAP_RUNS"); do
  rm -f "$work/gc.log"
  heap_opts="-Xmx${HEAP_MB}m -Xlog:gc:file=$work/gc.log"
  case "$VIGIL" in
    # shellcheck disable=SC2086
    *"java -jar"*) timed heap env VIGIL_JAVA_OPTS= ${VIGIL/java -jar/java $heap_opts -jar} scan --vulndb none -o cyclonedx "$image" ;;
    # shellcheck disable=SC2086
    *) VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:-} $heap_opts" timed heap $VIGIL scan --vulndb none -o cyclonedx "$image" ;;
  esac
  count_packages "$work/stdout" >>"$work/packages"
  [ "$run" = 1 ] && cp "$work/stdout" "$work/sbom.json"
  [ -f "$work/gc.log" ] && gc_peaks "$work/gc.log" >>"$work/heap"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo
  pw=$(awk '$1=="pipe"{print $2}' "$work/times" | median)
  vw=$(awk '$1=="vigil"{print $2}' "$work/times" | median)
  pc=$(awk '$1=="pipe"{print $3}' "$work/times" | median)
  vc=$(awk '$1=="vigil"{print $3}' "$work/times" | median)
  pr=$(awk '$1=="pipe"{print $4}' "$work/times" | median)
  vr=$(awk '$1=="vigil"{print $4}' "$work/times" | median)
  codes=$(awk '$1=="vigil"{print $5}' "$work/times" | sort -u | paste -sd,)
  echo "| | wall | CPU | peak RSS |"
  echo "|---|---|---|---|"
  printf '| curl \\| gzip -dc \\| tar -t | %.2f s | %.2f s | %.0f MiB |\n' "$pw" "$pc" "$(echo "$pr / 1024" | bc -l)"
  printf '| vigil scan --vulndb none -o json | %.2f s | %.2f s | %.0f MiB |\n' "$vw" "$vc" "$(echo "$vr / 1024" | bc -l)"
  printf '\nratio vigil/pipe (median wall): %.2fx (target: within 1.5x)\n' "$(echo "$vw / $pw" | bc -l)"
  echo "vigil exit codes: $codes; load average $load_start at the start, $load_end at the end"
  if [ "$HEAP_RUNS" -gt 0 ]; then
    hw=$(awk '$1=="heap"{print $2}' "$work/times" | median)
    hr=$(awk '$1=="heap"{print $4}' "$work/times" | median)
    hcodes=$(awk '$1=="heap"{print $5}' "$work/times" | sort -u | paste -sd,)
    counts=$(sort -u "$work/packages" | paste -sd,)
    read -r live before gcs < <(awk '{ if ($1 > a) a = $1; if ($2 > b) b = $2; if ($3 > n) n = $3 } END { print a+0, b+0, n+0 }' "$work/heap")
    echo "Maven packages, archives holding them, archives two levels deep (-o cyclonedx; one line per distinct result): $counts"
    printf 'bounded heap, -Xmx%sm, -o cyclonedx (%d runs): %.2f s wall, %.0f MiB peak RSS, exit codes %s;\n' \
      "$HEAP_MB" "$HEAP_RUNS" "$hw" "$(echo "$hr / 1024" | bc -l)" "$hcodes"
    printf '  GC log: at most %s MiB live after a collection, at most %s MiB in use before one (up to %s collections per run)\n' \
      "$live" "$before" "$gcs"
  fi
  echo
  echo "every run: label wall_s cpu_s peak_rss_kib exit"
  sed 's/^/    /' "$work/times"
} | tee "$OUT"
