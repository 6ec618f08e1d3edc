package dev.vigil.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Conditions;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImageReport;
import dev.vigil.api.ScanSchedule;
import dev.vigil.api.SeverityThreshold;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.RunningOperator;
import dev.vigil.testsupport.SampleImages;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's scan loop end to end on a real API server, as the read-only install's
 * ServiceAccount, watching workloads cluster-wide (the default): workloads run images from the real
 * local registry; a ScanSchedule and ImagePolicies from the operator's and a team's namespace drive
 * scans; ImageReports, their owners, conditions, compliance, cleanup, no-churn, restart behaviour
 * and metrics are asserted. Other test classes' objects share the server, so the schedule selects
 * this class's namespaces by a label of its own and assertions stay in them. The tests build on
 * each other in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScanTest {

  static KubeApi api;
  static ClusterFixture cluster;
  static KubernetesClient admin;
  static LocalRegistry registry;
  static RunningOperator operator;
  static PushedImage web;
  static PushedImage db;
  static PushedImage retagged;
  static String opNs;
  static String payments;
  static String shop;
  static String other;
  static Deployment webDeployment;

  @BeforeAll
  static void setUp() throws Exception {
    api = KubeApi.shared().withCrds();
    cluster = new ClusterFixture(api);
    admin = api.admin();
    registry = LocalRegistry.start();
    web = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl());
    db = registry.pusher().push("team/db", "10.6", SampleImages.alpineMariadbIndex());

    opNs = cluster.namespace("vigil-cluster-scan", Map.of());
    Map<String, String> scanned = Map.of("vigil.dev/scan", opNs);
    payments = cluster.namespace("payments", scanned);
    shop = cluster.namespace("shop", scanned);
    other = cluster.namespace("other", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);

    String webRepo = registry.host() + "/team/web";
    String dbRepo = registry.host() + "/team/db";
    webDeployment = cluster.deploymentWithPod(payments, "web",
        ClusterFixture.podSpec("web", web.reference().toString(), db.reference().toString()),
        Map.of("web", ClusterFixture.imageId(webRepo, web.digest()),
            "init", ClusterFixture.imageId(dbRepo, db.digest())));
    // The tag moves on after the pod started: the report is about what runs, not what the tag names now.
    retagged = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl("7.81.0-1ubuntu1.11", "binary-2"));
    cluster.statefulSet(shop, "db", ClusterFixture.podSpec("db", db.reference().toString(), null));
    cluster.deployment(other, "ignored", ClusterFixture.podSpec("web", web.reference().toString(), null));

    ImagePolicy clusterPolicy = ClusterFixture.policy(opNs, "default");
    clusterPolicy.getSpec().match.namespaceSelector = new LabelSelectorBuilder().build();
    clusterPolicy.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    admin.resource(clusterPolicy).create();
    ImagePolicy team = ClusterFixture.policy(payments, "team");
    team.getSpec().vulnerabilities.failOn = SeverityThreshold.High;
    team.getSpec().checks.exclude = List.of("VIG-IMG-009");
    admin.resource(team).create();

    admin.resource(ClusterFixture.scheduleEvery2s(opNs, scanned)).create();

    operator = RunningOperator.in(install)
        .scan(RunningOperator.scanSettings(SampleImages.OSV.toString()))
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
  void reportsAppearForEveryCoveredContainerWithOwnerLabelsAndTheRunningDigest() {
    ImageReport report = awaitReport(payments, "deployment-web-web");
    OwnerReference owner = report.getMetadata().getOwnerReferences().get(0);
    assertEquals(webDeployment.getMetadata().getUid(), owner.getUid());
    assertEquals("Deployment", owner.getKind());
    assertEquals("apps/v1", owner.getApiVersion());
    assertEquals("web", owner.getName());
    assertEquals(Boolean.TRUE, owner.getController());
    assertEquals(Map.of("vigil.dev/workload-kind", "Deployment", "vigil.dev/workload-name", "web",
        "vigil.dev/container", "web"), report.getMetadata().getLabels());
    assertEquals(web.digest(), report.getStatus().image.digest, "the digest the pod runs, not the tag's "
        + retagged.digest());
    assertEquals("web", report.getStatus().workload.container);
    assertTrue(Conditions.isTrue(report.getStatus(), "Scanned"));

    ImageReport init = awaitReport(payments, "deployment-web-init");
    assertEquals(db.manifestDigests().get(0), init.getStatus().image.digest,
        "the init container ran the index: its amd64 manifest is scanned");
    assertEquals(db.digest(), init.getStatus().image.indexDigest);
    ImageReport sts = awaitReport(shop, "statefulset-db-db");
    assertEquals(db.manifestDigests().get(0), sts.getStatus().image.digest, "no pod yet: the tag is resolved");
    assertEquals(db.digest(), sts.getStatus().image.indexDigest);
    assertNull(admin.resources(ImageReport.class).inNamespace(other).withName("deployment-ignored-web").get(),
        "namespaces outside the schedule are not scanned");
  }

  @Test
  @Order(2)
  void policiesFromTheOperatorAndTeamNamespacesBothApplyStrictestWins() {
    ImageReport report = awaitReport(payments, "deployment-web-web");
    assertEquals(List.of("team", opNs + "/default"), report.getStatus().compliance.policies);
    assertEquals(false, report.getStatus().compliance.compliant);
    List<String> reasons = report.getStatus().compliance.reasons;
    assertTrue(reasons.contains("VIG-IMG-009 (Critical): Private key in image"), reasons.toString());
    assertTrue(reasons.contains("VIG-IMG-007 (High): Secret in environment variables"), reasons.toString());
    assertEquals(6, report.getStatus().vulnerabilities.size());
    assertTrue(report.getStatus().findings.stream().anyMatch(f -> f.getId().startsWith("VIG-WL-")),
        "workload checks are in the report");
    assertEquals("False", Conditions.find(report.getStatus(), "Compliant").orElseThrow().getStatus());

    ImageReport sts = awaitReport(shop, "statefulset-db-db");
    assertEquals(List.of(opNs + "/default"), sts.getStatus().compliance.policies);
    assertEquals("CVE-2022-27449", sts.getStatus().vulnerabilities.get(0).id);
  }

  @Test
  @Order(3)
  void scheduledRunRecordsItsFiguresAndASecondRunWritesNothing() {
    await().atMost(Duration.ofSeconds(60)).until(() -> schedule().getStatus() != null
        && schedule().getStatus().lastRun != null && schedule().getStatus().lastRun.workloads == 2
        && schedule().getStatus().lastRun.fromCache == 3);
    ScanSchedule s = schedule();
    assertEquals(2, s.getStatus().lastRun.images, "web, and the db index (init container and sts share it)");
    assertEquals(0, s.getStatus().lastRun.failed);

    await().atMost(Duration.ofSeconds(30)).until(() ->
        Conditions.isTrue(schedule().getStatus(), VulnerabilityDataState.CONDITION));
    assertTrue(Conditions.find(schedule().getStatus(), VulnerabilityDataState.CONDITION).orElseThrow()
        .getMessage().startsWith("21 records from directory "), "the schedule says which data its runs use");

    Map<String, String> versions = reportVersions();
    String completed = schedule().getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(60)).until(() -> !completed.equals(schedule().getStatus().lastRun.completionTime));
    ScanSchedule later = schedule();
    assertEquals(2, later.getStatus().lastRun.workloads);
    assertEquals(3, later.getStatus().lastRun.fromCache, "web, init and db containers");
    assertEquals(0, later.getStatus().lastRun.scanned, "nothing changed: nothing scanned");
    assertEquals(versions, reportVersions(), "no churn: a run with the same result writes nothing");
  }

  @Test
  @Order(4)
  void statusIsServerSideAppliedUnderTheControllersFieldManagers() {
    // JOSDK applies status as the controller's name; nothing else owns the status of a schedule.
    ScanSchedule s = schedule();
    List<ManagedFieldsEntry> applied = ClusterFixture.managedBy(s, "scanschedule");
    assertEquals(1, applied.size(), () -> String.valueOf(s.getMetadata().getManagedFields()));
    assertEquals("Apply", applied.get(0).getOperation());
    assertEquals("status", applied.get(0).getSubresource());
    assertTrue(s.getMetadata().getManagedFields().stream()
        .filter(m -> "status".equals(m.getSubresource()))
        .allMatch(m -> "scanschedule".equals(m.getManager())), "only the controller writes the status");
    ImagePolicy p = admin.resources(ImagePolicy.class).inNamespace(opNs).withName("default").get();
    assertEquals("Apply", ClusterFixture.managedBy(p, "imagepolicy").get(0).getOperation());
  }

  @Test
  @Order(5)
  void metricsCarryEveryReport() throws Exception {
    String metrics = metrics();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_compliant{")
        && l.contains("namespace=\"" + payments + "\"")
        && l.contains("workload=\"web\"") && l.contains("container=\"web\"") && l.endsWith(" 0.0")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_vulnerabilities{")
        && l.contains("namespace=\"" + shop + "\"") && l.contains("severity=\"Unknown\"") && l.endsWith(" 1.0")),
        "CVE-2022-27449's record carries no severity");
    assertTrue(metrics.contains("vigil_vulndb_records 21.0"), "the fixture database has 21 records");
  }

  @Test
  @Order(6)
  void removingAContainerDeletesItsReport() {
    admin.apps().deployments().inNamespace(payments).withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().setInitContainers(List.of());
      return d;
    });
    await().atMost(Duration.ofSeconds(60)).until(() ->
        admin.resources(ImageReport.class).inNamespace(payments).withName("deployment-web-init").get() == null);
    assertNotNull(admin.resources(ImageReport.class).inNamespace(payments).withName("deployment-web-web").get());
  }

  @Test
  @Order(7)
  void missingImageKeepsAReportThatSaysWhyAndWarnsOnTheWorkload() {
    cluster.deployment(shop, "broken", ClusterFixture.podSpec("web", registry.host() + "/team/missing:1", null));
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(shop).withName("deployment-broken-web").get();
      return r != null && r.getStatus() != null
          && Conditions.find(r.getStatus(), "Scanned").map(c -> "False".equals(c.getStatus())).orElse(false);
    });
    ImageReport r = admin.resources(ImageReport.class).inNamespace(shop).withName("deployment-broken-web").get();
    assertEquals(ReportWriter.REASON_SCAN_FAILED, Conditions.find(r.getStatus(), "Scanned").orElseThrow().getReason());
    // Only the operator (as its ServiceAccount: RBAC lets it create events) writes these.
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.events(shop, "broken").stream()
        .anyMatch(e -> "ScanFailed".equals(e.getReason()) && "Warning".equals(e.getType())
            && "vigil".equals(e.getReportingComponent())));
  }

  @Test
  @Order(8)
  void deletingAWorkloadDeletesItsReports() {
    cluster.deployment(payments, "short-lived", ClusterFixture.podSpec("app", web.reference().toString(), null));
    awaitReport(payments, "deployment-short-lived-app");
    admin.apps().deployments().inNamespace(payments).withName("short-lived").delete();
    // No garbage collector runs on this server: the operator deletes them itself.
    await().atMost(Duration.ofSeconds(60)).until(() ->
        admin.resources(ImageReport.class).inNamespace(payments).withName("deployment-short-lived-app").get() == null);
  }

  @Test
  @Order(9)
  void restartedOperatorRescansNothingAndRewritesNothing() throws Exception {
    // Let the work of the earlier tests settle: a run that scanned nothing.
    String settled = schedule().getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      var run = schedule().getStatus().lastRun;
      return !settled.equals(run.completionTime) && run.scanned == 0;
    });
    Map<String, String> versions = reportVersions();
    operator = operator.restart();
    String completed = schedule().getStatus().lastRun.completionTime;
    await().atMost(Duration.ofSeconds(60)).until(() -> !completed.equals(schedule().getStatus().lastRun.completionTime));
    assertEquals(0, schedule().getStatus().lastRun.scanned, "reports cover everything: no rescans");
    Map<String, String> after = reportVersions();
    versions.remove(shop + "/deployment-broken-web");
    after.remove(shop + "/deployment-broken-web");
    assertEquals(versions, after);
    assertTrue(metrics().contains("vigil_image_compliant{"), "series rebuilt from the existing reports");
  }

  @Test
  @Order(10)
  void theReadOnlyInstallWasNeverRefused() {
    operator.assertNoForbidden();
  }

  private static String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** resourceVersions of this class's reports. */
  private static Map<String, String> reportVersions() {
    Map<String, String> out = new TreeMap<>();
    for (String ns : Set.of(payments, shop, other)) {
      admin.resources(ImageReport.class).inNamespace(ns).list().getItems().forEach(r ->
          out.put(ns + "/" + r.getMetadata().getName(), r.getMetadata().getResourceVersion()));
    }
    return out;
  }

  private static ScanSchedule schedule() {
    return admin.resources(ScanSchedule.class).inNamespace(opNs).withName("every-2s").get();
  }

  private static ImageReport awaitReport(String ns, String name) {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      ImageReport r = admin.resources(ImageReport.class).inNamespace(ns).withName(name).get();
      return r != null && r.getStatus() != null && r.getStatus().image != null && r.getStatus().image.digest != null
          && r.getStatus().compliance != null && !r.getStatus().compliance.policies.isEmpty();
    });
    ImageReport r = admin.resources(ImageReport.class).inNamespace(ns).withName(name).get();
    assertFalse(r.getMetadata().getOwnerReferences().isEmpty());
    return r;
  }
}
