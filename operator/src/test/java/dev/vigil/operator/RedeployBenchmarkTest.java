package dev.vigil.operator;

import static org.awaitility.Awaitility.await;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.NotificationEndpoint;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.webhook.WebhookFormat;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * From a registry push to the workload patch, through the registry's notification, the webhook
 * receiver, the update step (candidate lookup, scan of the candidate, planning) and the JSON
 * patch. The candidate is a newer patch version that shares its base and middle layers with the
 * running image (only the top layer differs). Run with {@code mvn test -Pbenchmark
 * -Dtest=RedeployBenchmarkTest}; prints the figures (target: under 2 s on 2 cores).
 */
@Tag("benchmark")
@EnableKubernetesMockClient(crud = true)
class RedeployBenchmarkTest {

  static final String SECRET = "registry-notification-secret-0123";
  static final int RUNS = 3;

  static KubernetesClient client;

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
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("vigil-system")
          .endMetadata().build()).create();
      client.secrets().inNamespace("vigil-system").resource(new SecretBuilder().withNewMetadata()
          .withName("webhook").endMetadata().withStringData(Map.of("secret", SECRET)).build()).create();
      ScanSchedule schedule = new ScanSchedule();
      schedule.setMetadata(new ObjectMetaBuilder().withName("hourly").withNamespace("vigil-system").build());
      schedule.setSpec(new ScanScheduleSpec());
      schedule.getSpec().interval = "1h";
      schedule.getSpec().namespaceSelector =
          new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", "enabled")).build();
      client.resource(schedule).create();
      VigilOperator operator = RunningOperator.start(client, Duration.ofSeconds(1),
          RunningOperator.scanSettings(SampleImages.OSV.toString()),
          new UpdateSettings(5, Duration.ofSeconds(1), new WebhookOptions(new InetSocketAddress("127.0.0.1", port),
              new WebhookOptions.SecretKeyRef("vigil-system", "webhook", "secret"))));
      try {
        List<Long> millis = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
          millis.add(oneRun(registry, "bench-" + run));
        }
        System.out.printf("push to patch through the webhook: first %d ms (candidate layers cold), then %s ms%n",
            millis.get(0), millis.subList(1, millis.size()));
      } finally {
        operator.close();
      }
    }
  }

  private static long oneRun(LocalRegistry registry, String ns) {
    String repository = "team/" + ns;
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
        .withLabels(Map.of("vigil.dev/scan", "enabled")).endMetadata().build()).create();
    ImagePolicy policy = new ImagePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("updates").withNamespace(ns).build());
    policy.setSpec(new ImagePolicySpec());
    policy.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    policy.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Rollout;
    policy.getSpec().updates.strategy = ImagePolicySpec.Updates.Strategy.SemverPatch;
    policy.getSpec().updates.method = ImagePolicySpec.Updates.Method.PinDigest;
    policy.getSpec().updates.require.signature = false;
    client.resource(policy).create();
    registry.pusher().push(repository, "1.0.0", SampleImages.ubuntuWithCurl());
    String image = registry.host() + "/" + repository + ":1.0.0";
    Map<String, String> labels = Map.of("app", "app");
    client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("app").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels).withGeneration(1L).build())
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
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
