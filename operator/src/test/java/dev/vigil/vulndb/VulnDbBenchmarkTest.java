package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.vulndb.source.ZipFileSource;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets: load 60,000 Debian records in under 10 s and 300 MB of heap; match 1,000 packages in
 * under 20 ms. Prints figures; asserts only that the work was done.
 */
@Tag("benchmark")
class VulnDbBenchmarkTest {

  private static final int RECORDS = 60_000;
  private static final int SOURCE_PACKAGES = 4_000;
  private static final String[] RELEASES = {"Debian:11", "Debian:12", "Debian:13"};
  private static final String[] URGENCIES = {"unimportant", "low", "medium", "high", "not yet assigned"};

  @TempDir Path dir;

  @Test
  void loadSixtyThousandDebianRecordsAndMatchAThousandPackages() throws Exception {
    Path zip = dir.resolve("all.zip");
    long zipStart = System.nanoTime();
    writeSyntheticDebianZip(zip, new Random(42));
    System.out.printf(
        "synthetic zip: %d records, %.1f MB, written in %d ms%n",
        RECORDS, Files.size(zip) / 1e6, (System.nanoTime() - zipStart) / 1_000_000);

    System.gc();
    long heapBefore = usedHeap();
    List<MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    long loadStart = System.nanoTime();
    VulnDb db = new VulnDbLoader(TestDbs.CLOCK).load(new ZipFileSource(zip));
    long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
    long peakPools = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    System.gc();
    long retained = usedHeap() - heapBefore;
    System.out.printf(
        "load: %d ms, %d records, %d indexed packages, %d problems; retained heap %.1f MB;"
            + " sum of heap pool peaks during load %.1f MB (includes garbage not yet collected)%n",
        loadMs,
        db.recordCount(),
        db.loadReport().indexedPackages(),
        db.loadReport().problemCount(),
        retained / 1e6,
        peakPools / 1e6);
    assertEquals(RECORDS, db.recordCount());

    Inventory inventory = inventory(new Random(7));
    VulnMatcher matcher = new VulnMatcher();
    long coldStart = System.nanoTime();
    List<VulnerabilityMatch> matches = matcher.match(db, inventory);
    double coldMs = (System.nanoTime() - coldStart) / 1e6;
    for (int i = 0; i < 30; i++) {
      matcher.match(db, inventory);
    }
    double[] runs = new double[50];
    for (int i = 0; i < runs.length; i++) {
      long start = System.nanoTime();
      matcher.match(db, inventory);
      runs[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(runs);
    System.out.printf(
        "match: 1000 packages -> %d findings; first call %.2f ms; after warm-up median %.2f ms,"
            + " p90 %.2f ms, max %.2f ms%n",
        matches.size(), coldMs, runs[runs.length / 2], runs[runs.length * 9 / 10], runs[runs.length - 1]);
    assertTrue(matches.size() > 0);
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static String sourceName(int i) {
    return "pkg" + i + (i % 3 == 0 ? "-utils" : i % 3 == 1 ? "lib" : "");
  }

  private static String upstreamVersion(int i) {
    return (1 + i % 7) + "." + (i % 13) + "." + (i % 5);
  }

  /**
   * Shapes of real Debian OSV records: DEBIAN-CVE-* per-CVE records with upstream, details and
   * one affected entry per release (fixed with a +debNNuM revision, or unfixed), an urgency,
   * a versions list on some; DSA/DLA advisories with a CVE alias and a summary.
   */
  private static void writeSyntheticDebianZip(Path zip, Random random) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip);
        ZipOutputStream out = new ZipOutputStream(file)) {
      for (int r = 0; r < RECORDS; r++) {
        int pkg = random.nextInt(SOURCE_PACKAGES);
        String name = sourceName(pkg);
        String upstream = upstreamVersion(pkg);
        String cve = "CVE-" + (2014 + r % 11) + "-" + (10000 + r);
        boolean advisory = r % 10 == 0;
        String id = advisory ? (r % 20 == 0 ? "DSA-" : "DLA-") + (1000 + r) + "-1" : "DEBIAN-" + cve;
        StringBuilder affected = new StringBuilder();
        for (int i = 0; i < RELEASES.length; i++) {
          if (advisory && i != 1) {
            continue;
          }
          int deb = 11 + i;
          boolean fixed = random.nextInt(4) != 0;
          StringBuilder versions = new StringBuilder();
          if (random.nextInt(3) == 0) {
            for (int v = 1; v <= 12; v++) {
              versions.append(v == 1 ? "" : ",").append('"').append(upstream).append('-').append(v).append('"');
            }
          }
          affected
              .append(affected.length() == 0 ? "" : ",")
              .append("{\"package\":{\"ecosystem\":\"")
              .append(RELEASES[i])
              .append("\",\"name\":\"")
              .append(name)
              .append("\",\"purl\":\"pkg:deb/debian/")
              .append(name)
              .append("?arch=source\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}")
              .append(
                  fixed
                      ? ",{\"fixed\":\"" + upstream + "-" + (3 + random.nextInt(6)) + "+deb" + deb + "u" + (1 + random.nextInt(3)) + "\"}"
                      : "")
              .append("]}],\"versions\":[")
              .append(versions)
              .append("],\"ecosystem_specific\":{\"urgency\":\"")
              .append(URGENCIES[random.nextInt(URGENCIES.length)])
              .append("\"},\"database_specific\":{\"source\":\"https://storage.googleapis.com/debian-osv/")
              .append(id)
              .append(".json\"}}");
        }
        String json =
            "{\"schema_version\":\"1.6.0\",\"id\":\"" + id + "\",\"modified\":\"2025-0" + (1 + r % 9)
                + "-15T08:00:00Z\",\"published\":\"2024-03-01T00:00:00Z\","
                + (advisory
                    ? "\"aliases\":[\"" + cve + "\"],\"summary\":\"" + name + " - security update\","
                    : "\"upstream\":[\"" + cve + "\"],")
                + "\"details\":\"A flaw was found in " + name + " where a crafted input could lead to an"
                + " out-of-bounds read in the parser. A remote attacker could use this to cause a denial"
                + " of service or possibly execute arbitrary code. This issue affects versions before "
                + upstream + ".\",\"affected\":[" + affected + "],\"references\":[{\"type\":\"ADVISORY\","
                + "\"url\":\"https://security-tracker.debian.org/tracker/" + cve + "\"},{\"type\":\"WEB\","
                + "\"url\":\"https://www.cve.org/CVERecord?id=" + cve + "\"}]}";
        out.putNextEntry(new ZipEntry(id + ".json"));
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
  }

  /**
   * 1,000 binaries from 500 source packages (two binaries per source, sharing its version, as
   * dpkg has them), installed at Debian 12 revisions that some of the advisories have already
   * fixed and others not.
   */
  private static Inventory inventory(Random random) {
    List<InstalledPackage> packages = new ArrayList<>();
    for (int s = 0; s < 500; s++) {
      int pkg = s * (SOURCE_PACKAGES / 500);
      String source = sourceName(pkg);
      String version = upstreamVersion(pkg) + "-" + (4 + random.nextInt(4)) + "+deb12u2";
      for (int b = 0; b < 2; b++) {
        packages.add(
            new InstalledPackage(
                "deb", source + "-bin" + b, version, source, version, "amd64", "sha256:layer" + (s % 5)));
      }
    }
    return new Inventory(new OsInfo("debian", "12", "Debian GNU/Linux 12", false, null), packages, List.of());
  }
}
