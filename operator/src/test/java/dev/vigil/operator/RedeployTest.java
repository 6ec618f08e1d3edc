package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ImageReportStatus;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.rollout.RolloutAnnotation;
import dev.vigil.rollout.RolloutPhase;
import dev.vigil.signature.CosignSignaturePusher;
import dev.vigil.signature.TestCosignSigner;
import dev.vigil.signature.TestSigstore;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.NotificationEndpoint;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import dev.vigil.webhook.WebhookFormat;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rebuilt images redeployed end to end: a mock cluster (CRUD mode) runs Deployments whose pods
 * report digests from the real local registry; the registry notifies the operator's webhook
 * receiver (Bearer secret) of every push; policies with {@code updates} decide; the test plays
 * the Deployment controller by writing the Deployment's status. Each scenario has its own
 * namespace and repository; the restart scenario runs last because it replaces the operator.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedeployTest {

  static final String SECRET = "registry-notification-secret-0123";
  static final String CURL_FIXED = "7.81.0-1ubuntu1.11";
  static final KeyPair RELEASE_KEY = TestSigstore.ecKey();

  static KubernetesClient client;
  static LocalRegistry registry;
  static VigilOperator operator;
  static int webhookPort;

  /** One workload scenario: its namespace, repository and the image it runs. */
  record Scenario(String namespace, String repository, PushedImage running) {
    String image() {
      return registry.host() + "/" + repository + ":1.0";
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      webhookPort = free.getLocalPort();
    }
    registry = LocalRegistry.builder()
        .notification(NotificationEndpoint.of("vigil",
            URI.create("http://127.0.0.1:" + webhookPort + WebhookFormat.DISTRIBUTION.path()),
            Map.of("Authorization", List.of("Bearer " + SECRET))))
        .start();
    namespace("vigil-system", false);
    client.secrets().inNamespace("vigil-system").resource(new SecretBuilder()
        .withNewMetadata().withName("webhook").withNamespace("vigil-system").endMetadata()
        .withStringData(Map.of("secret", SECRET)).build()).create();
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("every-3s").withNamespace("vigil-system").build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "3s";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", "enabled")).build();
    client.resource(schedule).create();
    operator = startOperator();
  }

  static VigilOperator startOperator() throws Exception {
    return RunningOperator.start(client, Duration.ofSeconds(1),
        RunningOperator.scanSettings(SampleImages.OSV.toString()),
        new UpdateSettings(5, Duration.ofMillis(500), new WebhookOptions(
            new InetSocketAddress("127.0.0.1", webhookPort),
            new WebhookOptions.SecretKeyRef("vigil-system", "webhook", "secret"))));
  }

  @AfterAll
  static void tearDown() {
    if (operator != null) {
      operator.close();
    }
    registry.close();
  }

  @Test
  @Order(1)
  void signedRebuildThatFixesCurlIsPinnedByDigestAndRecordedAsRolledOut() throws Exception {
    Scenario s = scenario("rollout", "team/app", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));

    awaitImage(s, s.image() + "@" + rebuild.digest());
    Deployment patched = deployment(s);
    RolloutAnnotation annotation = RolloutAnnotation.read(patched).orElseThrow();
    assertEquals(RolloutPhase.RollingOut, annotation.phase());
    assertEquals(s.running().digest(), annotation.from());
    assertEquals(rebuild.digest(), annotation.to());
    assertEquals(s.image(), annotation.previousImage());
    awaitState(s, State.RollingOut);

    markProgressed(s, "NewReplicaSetAvailable");
    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    assertEquals(rebuild.digest(), update.candidate.digest);
    assertEquals("1.0", update.candidate.tag);
    assertEquals(ImageReportStatus.SignatureInfo.Status.Verified, update.candidate.signature);
    assertEquals(0, update.candidate.newFindings);
    assertTrue(update.candidate.fixes > 0, "the curl vulnerabilities are fixed: " + update.candidate.fixes);
    assertEquals(1, update.history.size());
    assertEquals(s.running().digest(), update.history.get(0).from);
    assertEquals(rebuild.digest(), update.history.get(0).to);
    assertEquals(State.RolledOut, update.history.get(0).result);
    assertEquals(RolloutPhase.RolledOut, RolloutAnnotation.read(deployment(s)).orElseThrow().phase());
    assertEquals("True", Conditions.find(report(s).getStatus(), "UpToDate").orElseThrow().getStatus());
    awaitEvent(s, "UpdateRollingOut", "Normal");
    awaitEvent(s, "UpdateRolledOut", "Normal");
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledOut\"} 1.0"), metrics());
  }

  @Test
  @Order(2)
  void unsignedRebuildIsBlockedAndNeverPatched() throws Exception {
    Scenario s = scenario("unsigned", "team/unsigned", p -> {});
    PushedImage rebuild = registry.pusher().push(s.repository(), "1.0",
        SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));

    ImageReportStatus.Update update = awaitState(s, State.Blocked);
    assertEquals("Blocked: candidate unsigned", update.reason);
    assertEquals(rebuild.digest(), update.candidate.digest);
    assertEquals(ImageReportStatus.SignatureInfo.Status.Unsigned, update.candidate.signature);
    assertEquals(s.image(), deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(null, RolloutAnnotation.read(deployment(s)).orElse(null));
    var upToDate = Conditions.find(report(s).getStatus(), "UpToDate").orElseThrow();
    assertEquals("False", upToDate.getStatus());
    assertEquals("Blocked: candidate unsigned", upToDate.getMessage());
    awaitEvent(s, "UpdateBlocked", "Warning");
  }

  @Test
  @Order(3)
  void rebuildAddingACriticalFindingIsBlocked() throws Exception {
    Scenario s = scenario("critical", "team/critical", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2", "app/deploy.key"));

    ImageReportStatus.Update update = awaitState(s, State.Blocked);
    assertEquals("Blocked: candidate adds 1 finding at or above Critical", update.reason);
    assertEquals(rebuild.digest(), update.candidate.digest);
    assertEquals(1, update.candidate.newFindings);
    assertEquals(ImageReportStatus.SignatureInfo.Status.Verified, update.candidate.signature);
    assertEquals(s.image(), deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  @Order(4)
  void outsideTheMaintenanceWindowTheRolloutWaitsForTheNextOpening() throws Exception {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    int hour = (now.getHour() + 12) % 24;
    Instant opening = now.truncatedTo(ChronoUnit.HOURS).withHour(hour).toInstant();
    if (!opening.isAfter(now.toInstant())) {
      opening = opening.plus(Duration.ofDays(1));
    }
    Scenario s = scenario("window", "team/window", p -> {
      p.getSpec().updates.window = new ImagePolicySpec.Window();
      p.getSpec().updates.window.schedule = "0 " + hour + " * * *";
      p.getSpec().updates.window.duration = "1h";
      p.getSpec().updates.window.timeZone = "UTC";
    });
    pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));

    ImageReportStatus.Update update = awaitState(s, State.Waiting);
    assertEquals("Waiting: next maintenance window opens at " + opening, update.reason);
    assertEquals(true, update.available);
    assertEquals(s.image(), deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  @Order(5)
  void failedRolloutIsRolledBackToTheExactPreviousImageAndNotRetried() throws Exception {
    Scenario s = scenario("failing", "team/failing", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    awaitImage(s, s.image() + "@" + rebuild.digest());

    markProgressed(s, "ProgressDeadlineExceeded");
    ImageReportStatus.Update update = awaitState(s, State.RolledBack);
    assertEquals(s.image(), deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        "the exact previous image string");
    assertEquals(State.RolledBack, update.history.get(update.history.size() - 1).result);
    assertEquals(rebuild.digest(), update.history.get(update.history.size() - 1).to);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(s.namespace()).list()
        .getItems().stream().anyMatch(e -> "UpdateRolledBack".equals(e.getReason()) && "Warning".equals(e.getType())
            && e.getMessage().startsWith("container app: RolledBack: Deployment ProgressDeadlineExceeded")));

    // Scheduled scans run the step again every few seconds: the candidate stays rolled back.
    await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).until(() ->
        s.image().equals(deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
            && report(s).getStatus().update.state == State.RolledBack);
    assertEquals("RolledBack: candidate 1.0@" + rebuild.digest().substring(0, 19)
        + " failed on this workload and is not retried", report(s).getStatus().update.reason);
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledBack\"} 1.0"), metrics());
  }

  @Test
  @Order(6)
  void notifyModeReportsTheCandidateAndNeverPatches() throws Exception {
    Scenario s = scenario("notify", "team/notify", p -> p.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Notify);
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));

    ImageReportStatus.Update update = awaitState(s, State.Available);
    assertEquals(rebuild.digest(), update.candidate.digest);
    assertTrue(update.reason.startsWith("Available: candidate 1.0@"), update.reason);
    assertTrue(update.reason.endsWith("(updates.mode is Notify)"), update.reason);
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() ->
        s.image().equals(deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
            && !deployment(s).getMetadata().getAnnotations().containsKey(RolloutAnnotation.KEY));
  }

  @Test
  @Order(7)
  void restartedOperatorFinishesTheRolloutFromTheAnnotationWithoutPatchingAgain() throws Exception {
    Scenario s = scenario("restart", "team/restart", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    awaitImage(s, s.image() + "@" + rebuild.digest());
    RolloutAnnotation started = RolloutAnnotation.read(deployment(s)).orElseThrow();

    operator.close();
    operator = startOperator();
    markProgressed(s, "NewReplicaSetAvailable");
    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    RolloutAnnotation finished = RolloutAnnotation.read(deployment(s)).orElseThrow();
    assertEquals(started.withPhase(RolloutPhase.RolledOut), finished, "same rollout, started once");
    assertEquals(s.image() + "@" + rebuild.digest(),
        deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(State.RolledOut, update.history.get(update.history.size() - 1).result);
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledOut\"} 1.0"),
        "the new operator counted the one it finished: " + metrics());
  }

  // --- scenario set-up -------------------------------------------------------------------

  /** Namespace, policy (Rollout, PinDigest, signed by the release key), image and Deployment. */
  static Scenario scenario(String ns, String repository, Consumer<ImagePolicy> customize) {
    namespace(ns, true);
    ImagePolicy policy = new ImagePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("updates").withNamespace(ns).build());
    policy.setSpec(new ImagePolicySpec());
    policy.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    policy.getSpec().signatures = new ImagePolicySpec.Signatures();
    policy.getSpec().signatures.mode = ImagePolicySpec.Signatures.Mode.Audit;
    ImagePolicySpec.Authority authority = new ImagePolicySpec.Authority();
    authority.name = "release-key";
    authority.key = new ImagePolicySpec.KeyRef();
    authority.key.data = TestSigstore.pem(RELEASE_KEY.getPublic());
    policy.getSpec().signatures.authorities = List.of(authority);
    policy.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Rollout;
    policy.getSpec().updates.method = ImagePolicySpec.Updates.Method.PinDigest;
    customize.accept(policy);
    client.resource(policy).create();

    PushedImage running = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl());
    Scenario s = new Scenario(ns, repository, running);
    deploymentWithPod(s);
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ImageReport r = report(s);
      return r != null && r.getStatus() != null && r.getStatus().compliance != null
          && r.getStatus().compliance.policies.contains("updates");
    });
    return s;
  }

  /** Pushes, signs, then moves the tag: the way a CI pipeline publishes a signed rebuild. */
  static PushedImage pushSigned(Scenario s, TestImage image) throws Exception {
    PushedImage staged = registry.pusher().push(s.repository(), "staged", image);
    String repo = registry.host() + "/" + s.repository();
    CosignSignaturePusher.push(registry.pusher(), s.repository(), staged.digest(), List.of(
        new TestCosignSigner(new TestSigstore()).signWithKey(RELEASE_KEY,
            TestCosignSigner.payload(repo, staged.digest()))));
    return registry.pusher().push(s.repository(), "1.0", image);
  }

  static void deploymentWithPod(Scenario s) {
    String ns = s.namespace();
    Map<String, String> labels = Map.of("app", "app");
    Deployment d = client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("app").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels).withGeneration(1L).build())
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(podSpec(s.image())).endTemplate().endSpec().build()).create();
    var rs = client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("app-1").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels)
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", "1"))
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName("app").withUid(d.getMetadata().getUid()).withController(true).build()).build())
        .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(podSpec(s.image())).endTemplate().endSpec().build()).create();
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName("app-1-a").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true)
                .build())
            .build())
        .withSpec(podSpec(s.image()))
        .withNewStatus().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName("app").withImage(s.image())
            .withImageID(registry.host() + "/" + s.repository() + "@" + s.running().digest())
            .withReady(true).build())
        .endStatus().build()).create();
  }

  static PodSpec podSpec(String image) {
    return new PodSpecBuilder().addNewContainer().withName("app").withImage(image).endContainer().build();
  }

  /** Plays the Deployment controller: observed the current generation, with this Progressing reason. */
  static void markProgressed(Scenario s, String progressingReason) {
    client.apps().deployments().inNamespace(s.namespace()).withName("app").editStatus(d -> {
      long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
      boolean ok = "NewReplicaSetAvailable".equals(progressingReason);
      d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(generation)
          .withReplicas(1).withUpdatedReplicas(ok ? 1 : 0).withAvailableReplicas(ok ? 1 : 0)
          .withConditions(new DeploymentConditionBuilder().withType("Progressing")
              .withStatus(ok ? "True" : "False").withReason(progressingReason).build())
          .build());
      return d;
    });
  }

  // --- reading the cluster ---------------------------------------------------------------

  static Deployment deployment(Scenario s) {
    return client.apps().deployments().inNamespace(s.namespace()).withName("app").get();
  }

  static ImageReport report(Scenario s) {
    return client.resources(ImageReport.class).inNamespace(s.namespace()).withName("deployment-app-app").get();
  }

  static void awaitImage(Scenario s, String image) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(image,
        deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        () -> "report update: " + describe(report(s))));
  }

  static String describe(ImageReport r) {
    if (r == null || r.getStatus() == null || r.getStatus().update == null) {
      return "none";
    }
    ImageReportStatus.Update u = r.getStatus().update;
    return u.state + " / " + u.reason + " / fixes " + (u.candidate == null ? null : u.candidate.fixes);
  }

  static ImageReportStatus.Update awaitState(Scenario s, State state) {
    Predicate<ImageReport> reached = r -> r != null && r.getStatus() != null && r.getStatus().update != null
        && r.getStatus().update.state == state;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertTrue(reached.test(report(s)),
        () -> "report update: " + describe(report(s))));
    ImageReportStatus.Update update = report(s).getStatus().update;
    assertNotNull(update.reason);
    return update;
  }

  static void awaitEvent(Scenario s, String reason, String type) {
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(s.namespace()).list()
        .getItems().stream().anyMatch((Event e) -> "app".equals(e.getInvolvedObject().getName())
            && reason.equals(e.getReason()) && type.equals(e.getType())));
  }

  static String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static void namespace(String name, boolean scanned) {
    Map<String, String> labels = new HashMap<>(Map.of("kubernetes.io/metadata.name", name));
    if (scanned) {
      labels.put("vigil.dev/scan", "enabled");
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(labels).endMetadata().build()).create();
  }
}
