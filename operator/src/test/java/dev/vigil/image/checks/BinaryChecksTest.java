package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.image.ImageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VIG-IMG-005 (shells, network and other tools) and VIG-IMG-006 (build tools, package managers).
 */
class BinaryChecksTest {

  private static final String TOOLS = "VIG-IMG-005";
  private static final String BUILD = "VIG-IMG-006";
  private static final ImageConfig NO_PATH = config("{}");

  @Test
  void busyboxAndItsLinksCountAsShellAndNetworkTools() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("bin/busybox", 0755)
            .symlink("bin/sh", "/bin/busybox")
            .symlink("bin/ls", "/bin/busybox")
            .symlink("usr/bin/wget", "../../bin/busybox")
            .symlink("usr/bin/nc", "/bin/missing")
            .build();
    assertEquals(
        List.of("/bin/busybox", "/bin/sh -> /bin/busybox", "/usr/bin/wget -> ../../bin/busybox"),
        evidence(TOOLS, NO_PATH, files));
  }

  @Test
  void mergedUsrImageIsSearchedOnceThroughTheBinLink() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .symlink("bin", "usr/bin")
            .symlink("sbin", "usr/sbin")
            .file("usr/bin/bash", 0755)
            .file("usr/bin/dash", 0755)
            .symlink("usr/bin/sh", "dash")
            .file("usr/bin/ls", 0755)
            .build();
    assertEquals(
        List.of("/usr/bin/bash", "/usr/bin/dash", "/usr/bin/sh -> dash"),
        evidence(TOOLS, NO_PATH, files));
  }

  @Test
  void linkLoopsAndNonExecutablesDoNotCount() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .symlink("usr/bin/sh", "sh2")
            .symlink("usr/bin/sh2", "sh")
            .file("usr/bin/curl", 0644)
            .build();
    assertEquals(List.of(), evidence(TOOLS, NO_PATH, files));
  }

  @Test
  void toolsOutsideBinaryDirectoriesCountOnlyWhenOnThePath() {
    TestImageFiles files =
        TestImageFiles.builder().layer("sha256:a").file("opt/tools/curl", 0755).build();
    assertEquals(List.of(), evidence(TOOLS, NO_PATH, files));
    assertEquals(
        List.of("/opt/tools/curl"),
        evidence(TOOLS, config("{\"config\":{\"Env\":[\"PATH=/opt/tools:/usr/bin\"]}}"), files));
  }

  @Test
  void toolDeletedInALaterLayerDoesNotCount() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/curl", 0755)
            .layer("sha256:b")
            .delete("usr/bin/curl")
            .build();
    assertEquals(List.of(), evidence(TOOLS, NO_PATH, files));
  }

  @Test
  void distrolessImageHasNeither() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("app/server", 0755)
            .dir("etc", 0755)
            .captured("etc/passwd", "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")
            .build();
    assertEquals(List.of(), evidence(TOOLS, NO_PATH, files));
    assertEquals(List.of(), evidence(BUILD, NO_PATH, files));
  }

  @Test
  void buildToolsAndDownloadingPackageManagersGoToTheirOwnCheck() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/gcc", 0755)
            .file("usr/bin/make", 0755)
            .file("usr/bin/apt-get", 0755)
            .file("usr/bin/dpkg", 0755)
            .file("usr/bin/rpm", 0755)
            .file("usr/bin/curl", 0755)
            .file("usr/local/go/bin/go", 0755)
            .build();
    ImageConfig config =
        config("{\"config\":{\"Env\":[\"PATH=/usr/local/go/bin:/usr/local/bin:/usr/bin:/bin\"]}}");
    assertEquals(
        List.of("/usr/bin/apt-get", "/usr/bin/gcc", "/usr/bin/make", "/usr/local/go/bin/go"),
        evidence(BUILD, config, files));
    assertEquals(List.of("/usr/bin/curl"), evidence(TOOLS, config, files));
  }

  @Test
  void policyCanAddDpkgAndCustomNamesWhichLandByKind() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/dpkg", 0755)
            .file("usr/bin/python3", 0755)
            .file("usr/bin/curl", 0755)
            .build();
    ImageCheckSettings settings = CheckHarness.withBinaries("dpkg", "python3");
    assertEquals(List.of("/usr/bin/dpkg"), evidence(BUILD, NO_PATH, files, settings));
    assertEquals(List.of("/usr/bin/python3"), evidence(TOOLS, NO_PATH, files, settings));
  }
}
