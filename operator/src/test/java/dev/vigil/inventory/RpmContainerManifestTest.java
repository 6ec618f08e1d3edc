package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpmContainerManifestTest {

  @Test
  void marinerDistrolessManifestListsFivePackagesWithVimEpoch() {
    ParsedPackages parsed =
        RpmContainerManifest.parse(
            TestData.bytes("syft-rpm/var/lib/rpmmanifest/container-manifest-2"));
    assertEquals(
        List.of(
            new InstalledPackage(
                "rpm",
                "mariner-release",
                "2.0-12.cm2",
                "mariner-release",
                "2.0-12.cm2",
                "noarch",
                null),
            new InstalledPackage(
                "rpm", "filesystem", "1.1-9.cm2", "filesystem", "1.1-9.cm2", "x86_64", null),
            new InstalledPackage(
                "rpm", "glibc", "2.35-2.cm2", "glibc", "2.35-2.cm2", "x86_64", null),
            new InstalledPackage(
                "rpm", "openssl-libs", "1.1.1k-15.cm2", "openssl", "1.1.1k-15.cm2", "x86_64", null),
            new InstalledPackage(
                "rpm", "vim", "2:9.0-1.cm2", "vim", "2:9.0-1.cm2", "x86_64", null)),
        parsed.packages());
    assertEquals(List.of(), parsed.problems());
  }

  @Test
  void malformedLinesAreReported() {
    String manifest =
        "short\tline\n"
            + "pkg\t1.0-1\t0\t0\tv\tx\t1\tx86_64\t0\tpkg-1.0-1.src.rpm\n"
            + "ok\t1.0-1\t0\t0\tv\t(none)\t1\tx86_64\t0\tok-1.0-1.src.rpm\n";
    ParsedPackages parsed = RpmContainerManifest.parse(manifest.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        List.of(new InstalledPackage("rpm", "ok", "1.0-1", "ok", "1.0-1", "x86_64", null)),
        parsed.packages());
    assertEquals(
        List.of(
            "line 1 has 2 columns, expected 10; skipped",
            "line 2 (pkg) has invalid epoch 'x'; skipped"),
        parsed.problems());
  }
}
