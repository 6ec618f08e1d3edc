package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.TcpProxy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The operator in this JVM, as its ServiceAccount on the real API server, losing its Lease or its
 * API server. In-process the stop request is only recorded (nothing exits), so what /healthz
 * answers meanwhile can be watched; the exit codes are pinned by OperatorLifecycleIT.
 */
class LeadershipOnApiServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void anotherHolderTakingTheLeaseFailsLivenessAndStopsWork() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("lease-lost");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (KubernetesClient client = install.client();
        VigilOperator operator = VigilOperator.start(client, options(ns, true, LifecycleSettings.defaults()))) {
      awaitHolder(api, ns, operator.identity());
      Awaitility.await().atMost(WAIT).until(() -> metric(operator, "vigil_leader").equals("1.0"));
      assertEquals(200, get(operator, "/healthz").statusCode());

      takeLease(api, ns, "intruder");
      Awaitility.await().atMost(WAIT).until(() -> operator.lifecycle().stopReason().isPresent());

      assertEquals(Optional.of(StopReason.LOST_LEADERSHIP), operator.lifecycle().stopReason());
      HttpResponse<String> health = get(operator, "/healthz");
      assertEquals(503, health.statusCode());
      assertTrue(health.body().startsWith("stopping: lost the leader Lease"), health.body());
      assertEquals(503, get(operator, "/readyz").statusCode());
      assertEquals("0.0", metric(operator, "vigil_leader"));
      assertEquals(StopReason.LOST_LEADERSHIP, stopWithin(operator, Duration.ofSeconds(10)));
      assertEquals("intruder", lease(api, ns).getSpec().getHolderIdentity(), "a lost Lease is not touched");
    }
  }

  @Test
  void aCleanStopHandsTheLeaseOver() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("lease-release");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    try (KubernetesClient client = install.client();
        VigilOperator operator = VigilOperator.start(client, options(ns, true, LifecycleSettings.defaults()))) {
      awaitHolder(api, ns, operator.identity());
      assertEquals(StopReason.REQUESTED, stopWithin(operator, Duration.ofSeconds(10)));
      assertNull(lease(api, ns).getSpec().getHolderIdentity(), "released for the standby to take at once");
      assertEquals(1, lease(api, ns).getSpec().getLeaseDurationSeconds());
    }
  }

  @Test
  void anUnreachableApiServerFailsLivenessOnceTheBoundIsPassed() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("api-gone");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    TcpProxy proxy = TcpProxy.to(URI.create(api.masterUrl()).getPort());
    Config viaProxy = new ConfigBuilder(api.configAs(ns, install.serviceAccount()))
        .withMasterUrl("https://127.0.0.1:" + proxy.port() + "/").build();
    LifecycleSettings lifecycle = new LifecycleSettings(Duration.ofSeconds(10), Duration.ofSeconds(8));
    try (proxy; KubernetesClient client = new KubernetesClientBuilder().withConfig(viaProxy).build();
        VigilOperator operator = VigilOperator.start(client, options(ns, false, lifecycle))) {
      Awaitility.await().atMost(WAIT).until(() -> get(operator, "/readyz").statusCode() == 200);

      proxy.close();
      Awaitility.await().atMost(WAIT).until(() -> operator.lifecycle().stopReason().isPresent());

      assertEquals(Optional.of(StopReason.API_UNREACHABLE), operator.lifecycle().stopReason());
      HttpResponse<String> health = get(operator, "/healthz");
      assertEquals(503, health.statusCode());
      assertTrue(health.body().startsWith("stopping: API server unreachable (no successful API server check for"),
          health.body());
      assertEquals(StopReason.API_UNREACHABLE, stopWithin(operator, Duration.ofSeconds(10)));
    }
  }

  @Test
  void aHealthyOperatorStaysLiveWellPastTheUnreachableBound() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("stays-live");
    OperatorInstall install = OperatorInstall.apply(api, ns, OperatorInstall.Overlay.DEFAULT);
    // A 3 s bound probes every second: ten probes and three bounds pass while the test waits.
    LifecycleSettings lifecycle = new LifecycleSettings(Duration.ofSeconds(10), Duration.ofSeconds(3));
    try (KubernetesClient client = install.client();
        VigilOperator operator = VigilOperator.start(client, options(ns, false, lifecycle))) {
      Awaitility.await().atMost(WAIT).until(() -> get(operator, "/readyz").statusCode() == 200);
      Thread.sleep(10_000);
      assertEquals(Optional.empty(), operator.lifecycle().stopReason());
      assertEquals(200, get(operator, "/healthz").statusCode());
    }
  }

  @Test
  void controllersCountAsUnhealthyOnlyWithAnUnhealthySource() {
    assertEquals(java.util.Set.of(), VigilOperator.unhealthyControllers(
        java.util.Map.of("imagepolicy", java.util.Map.of(), "scanschedule", java.util.Map.of())));
    assertEquals(java.util.Set.of("scanschedule"), VigilOperator.unhealthyControllers(
        java.util.Map.of("imagepolicy", java.util.Map.of(), "scanschedule", java.util.Map.of("informer", "x"))));
  }

  private static VigilOperator.Options options(String ns, boolean leaderElection, LifecycleSettings lifecycle)
      throws Exception {
    return new VigilOperator.Options(new InetSocketAddress("127.0.0.1", 0), leaderElection, true,
        new OperatorSettings(ns, Duration.ofSeconds(1), Duration.ofMinutes(10), Clock.systemUTC()),
        RunningOperator.scanSettings("none"), UpdateSettings.defaults(), lifecycle);
  }

  /** stop() on another thread, so that a hang fails the test instead of blocking it. */
  private static StopReason stopWithin(VigilOperator operator, Duration budget) throws Exception {
    return CompletableFuture.supplyAsync(() -> operator.stop(budget)).get(60, TimeUnit.SECONDS);
  }

  private static void awaitHolder(KubeApi api, String ns, String identity) {
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
      Lease lease = lease(api, ns);
      return lease != null && identity.equals(lease.getSpec().getHolderIdentity());
    });
  }

  private static Lease lease(KubeApi api, String ns) {
    return api.admin().resources(Lease.class).inNamespace(ns).withName(VigilOperator.LEASE_NAME).get();
  }

  /** Another holder renews the Lease (as a second replica would that took it over). */
  static void takeLease(KubeApi api, String ns, String holder) {
    api.admin().resources(Lease.class).inNamespace(ns).withName(VigilOperator.LEASE_NAME).edit(l -> {
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      l.getSpec().setHolderIdentity(holder);
      l.getSpec().setAcquireTime(now);
      l.getSpec().setRenewTime(now);
      l.getSpec().setLeaseDurationSeconds(60);
      return l;
    });
  }

  private static HttpResponse<String> get(VigilOperator operator, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String metric(VigilOperator operator, String name) throws Exception {
    return get(operator, "/metrics").body().lines().filter(l -> l.startsWith(name + " "))
        .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse("absent");
  }
}
