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
import dev.vigil.rollout.RolloutExecutor;
import dev.vigil.rollout.RolloutPhase;
import dev.vigil.signature.CosignSignaturePusher;
import dev.vigil.signature.TestCosignSigner;
import dev.vigil.signature.TestSigstore;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.NotificationEndpoint;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import dev.vigil.webhook.WebhookFormat;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rebuilt images redeployed end to end, on the API server with kube-controller-manager: the
 * Deployment controller makes ReplicaSets and pods and reports progress for real; the test plays
 * only the kubelet, starting pods with the digest their image names. The registry notifies the
 * operator's webhook receiver (Bearer secret from a Secret) of every push; policies with
 * {@code updates} decide; the operator patches Deployments as its ServiceAccount with the
 * rollout rights of {@code config/with-rollout}. Each scenario has its own namespace and
 * repository; the restart scenario runs last because it replaces the operator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedeployTest {

  static final String SECRET = "registry-notification-secret-0123";
  static final String CURL_FIXED = "7.81.0-1ubuntu1.11";
  static final KeyPair RELEASE_KEY = TestSigstore.ecKey();
  static final List<String> SCENARIOS =
      List.of("rollout", "unsigned", "critical", "window", "failing", "notify", "restart");

  static KubeApi api;
  static ClusterFixture cluster;
  static KubernetesClient admin;
  static LocalRegistry registry;
  static RunningOperator operator;
  static String opNs;
  static final Map<String, String> namespaces = new LinkedHashMap<>();

  /** One workload scenario: its namespace, repository and the image it runs. */
  record Scenario(String namespace, String repository, PushedImage running) {
    String image() {
      return registry.host() + "/" + repository + ":1.0";
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    api = KubeApi.withControllerManager().withCrds();
    cluster = new ClusterFixture(api);
    admin = api.admin();
    int webhookPort;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      webhookPort = free.getLocalPort();
    }
    registry = LocalRegistry.builder()
        .notification(NotificationEndpoint.of("vigil",
            URI.create("http://127.0.0.1:" + webhookPort + WebhookFormat.DISTRIBUTION.path()),
            Map.of("Authorization", List.of("Bearer " + SECRET))))
        .start();
    opNs = cluster.namespace("vigil-redeploy", Map.of());
    for (String name : SCENARIOS) {
      namespaces.put(name, cluster.namespace(name, Map.of("vigil.dev/scan", opNs)));
    }
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.WITH_ROLLOUT);
    admin.secrets().inNamespace(opNs).resource(new SecretBuilder()
        .withNewMetadata().withName("webhook").withNamespace(opNs).endMetadata()
        .withStringData(Map.of("secret", SECRET)).build()).create();
    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("every-3s").withNamespace(opNs).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "3s";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", opNs)).build();
    admin.resource(schedule).create();
    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings(SampleImages.OSV.toString(), Set.copyOf(namespaces.values())))
        .updates(new UpdateSettings(5, Duration.ofMillis(500), new WebhookOptions(
            new InetSocketAddress("127.0.0.1", webhookPort),
            new WebhookOptions.SecretKeyRef(opNs, "webhook", "secret"))))
        .start();
  }

  @AfterAll
  static void tearDown() {
    try {
      if (operator != null) {
        operator.close();
      }
    } finally {
      registry.close();
    }
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
    assertPatchedByVigil(patched);
    ImageReportStatus.Update rolling = awaitState(s, State.RollingOut);
    assertEquals(rebuild.digest(), rolling.candidate.digest);
    assertEquals("1.0", rolling.candidate.tag);
    assertEquals(ImageReportStatus.SignatureInfo.Status.Verified, rolling.candidate.signature);
    assertEquals(0, rolling.candidate.newFindings);
    assertTrue(rolling.candidate.fixes > 0, "the curl vulnerabilities are fixed: " + rolling.candidate.fixes);

    startPods(s);
    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    assertEquals(1, update.history.size());
    assertEquals(s.running().digest(), update.history.get(0).from);
    assertEquals(rebuild.digest(), update.history.get(0).to);
    assertEquals(State.RolledOut, update.history.get(0).result);
    assertEquals(RolloutPhase.RolledOut, RolloutAnnotation.read(deployment(s)).orElseThrow().phase());
    assertEquals("True", Conditions.find(report(s).getStatus(), "UpToDate").orElseThrow().getStatus());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(rebuild.digest(),
        report(s).getStatus().image.digest, "the report follows the pods to the digest they now run"));
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
    assertNeverPatched(s);
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
    assertNeverPatched(s);
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
    assertNeverPatched(s);
  }

  @Test
  @Order(5)
  void failedRolloutIsRolledBackToTheExactPreviousImageAndNotRetried() throws Exception {
    Scenario s = scenario("failing", "team/failing", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    awaitImage(s, s.image() + "@" + rebuild.digest());

    // The new pod never starts: the Deployment controller gives up after progressDeadlineSeconds.
    ImageReportStatus.Update update = awaitState(s, State.RolledBack, Duration.ofSeconds(120));
    assertEquals(s.image(), templateImage(s), "the exact previous image string");
    assertEquals(State.RolledBack, update.history.get(update.history.size() - 1).result);
    assertEquals(rebuild.digest(), update.history.get(update.history.size() - 1).to);
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.events(s.namespace(), "app").stream()
        .anyMatch(e -> "UpdateRolledBack".equals(e.getReason()) && "Warning".equals(e.getType())
            && e.getMessage().startsWith("container app: RolledBack: Deployment ProgressDeadlineExceeded")));
    // The Deployment controller went back to the first ReplicaSet, whose pod runs on.
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Deployment d = deployment(s);
      return d.getStatus() != null && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
          && d.getStatus().getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
              && "NewReplicaSetAvailable".equals(c.getReason()));
    });

    // Scheduled scans run the step again every few seconds: the candidate stays rolled back.
    long generation = deployment(s).getMetadata().getGeneration();
    await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(15)).until(() ->
        s.image().equals(templateImage(s)) && deployment(s).getMetadata().getGeneration() == generation
            && report(s).getStatus().update.state == State.RolledBack);
    assertEquals("RolledBack: candidate 1.0@" + rebuild.digest().substring(0, 19)
        + " failed on this workload and is not retried", report(s).getStatus().update.reason);
    assertEquals(s.running().digest(), report(s).getStatus().image.digest, "the first pod still runs");
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
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() ->
        s.image().equals(templateImage(s))
            && !deployment(s).getMetadata().getAnnotations().containsKey(RolloutAnnotation.KEY));
    assertNeverPatched(s);
  }

  @Test
  @Order(7)
  void restartedOperatorFinishesTheRolloutFromTheAnnotationWithoutPatchingAgain() throws Exception {
    Scenario s = scenario("restart", "team/restart", p -> {});
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    awaitImage(s, s.image() + "@" + rebuild.digest());
    RolloutAnnotation started = RolloutAnnotation.read(deployment(s)).orElseThrow();

    operator = operator.restart();
    startPods(s);
    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    Deployment finished = deployment(s);
    assertEquals(started.withPhase(RolloutPhase.RolledOut), RolloutAnnotation.read(finished).orElseThrow(),
        "same rollout, started once");
    assertEquals(List.of("1", "2"), revisions(s), "the template was changed once: one new ReplicaSet");
    assertEquals(s.image() + "@" + rebuild.digest(), templateImage(s));
    assertEquals(State.RolledOut, update.history.get(update.history.size() - 1).result);
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledOut\"} 1.0"),
        "the new operator counted the one it finished: " + metrics());
  }

  // --- scenario set-up -------------------------------------------------------------------

  /** Policy (Rollout, PinDigest, signed by the release key), image and a running Deployment. */
  static Scenario scenario(String name, String repository, Consumer<ImagePolicy> customize) throws Exception {
    String ns = namespaces.get(name);
    ImagePolicy policy = ClusterFixture.policy(ns, "updates");
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
    admin.resource(policy).create();

    PushedImage running = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl());
    Scenario s = new Scenario(ns, repository, running);
    Map<String, String> labels = Map.of("app", "app");
    admin.resource(new DeploymentBuilder()
        .withNewMetadata().withName("app").withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(1)
        // Only where the test wants the Deployment controller to give up; otherwise its default (600 s).
        .withProgressDeadlineSeconds("failing".equals(name) ? 15 : null)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(ClusterFixture.podSpec("app", s.image(), null)).endTemplate().endSpec().build()).create();
    startPods(s);
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = report(s);
      return r != null && r.getStatus() != null && r.getStatus().compliance != null
          && r.getStatus().compliance.policies.contains("updates")
          && running.digest().equals(r.getStatus().image.digest);
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

  /**
   * Plays the kubelet for the pods the ReplicaSet controller made for the Deployment's current
   * template: each starts and reports the digest it pulled (the pinned one, else what the tag
   * named when the scenario began), until the Deployment controller says the rollout completed.
   */
  static void startPods(Scenario s) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Deployment d = deployment(s);
      String image = templateImage(s);
      for (Pod pod : admin.pods().inNamespace(s.namespace()).withLabel("app", "app").list().getItems()) {
        boolean current = image.equals(pod.getSpec().getContainers().get(0).getImage());
        boolean started = pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
            && pod.getStatus().getContainerStatuses().stream().anyMatch(ContainerStatus::getReady);
        if (current && !started && pod.getMetadata().getDeletionTimestamp() == null) {
          cluster.kubelet(pod, c -> registry.host() + "/" + s.repository() + "@"
              + (c.getImage().contains("@") ? c.getImage().substring(c.getImage().indexOf('@') + 1)
                  : s.running().digest()));
        }
      }
      return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
          && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
          && d.getStatus().getConditions() != null
          && d.getStatus().getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
              && "NewReplicaSetAvailable".equals(c.getReason()))
          && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas())
          && Integer.valueOf(1).equals(d.getStatus().getUpdatedReplicas())
          && Integer.valueOf(1).equals(d.getStatus().getReplicas());
    });
  }

  // --- reading the cluster ---------------------------------------------------------------

  static Deployment deployment(Scenario s) {
    return admin.apps().deployments().inNamespace(s.namespace()).withName("app").get();
  }

  static String templateImage(Scenario s) {
    return deployment(s).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** The revisions of the Deployment's ReplicaSets, as the Deployment controller numbered them. */
  static List<String> revisions(Scenario s) {
    return admin.apps().replicaSets().inNamespace(s.namespace()).withLabel("app", "app").list().getItems().stream()
        .map(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")).sorted().toList();
  }

  static ImageReport report(Scenario s) {
    return admin.resources(ImageReport.class).inNamespace(s.namespace()).withName("deployment-app-app").get();
  }

  /** The operator's workload patches are JSON patches recorded under its own field manager. */
  static void assertPatchedByVigil(Deployment d) {
    List<ManagedFieldsEntry> vigil = ClusterFixture.managedBy(d, RolloutExecutor.FIELD_MANAGER);
    assertEquals(1, vigil.size(), () -> String.valueOf(d.getMetadata().getManagedFields()));
    assertEquals("Update", vigil.get(0).getOperation());
    String owned = vigil.get(0).getFieldsV1().getAdditionalProperties().toString();
    assertTrue(owned.contains("vigil.dev/rollout"), owned);
  }

  static void assertNeverPatched(Scenario s) {
    Deployment d = deployment(s);
    assertEquals(1L, d.getMetadata().getGeneration(), "the template was never changed");
    assertEquals(s.image(), templateImage(s));
    assertEquals(null, RolloutAnnotation.read(d).orElse(null));
    assertEquals(List.of(), ClusterFixture.managedBy(d, RolloutExecutor.FIELD_MANAGER), "Vigil never wrote to it");
  }

  static void awaitImage(Scenario s, String image) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(image, templateImage(s),
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
    return awaitState(s, state, Duration.ofSeconds(60));
  }

  static ImageReportStatus.Update awaitState(Scenario s, State state, Duration atMost) {
    Predicate<ImageReport> reached = r -> r != null && r.getStatus() != null && r.getStatus().update != null
        && r.getStatus().update.state == state;
    await().atMost(atMost).untilAsserted(() -> assertTrue(reached.test(report(s)),
        () -> "report update: " + describe(report(s))));
    ImageReportStatus.Update update = report(s).getStatus().update;
    assertNotNull(update.reason);
    return update;
  }

  static void awaitEvent(Scenario s, String reason, String type) {
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.events(s.namespace(), "app").stream()
        .anyMatch((Event e) -> reason.equals(e.getReason()) && type.equals(e.getType())));
  }

  static String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
