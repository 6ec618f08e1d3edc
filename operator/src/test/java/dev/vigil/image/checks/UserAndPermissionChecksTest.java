package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.image.FileEntry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** VIG-IMG-001 .. 004: who the container runs as and who may change its files. */
class UserAndPermissionChecksTest {

  private static final String ROOT = "VIG-IMG-001";
  private static final String SETUID = "VIG-IMG-002";
  private static final String WORLD_WRITABLE = "VIG-IMG-003";
  private static final String NON_ROOT_EXECUTABLES = "VIG-IMG-004";

  private static final String PASSWD =
      "root:x:0:0:root:/root:/bin/sh\n"
          + "toor:x:0:0::/root:/bin/sh\n"
          + "app:x:10001:10001::/home/app:/sbin/nologin\n";

  private static List<String> rootEvidence(String user, TestImageFiles files) {
    return evidence(ROOT, config("{\"config\":{\"User\":\"" + user + "\"}}"), files);
  }

  @Test
  void missingUserRunsAsRootWithTheFullFinding() {
    Optional<Finding> finding =
        CheckHarness.finding(
            ROOT, config("{\"config\":{}}"), TestImageFiles.empty(), ImageCheckSettings.defaults());
    assertEquals(
        Optional.of(
            new Finding(
                ROOT,
                Finding.Category.Image,
                Severity.Medium,
                "Image runs as root by default",
                List.of("USER not set: the container runs as uid 0"),
                "Add USER with a numeric non-zero uid (e.g. USER 10001:10001) to the Dockerfile"
                    + " and set runAsNonRoot: true in the pod's securityContext.")),
        finding);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0:0", "000", "root", "root:root", "0:10001"})
  void uidZeroOrRootFires(String user) {
    assertEquals(
        List.of("USER \"" + user + "\" is uid 0"), rootEvidence(user, TestImageFiles.empty()));
  }

  @Test
  void groupWithoutUserRunsAsRoot() {
    assertEquals(
        List.of("USER \":10001\" names no user: the container runs as uid 0"),
        rootEvidence(":10001", TestImageFiles.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10001", "10001:10001", "1000:0", "app", "nobody:nogroup"})
  void nonZeroUidOrNamedUserDoesNotFire(String user) {
    assertEquals(List.of(), rootEvidence(user, TestImageFiles.empty()));
  }

  @Test
  void namedUserWithUidZeroInPasswdFires() {
    TestImageFiles files =
        TestImageFiles.builder().layer("sha256:a").captured("etc/passwd", PASSWD).build();
    assertEquals(List.of("USER \"toor\" is uid 0 in /etc/passwd"), rootEvidence("toor", files));
    assertEquals(List.of(), rootEvidence("app", files));
    assertEquals(List.of(), rootEvidence("app:app", files));
  }

  @Test
  void setuidAndSetgidFilesAreListedSortedButNotSetgidDirectories() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/passwd", 04755)
            .file("usr/bin/chage", 02755)
            .file("usr/bin/both", 06755)
            .file("usr/bin/ls", 0755)
            .dir("var/local", 02775)
            .build();
    assertEquals(
        List.of(
            "/usr/bin/both (setuid, setgid)",
            "/usr/bin/chage (setgid)",
            "/usr/bin/passwd (setuid)"),
        evidence(SETUID, config("{}"), files));
  }

  @Test
  void setuidBitRemovedInALaterLayerDoesNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/su", 04755)
            .layer("sha256:b")
            .file("usr/bin/su", 0755)
            .build();
    assertEquals(List.of(), evidence(SETUID, config("{}"), files));
  }

  @Test
  void worldWritableFilesAndNonStickyDirectoriesFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .dir("tmp", 01777)
            .dir("app", 0777)
            .file("app/config.yml", 0666)
            .file("etc/passwd", 0644)
            .symlink("app/current", "config.yml")
            .entry(FileEntry.Type.OTHER, "dev/null", 0666, 0, 0, null)
            .build();
    assertEquals(
        List.of("/app/ (directory, 0777)", "/app/config.yml (0666)"),
        evidence(WORLD_WRITABLE, config("{}"), files));
  }

  @Test
  void stickyDirectoriesSymlinksAndDevicesAloneDoNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .dir("tmp", 01777)
            .dir("var/tmp", 01777)
            .symlink("etc/mtab", "/proc/mounts")
            .entry(FileEntry.Type.OTHER, "dev/null", 0666, 0, 0, null)
            .build();
    assertEquals(List.of(), evidence(WORLD_WRITABLE, config("{}"), files));
  }

  @Test
  void executablesOnThePathNotOwnedByRootFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/ls", 0755)
            .file("usr/local/bin/app", 0755, 10001, 100)
            .file("usr/local/bin/data.txt", 0644, 10001, 10)
            .file("opt/app/bin/run", 0755, 10001, 10)
            .file("srv/tool", 0755, 10001, 10)
            .build();
    assertEquals(
        List.of("/opt/app/bin/run (uid 10001)", "/usr/local/bin/app (uid 10001)"),
        evidence(
            NON_ROOT_EXECUTABLES,
            config("{\"config\":{\"Env\":[\"PATH=/opt/app/bin:/usr/local/bin:/usr/bin\"]}}"),
            files));
  }

  @Test
  void rootOwnedExecutablesDoNotFire() {
    TestImageFiles files =
        TestImageFiles.builder()
            .layer("sha256:a")
            .file("usr/bin/ls", 0755)
            .file("usr/local/bin/app", 0755, 0, 100)
            .file("home/app/script", 0755, 10001, 10)
            .build();
    assertEquals(List.of(), evidence(NON_ROOT_EXECUTABLES, config("{}"), files));
  }
}
