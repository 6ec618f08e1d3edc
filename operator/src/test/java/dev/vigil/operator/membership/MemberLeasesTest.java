package dev.vigil.operator.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Member Leases on the real API server, as the operator's ServiceAccount with the shipped RBAC. */
class MemberLeasesTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Duration SHORT = Duration.ofSeconds(2);

  @Test
  void replicasSeeEachOtherAndSplitEveryKeyBetweenThem() throws Exception {
    KubeApi api = KubeApi.shared();
    String ns = api.createNamespace("members");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (KubernetesClient client = install.client();
        MemberLeases a = new MemberLeases(client, ns, "pod-a_1", SHORT, Clock.systemUTC());
        MemberLeases b = new MemberLeases(client, ns, "pod-b_2", SHORT, Clock.systemUTC())) {
      AtomicInteger changes = new AtomicInteger();
      a.onChange(changes::incrementAndGet);
      a.start(WAIT);
      b.start(WAIT);
      Awaitility.await().atMost(WAIT).until(() -> a.members().size() == 2 && b.members().size() == 2);
      assertEquals(Set.of("pod-a_1", "pod-b_2"), a.members());
      assertTrue(changes.get() >= 1, "listeners hear of the new member");
      int ofA = 0;
      for (int i = 0; i < 1_000; i++) {
        String key = "sha256:" + i;
        assertTrue(a.owns(key) ^ b.owns(key), "exactly one replica owns " + key);
        ofA += a.owns(key) ? 1 : 0;
      }
      assertTrue(ofA > 350 && ofA < 650, "a fair share: " + ofA);
      Lease lease = api.admin().resources(Lease.class).inNamespace(ns).withName("vigil-member-pod-a_1".replace('_', '-')).get();
      assertNotNull(lease, "the Lease is named for the identity");
      assertEquals("true", lease.getMetadata().getLabels().get(MemberLeases.LABEL));
    }
  }

  @Test
  void aReplicaThatStopsRenewingLosesItsShareWithinTheLeaseDurationAndItsLeaseIsCleanedUp() throws Exception {
    KubeApi api = KubeApi.shared();
    String ns = api.createNamespace("members-dead");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (KubernetesClient client = install.client();
        MemberLeases survivor = new MemberLeases(client, ns, "survivor", SHORT, Clock.systemUTC())) {
      survivor.start(WAIT);
      MemberLeases dead = new MemberLeases(client, ns, "dead", SHORT, Clock.systemUTC());
      dead.start(WAIT);
      Awaitility.await().atMost(WAIT).until(() -> survivor.members().size() == 2);
      // As SIGKILL would leave it: no renew, no release, the Lease still there.
      dead.close();
      Awaitility.await().atMost(WAIT).until(() -> survivor.members().equals(Set.of("survivor")));
      for (int i = 0; i < 100; i++) {
        assertTrue(survivor.owns("sha256:" + i));
      }
      assertNotNull(api.admin().resources(Lease.class).inNamespace(ns).withName("vigil-member-dead").get());
      // Ten durations without a renew: abandoned, deleted by the survivor.
      Awaitility.await().atMost(WAIT).until(() ->
          api.admin().resources(Lease.class).inNamespace(ns).withName("vigil-member-dead").get() == null);
      assertNotNull(api.admin().resources(Lease.class).inNamespace(ns).withName("vigil-member-survivor").get(),
          "a live replica's Lease stays");
    }
  }

  @Test
  void aReleasedReplicaOwnsNothingAndItsLeaseIsGoneAtOnce() throws Exception {
    KubeApi api = KubeApi.shared();
    String ns = api.createNamespace("members-release");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (KubernetesClient client = install.client();
        MemberLeases stays = new MemberLeases(client, ns, "stays", Duration.ofSeconds(60), Clock.systemUTC());
        MemberLeases leaves = new MemberLeases(client, ns, "leaves", Duration.ofSeconds(60), Clock.systemUTC())) {
      stays.start(WAIT);
      leaves.start(WAIT);
      Awaitility.await().atMost(WAIT).until(() -> stays.members().size() == 2);
      leaves.release();
      assertFalse(leaves.owns("sha256:1"));
      assertNull(api.admin().resources(Lease.class).inNamespace(ns).withName("vigil-member-leaves").get());
      // Far sooner than the 60 s duration: the deletion is seen by the watch.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stays.members().equals(Set.of("stays")));
    }
  }

  @Test
  void leaseNamesAreValidForAnyIdentity() {
    assertEquals("vigil-member-vigil-5f7c-abc-1234", MemberLeases.leaseName("vigil-5f7c-abc_1234"));
    assertEquals("vigil-member-a.b", MemberLeases.leaseName("A.B"));
    String long_ = MemberLeases.leaseName("x".repeat(300));
    assertTrue(long_.length() <= 253 && long_.startsWith(MemberLeases.PREFIX), long_);
    assertTrue(MemberLeases.leaseName("___").matches("vigil-member-[0-9a-f]{32}"));
  }
}
