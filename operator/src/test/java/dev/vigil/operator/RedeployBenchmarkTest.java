package dev.vigil.operator;

import static org.awaitility.Awaitility.await;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.NotificationEndpoint;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.webhook.WebhookFormat;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * From a registry push to the workload patch, through the registry's notification, the webhook
 * receiver, the update step (candidate lookup, scan of the candidate, planning) and the patch of
 * the Deployment on a real API server (with kube-controller-manager; the test plays the kubelet for
 * the first pod). The operator runs as its ServiceAccount with the config/with-rollout RBAC. The
 * candidate is a newer patch version that shares its base and middle layers with the running
 * image (only the top layer differs). Run with {@code mvn test -Pbenchmark
 * -Dtest=RedeployBenchmarkTest}; prints the figures (target: under 2 s on 2 cores).
 */
@Tag("benchmark")
class RedeployBenchmarkTest {

  static final String SECRET = "registry-notification-secret-0123";
  static final int RUNS = 5;

  static KubernetesClient client;
  static ClusterFixture cluster;
  static String opNs;

  @Test
  void pushToPatchThroughTheWebhook() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    try (LocalRegistry registry = LocalRegistry.builder()
        .notification(NotificationEndpoint.of("vigil",
            URI.create("http://127.0.0.1:" + port + WebhookFormat.DISTRIBUTION.path()),
            Map.of("Authorization", List.of("Bearer " + SECRET))))
        .start()) {
      KubeApi api = KubeApi.withControllerManager().withCrds();
      client = api.admin();
      cluster = new ClusterFixture(api);
      opNs = cluster.namespace("vigil-redeploy-bench", Map.of());
      OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.WITH_ROLLOUT);
      client.secrets().inNamespace(opNs).resource(new SecretBuilder().withNewMetadata()
          .withName("webhook").endMetadata().withStringData(Map.of("secret", SECRET)).build()).create();
      ScanSchedule schedule = new ScanSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName("hourly").withNamespace(opNs).build());
      schedule.setSpec(new ScanScheduleSpec());
      schedule.getSpec().interval = "1h";
      schedule.getSpec().namespaceSelector =
          new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", opNs)).build();
      client.resource(schedule).create();
      RunningOperator operator = RunningOperator.in(install)
          .scan(RunningOperator.scanSettings(SampleImages.OSV.toString()))
          .updates(new UpdateSettings(5, Duration.ofSeconds(1), new WebhookOptions(
              new InetSocketAddress("127.0.0.1", port), new WebhookOptions.SecretKeyRef(opNs, "webhook", "secret"))))
          .start();
      try {
        List<Long> millis = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
          millis.add(oneRun(registry, "bench-" + run));
        }
        List<Long> sorted = new ArrayList<>(millis);
        java.util.Collections.sort(sorted);
        System.out.printf("push to patch through the webhook (real API server): runs %s ms, median %d ms%n",
            millis, sorted.get(sorted.size() / 2));
        // What the receiver answered the registry's notifications (pushes and pulls), by result.
        operator.operator().registry().find("vigil.webhook.requests").counters().forEach(c ->
            System.out.printf("webhook requests %s: %.0f%n", c.getId().getTag("result"), c.count()));
      } finally {
        operator.close();
      }
    }
  }

  private static long oneRun(LocalRegistry registry, String prefix) {
    String ns = cluster.namespace(prefix, Map.of("vigil.dev/scan", opNs));
    String repository = "team/" + prefix;
    ImagePolicy policy = new ImagePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("updates").withNamespace(ns).build());
    policy.setSpec(new ImagePolicySpec());
    policy.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    policy.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Rollout;
    policy.getSpec().updates.strategy = ImagePolicySpec.Updates.Strategy.SemverPatch;
    policy.getSpec().updates.method = ImagePolicySpec.Updates.Method.PinDigest;
    policy.getSpec().updates.require.signature = false;
    client.resource(policy).create();
    PushedImage running = registry.pusher().push(repository, "1.0.0", SampleImages.ubuntuWithCurl());
    String image = registry.host() + "/" + repository + ":1.0.0";
    Map<String, String> labels = Map.of("app", "app");
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("app").withNamespace(ns).withLabels(labels).build())
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    // The ReplicaSet controller makes the pod; the test is its kubelet.
    Pod pod = await().atMost(Duration.ofSeconds(60)).until(
        () -> client.pods().inNamespace(ns).withLabel("app", "app").list().getItems().stream().findFirst().orElse(null),
        java.util.Objects::nonNull);
    cluster.kubelet(pod, c -> registry.host() + "/" + repository + "@" + running.digest());
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ImageReport r = client.resources(ImageReport.class).inNamespace(ns).withName("deployment-app-app").get();
      return r != null && r.getStatus() != null && r.getStatus().compliance != null
          && r.getStatus().compliance.policies.contains("updates");
    });

    long start = System.nanoTime();
    PushedImage next = registry.pusher().push(repository, "1.0.1",
        SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.10", "binary-" + ns));
    String pinned = registry.host() + "/" + repository + ":1.0.1@" + next.digest();
    await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(60)).until(() -> pinned.equals(
        client.apps().deployments().inNamespace(ns).withName("app").get()
            .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
