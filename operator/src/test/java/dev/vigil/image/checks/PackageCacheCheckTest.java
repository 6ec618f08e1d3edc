package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-IMG-016: package indexes and download caches left in the image. */
class PackageCacheCheckTest {

  private static final String CACHES = "VIG-IMG-016";

  @Test
  void leftoverCachesAreReportedPerDirectoryWithCountAndSize() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("var/lib/apt/lists/lock", 0640, 0, 0)
            .dir("var/lib/apt/lists/partial", 0700)
            .file(
                "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
                0644,
                0,
                151_000)
            .file(
                "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
                0644,
                0,
                9_000_000)
            .file("var/cache/apt/pkgcache.bin", 0644, 0, 2_000_000)
            .file("var/cache/apt/archives/lock", 0640, 0, 0)
            .file("var/cache/apk/APKINDEX.5022a8a2.tar.gz", 0644, 0, 500)
            .file("root/.cache/pip/http-v2/a/b/c", 0644, 0, 2048)
            .file("home/app/.npm/_cacache/index-v5/00/ab", 0644, 0, 100)
            .build();
    assertEquals(
        List.of(
            "/home/app/.npm/_cacache: 1 file, 100 B",
            "/root/.cache/pip: 1 file, 2.0 KiB",
            "/var/cache/apk: 1 file, 500 B",
            "/var/cache/apt: 1 file, 1.9 MiB",
            "/var/lib/apt/lists: 2 files, 8.7 MiB"),
        evidence(CACHES, config("{}"), files));
  }

  @Test
  void cleanedBaseImageLayoutDoesNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .dir("var/lib/apt/lists", 0755)
            .dir("var/lib/apt/lists/partial", 0700)
            .file("var/lib/apt/lists/lock", 0640, 0, 0)
            .dir("var/cache/apt/archives/partial", 0700)
            .file("var/cache/apt/archives/lock", 0640, 0, 0)
            .dir("var/cache/apk", 0755)
            .file("var/lib/dpkg/status", 0644, 0, 80_000)
            .build();
    assertEquals(List.of(), evidence(CACHES, config("{}"), files));
  }

  @Test
  void cacheRemovedInALaterLayerDoesNotCount() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file(
                "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
                0644,
                0,
                151_000)
            .layer("sha256:b")
            .delete("var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease")
            .build();
    assertEquals(List.of(), evidence(CACHES, config("{}"), files));
  }
}
