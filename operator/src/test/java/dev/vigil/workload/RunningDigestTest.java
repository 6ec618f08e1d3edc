package dev.vigil.workload;

import static dev.vigil.workload.TestCluster.D1;
import static dev.vigil.workload.TestCluster.D2;
import static dev.vigil.workload.TestCluster.D3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunningDigestTest {

  private static final String IMAGE = "registry.example.com/team/app:1.4";

  private static Pod pod(String image, String digest, boolean ready) {
    return TestCluster.podObject("ns", "p", null, Map.of(), image,
        digest == null ? null : "registry.example.com/team/app@" + digest, ready);
  }

  private static String of(Pod... pods) {
    return RunningDigest.of(List.of(pods), ContainerType.Container, "app", IMAGE);
  }

  @Test
  void mostReadyPodsWinOverMorePods() {
    assertEquals(D2, of(pod(IMAGE, D1, false), pod(IMAGE, D1, false), pod(IMAGE, D2, true)));
  }

  @Test
  void withEqualReadyPodsMorePodsWin() {
    assertEquals(D1, of(pod(IMAGE, D2, true), pod(IMAGE, D1, true), pod(IMAGE, D1, false)));
  }

  @Test
  void aFullTieGoesToTheSmallestDigestWhateverThePodOrder() {
    assertEquals(D1, of(pod(IMAGE, D2, true), pod(IMAGE, D1, true)));
    assertEquals(D1, of(pod(IMAGE, D1, true), pod(IMAGE, D2, true)));
  }

  @Test
  void podsThatReportNoDigestGiveNull() {
    assertNull(of());
    assertNull(of(pod(IMAGE, null, true)));
  }

  @Test
  void podsWhoseSpecNamesAnotherTagDoNotCount() {
    assertEquals(D2, of(pod("registry.example.com/team/app:1.3", D1, true),
        pod("registry.example.com/team/app:1.3", D1, true), pod(IMAGE, D2, false)));
    assertNull(of(pod("registry.example.com/team/app:1.3", D1, true)));
  }

  @Test
  void otherContainerNamesAndTypesDoNotCount() {
    Pod pod = pod(IMAGE, D1, true);
    assertNull(RunningDigest.of(List.of(pod), ContainerType.Container, "sidecar", IMAGE));
    assertNull(RunningDigest.of(List.of(pod), ContainerType.InitContainer, "app", IMAGE));
  }

  @Test
  void sameImageIgnoresSpellingAndDigestPinningButNotTagOrRepository() {
    assertTrue(RunningDigest.sameImage("nginx", "docker.io/library/nginx:latest"));
    assertTrue(RunningDigest.sameImage(IMAGE, IMAGE + "@" + D3));
    assertTrue(RunningDigest.sameImage(IMAGE, "registry.example.com/team/app@" + D3));
    assertFalse(RunningDigest.sameImage(IMAGE + "@" + D1, IMAGE + "@" + D3));
    assertFalse(RunningDigest.sameImage(IMAGE, "registry.example.com/team/app:1.5"));
    assertFalse(RunningDigest.sameImage(IMAGE, "mirror.example.com/team/app:1.4"));
    assertFalse(RunningDigest.sameImage(IMAGE, "Not A Reference"));
    assertFalse(RunningDigest.sameImage(IMAGE, null));
  }
}
