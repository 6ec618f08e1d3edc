package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleSpec;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's scan loop end to end: workloads in a mock cluster (CRUD mode) run images from
 * the real local registry; a ScanSchedule and ImagePolicies from the operator's and a team's
 * namespace drive scans; ImageReports, their owners, conditions, compliance, cleanup, no-churn,
 * restart behaviour and metrics are asserted. The tests build on each other in order.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScanTest {

  static KubernetesClient client;
  static LocalRegistry registry;
  static VigilOperator operator;
  static PushedImage web;
  static PushedImage db;
  static String webDeploymentUid;

  @BeforeAll
  static void setUp() throws Exception {
    registry = LocalRegistry.start();
    web = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl());
    db = registry.pusher().push("team/db", "10.6", SampleImages.alpineMariadbIndex());

    namespace("vigil-system", Map.of());
    namespace("payments", Map.of("vigil.dev/scan", "enabled"));
    namespace("shop", Map.of("vigil.dev/scan", "enabled"));
    namespace("other", Map.of());

    webDeploymentUid = deploymentWithPod("payments", "web", web.reference().toString(),
        web.reference().toString().replace(":1.0", "") + "@" + web.digest(), db.reference().toString());
    client.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
        .withMetadata(meta("shop", "db", Map.of("app", "db")))
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "db")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "db")).endMetadata()
        .withSpec(podSpec("db", db.reference().toString(), null)).endTemplate().endSpec().build()).create();
    deploymentWithPod("other", "ignored", web.reference().toString(), null, null);

    ImagePolicy cluster = policy("vigil-system", "default");
    cluster.getSpec().match.namespaceSelector = new LabelSelectorBuilder().build();
    cluster.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    client.resource(cluster).create();
    ImagePolicy team = policy("payments", "team");
    team.getSpec().vulnerabilities.failOn = SeverityThreshold.High;
    team.getSpec().checks.exclude = List.of("VIG-IMG-009");
    client.resource(team).create();

    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName("every-2s").withNamespace("vigil-system").build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "2s";
    schedule.getSpec().namespaceSelector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("vigil.dev/scan", "enabled")).build();
    client.resource(schedule).create();

    operator = RunningOperator.start(client, Duration.ofSeconds(1),
        RunningOperator.scanSettings(SampleImages.OSV.toString()));
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
  void reportsAppearForEveryCoveredContainerWithOwnerAndLabels() {
    ImageReport report = awaitReport("payments", "deployment-web-web");
    assertEquals(webDeploymentUid, report.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("Deployment", report.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(Map.of("vigil.dev/workload-kind", "Deployment", "vigil.dev/workload-name", "web",
        "vigil.dev/container", "web"), report.getMetadata().getLabels());
    assertEquals(web.digest(), report.getStatus().image.digest, "the digest the pod runs");
    assertEquals("web", report.getStatus().workload.container);
    assertTrue(Conditions.isTrue(report.getStatus(), "Scanned"));

    ImageReport init = awaitReport("payments", "deployment-web-init");
    assertEquals(db.manifestDigests().get(0), init.getStatus().image.digest, "init container, amd64 from the index");
    ImageReport sts = awaitReport("shop", "statefulset-db-db");
    assertEquals(db.manifestDigests().get(0), sts.getStatus().image.digest, "no pod yet: the tag is resolved");
    assertEquals(db.digest(), sts.getStatus().image.indexDigest);
    assertNull(client.resources(ImageReport.class).inNamespace("other").withName("deployment-ignored-web").get(),
        "namespaces outside the schedule are not scanned");
  }

  @Test
  @Order(2)
  void policiesFromTheOperatorAndTeamNamespacesBothApplyStrictestWins() {
    ImageReport report = awaitReport("payments", "deployment-web-web");
    assertEquals(List.of("team", "vigil-system/default"), report.getStatus().compliance.policies);
    assertEquals(false, report.getStatus().compliance.compliant);
    List<String> reasons = report.getStatus().compliance.reasons;
    assertTrue(reasons.contains("VIG-IMG-009 (Critical): Private key in image"), reasons.toString());
    assertTrue(reasons.contains("VIG-IMG-007 (High): Secret in environment variables"), reasons.toString());
    assertEquals(6, report.getStatus().vulnerabilities.size());
    assertTrue(report.getStatus().findings.stream().anyMatch(f -> f.getId().startsWith("VIG-WL-")),
        "workload checks are in the report");
    assertEquals("False", Conditions.find(report.getStatus(), "Compliant").orElseThrow().getStatus());

    ImageReport sts = awaitReport("shop", "statefulset-db-db");
    assertEquals(List.of("vigil-system/default"), sts.getStatus().compliance.policies);
    assertEquals("CVE-2022-27449", sts.getStatus().vulnerabilities.get(0).id);
  }

  @Test
  @Order(3)
  void scheduledRunRecordsItsFiguresAndASecondRunWritesNothing() {
    await().atMost(Duration.ofSeconds(30)).until(() -> schedule().getStatus() != null
        && schedule().getStatus().lastRun != null && schedule().getStatus().lastRun.workloads == 2);
    ScanSchedule s = schedule();
    assertEquals(2, s.getStatus().lastRun.images, "web, and the db index (init container and sts share it)");
    assertEquals(0, s.getStatus().lastRun.failed);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        Conditions.isTrue(schedule().getStatus(), VulnerabilityDataState.CONDITION));
    assertTrue(Conditions.find(schedule().getStatus(), VulnerabilityDataState.CONDITION).orElseThrow()
        .getMessage().startsWith("21 records from directory "), "the schedule says which data its runs use");

    Map<String, String> versions = reportVersions();
    String completed = s.getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(30)).until(() -> !completed.equals(schedule().getStatus().lastRun.completionTime));
    ScanSchedule later = schedule();
    assertEquals(2, later.getStatus().lastRun.workloads);
    assertEquals(3, later.getStatus().lastRun.fromCache, "web, init and db containers");
    assertEquals(0, later.getStatus().lastRun.scanned, "nothing changed: nothing scanned");
    assertEquals(versions, reportVersions(), "no churn: a run with the same result writes nothing");
  }

  @Test
  @Order(4)
  void metricsCarryEveryReport() throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_compliant{")
        && l.contains("workload=\"web\"") && l.contains("container=\"web\"") && l.endsWith(" 0.0")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_vulnerabilities{")
        && l.contains("namespace=\"shop\"") && l.contains("severity=\"Unknown\"") && l.endsWith(" 1.0")),
        "CVE-2022-27449's record carries no severity");
    assertTrue(metrics.contains("vigil_vulndb_records 21.0"), "the fixture database has 21 records");
  }

  @Test
  @Order(5)
  void removingAContainerDeletesItsReport() {
    client.apps().deployments().inNamespace("payments").withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().setInitContainers(List.of());
      return d;
    });
    await().atMost(Duration.ofSeconds(30)).until(() ->
        client.resources(ImageReport.class).inNamespace("payments").withName("deployment-web-init").get() == null);
    assertNotNull(client.resources(ImageReport.class).inNamespace("payments").withName("deployment-web-web").get());
  }

  @Test
  @Order(6)
  void missingImageKeepsAReportThatSaysWhyAndWarnsOnTheWorkload() {
    deploymentWithPod("shop", "broken", registry.host() + "/team/missing:1", null, null);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      ImageReport r = client.resources(ImageReport.class).inNamespace("shop").withName("deployment-broken-web").get();
      return r != null && r.getStatus() != null
          && Conditions.find(r.getStatus(), "Scanned").map(c -> "False".equals(c.getStatus())).orElse(false);
    });
    ImageReport r = client.resources(ImageReport.class).inNamespace("shop").withName("deployment-broken-web").get();
    assertEquals(ReportWriter.REASON_SCAN_FAILED, Conditions.find(r.getStatus(), "Scanned").orElseThrow().getReason());
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("shop").list().getItems()
        .stream().anyMatch(e -> "broken".equals(e.getInvolvedObject().getName()) && "ScanFailed".equals(e.getReason())));
  }

  @Test
  @Order(7)
  void restartedOperatorRescansNothingAndRewritesNothing() throws Exception {
    // Let the work of the earlier tests settle: a run that scanned nothing.
    String settled = schedule().getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var run = schedule().getStatus().lastRun;
      return !settled.equals(run.completionTime) && run.scanned == 0;
    });
    Map<String, String> versions = reportVersions();
    operator.close();
    operator = RunningOperator.start(client, Duration.ofSeconds(1),
        RunningOperator.scanSettings(SampleImages.OSV.toString()));
    ScanSchedule before = schedule();
    String completed = before.getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(30)).until(() -> !completed.equals(schedule().getStatus().lastRun.completionTime));
    assertEquals(0, schedule().getStatus().lastRun.scanned, "reports cover everything: no rescans");
    Map<String, String> after = reportVersions();
    versions.keySet().retainAll(after.keySet());
    after.keySet().retainAll(versions.keySet());
    versions.remove("shop/deployment-broken-web");
    after.remove("shop/deployment-broken-web");
    assertEquals(versions, after);
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("vigil_image_compliant{"), "series rebuilt from the existing reports");
  }

  private static Map<String, String> reportVersions() {
    Map<String, String> out = new java.util.TreeMap<>();
    client.resources(ImageReport.class).inAnyNamespace().list().getItems().forEach(r ->
        out.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r.getMetadata().getResourceVersion()));
    return out;
  }

  private static ScanSchedule schedule() {
    return client.resources(ScanSchedule.class).inNamespace("vigil-system").withName("every-2s").get();
  }

  private static ImageReport awaitReport(String ns, String name) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ImageReport r = client.resources(ImageReport.class).inNamespace(ns).withName(name).get();
      return r != null && r.getStatus() != null && r.getStatus().image != null && r.getStatus().image.digest != null
          && r.getStatus().compliance != null && !r.getStatus().compliance.policies.isEmpty();
    });
    return client.resources(ImageReport.class).inNamespace(ns).withName(name).get();
  }

  private static void namespace(String name, Map<String, String> labels) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(new java.util.HashMap<>(Map.of("kubernetes.io/metadata.name", name)) {{ putAll(labels); }})
        .endMetadata().build()).create();
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String ns, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder().withName(name).withNamespace(ns).withUid(UUID.randomUUID().toString())
        .withLabels(labels).withGeneration(1L).build();
  }

  private static PodSpec podSpec(String container, String image, String initImage) {
    PodSpecBuilder b = new PodSpecBuilder().addNewContainer().withName(container).withImage(image).endContainer();
    if (initImage != null) {
      b.addNewInitContainer().withName("init").withImage(initImage).endInitContainer();
    }
    return b.build();
  }

  /** A Deployment, its current ReplicaSet and one running pod reporting imageID; returns the uid. */
  private static String deploymentWithPod(String ns, String name, String image, String imageId, String initImage) {
    Map<String, String> labels = Map.of("app", name);
    Deployment d = client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withMetadata(meta(ns, name, labels))
        .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(podSpec("web", image, initImage)).endTemplate().endSpec().build()).create();
    if (imageId == null) {
      return d.getMetadata().getUid();
    }
    var rs = client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name + "-abc").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels)
            .withAnnotations(Map.of("deployment.kubernetes.io/revision", "1"))
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                .withName(name).withUid(d.getMetadata().getUid()).withController(true).build()).build())
        .withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(podSpec("web", image, initImage)).endTemplate().endSpec().build()).create();
    Pod pod = new PodBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name + "-abc-1").withNamespace(ns)
            .withUid(UUID.randomUUID().toString()).withLabels(labels)
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true).build())
            .build())
        .withSpec(podSpec("web", image, initImage))
        .withNewStatus().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName("web").withImage(image)
            .withImageID(imageId).withReady(true).build())
        .endStatus().build();
    client.pods().inNamespace(ns).resource(pod).create();
    return d.getMetadata().getUid();
  }

  private static ImagePolicy policy(String ns, String name) {
    ImagePolicy p = new ImagePolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    p.setSpec(new ImagePolicySpec());
    return p;
  }
}
