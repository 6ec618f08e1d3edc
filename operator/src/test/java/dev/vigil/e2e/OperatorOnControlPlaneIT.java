package dev.vigil.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.OperatorProcess;
import dev.vigil.testsupport.ProjectFiles;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.SampleImages;
import dev.vigil.testsupport.TestImage;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped jar on a real control plane, installed the way the README says: {@code kubectl
 * apply -k config/with-rollout} (CRDs, namespace vigil-system, ServiceAccount, RBAC), then {@code
 * java -jar vigil.jar operator} with only the ServiceAccount's token, leader election on.
 * kube-controller-manager turns Deployments into ReplicaSets and Pods and collects garbage; the
 * {@link FakeKubelet} runs the pods, reporting the digests the test pushed to a real local
 * registry. Everything is asserted through the API, as a user would see it, kubectl included.
 *
 * <p>The tests share one operator process (the machine is small) and build on each other in
 * order; two of them restart it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorOnControlPlaneIT {

  static final String OPERATOR_NS = "vigil-system";
  static final String SCHEDULE = "e2e-every-3s";
  /** Namespaces of this class carry this label; the ScanSchedule selects it. */
  static final Map<String, String> SCANNED = Map.of("vigil.dev/e2e", "scan");
  static final String CURL_FIXED = "7.81.0-1ubuntu1.11";
  static final KeyPair RELEASE_KEY = TestSigstore.ecKey();
  static final Duration WAIT = Duration.ofSeconds(120);

  static KubeApi api;
  static KubernetesClient admin;
  static LocalRegistry registry;
  static FakeKubelet kubelet;
  static Path dataDir;
  static OperatorProcess operator;
  static final List<OperatorProcess> processes = new ArrayList<>();

  /** The first scenario, scanned only: later tests look at its report again. */
  static Scenario scanned;

  /** One workload in a namespace of its own: the Deployment "app" running repository:1.0. */
  record Scenario(String namespace, String repository, PushedImage running, String uid) {
    String image() {
      return registry.host() + "/" + repository + ":1.0";
    }
  }

  @BeforeAll
  static void install() throws Exception {
    api = KubeApi.withControllerManager();
    admin = api.admin();
    api.kubectl("apply", "-k", ProjectFiles.root().resolve("config/with-rollout").toString());
    api.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/imagepolicies.vigil.dev",
        "crd/imagereports.vigil.dev", "crd/scanschedules.vigil.dev");
    await().atMost(WAIT).until(() -> operatorMay("patch", "apps", "deployments"));

    registry = LocalRegistry.start();
    kubelet = new FakeKubelet(admin);
    dataDir = Files.createTempDirectory("vigil-e2e-data");

    ScanSchedule schedule = new ScanSchedule();
    schedule.setMetadata(new ObjectMetaBuilder().withName(SCHEDULE).withNamespace(OPERATOR_NS).build());
    schedule.setSpec(new ScanScheduleSpec());
    schedule.getSpec().interval = "3s";
    schedule.getSpec().namespaceSelector = new LabelSelectorBuilder().withMatchLabels(SCANNED).build();
    admin.resource(schedule).fieldManager("e2e").forceConflicts().serverSideApply();

    operator = startOperator();
  }

  @AfterAll
  static void tearDown() throws Exception {
    try {
      if (operator != null) {
        operator.terminate(Duration.ofSeconds(30));
      }
    } finally {
      for (OperatorProcess p : processes) {
        p.close();
        System.out.println("=== operator log " + p.logFile() + "\n" + p.log());
      }
      if (kubelet != null) {
        kubelet.close();
      }
      if (registry != null) {
        registry.close();
      }
    }
  }

  // --- reports, conditions, printer columns, metrics -----------------------------------------

  @Test
  @Order(1)
  void reportsNameThePodsDigestAndTheirDeploymentAndShowInKubectl() throws Exception {
    // The node has 1.0 cached; then CI moves the tag to a signed rebuild. The report must say what
    // runs (the pod's imageID), not what the tag points to now, and Notify shows the rebuild.
    String ns = api.createNamespace("e2e-scan");
    PushedImage running = registry.pusher().push("team/web", "1.0", SampleImages.ubuntuWithCurl());
    Scenario s = new Scenario(ns, "team/web", running, null);
    kubelet.pulled(s.image(), running.digest());
    kubelet.manage(ns);
    String uid = createDeployment(s, d -> { });
    awaitPodsRunning(ns, running.digest());
    // After the workload: a policy counts its workloads when reconciled, and workloads that appear
    // later are only counted at its next periodic resync (up to 5 minutes).
    createPolicy(ns, "baseline", p -> p.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Notify);
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    labelScanned(ns);
    s = new Scenario(ns, "team/web", running, uid);
    scanned = s;

    ImageReport report = awaitReport(s, r -> r.getStatus().update != null
        && r.getStatus().update.state == State.Available);
    assertEquals(running.digest(), report.getStatus().image.digest, "the digest the pod runs");
    assertEquals(s.image(), report.getStatus().image.reference);
    OwnerReference owner = report.getMetadata().getOwnerReferences().get(0);
    assertEquals(List.of("apps/v1", "Deployment", "app", uid, true),
        List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid(), owner.getController()));
    assertEquals(Map.of(ImageReport.LABEL_WORKLOAD_KIND, "Deployment", ImageReport.LABEL_WORKLOAD_NAME, "app",
        ImageReport.LABEL_CONTAINER, "app"), report.getMetadata().getLabels());
    assertTrue(Conditions.isTrue(report.getStatus(), "Scanned"));
    assertEquals(List.of("baseline"), report.getStatus().compliance.policies);
    assertEquals(false, report.getStatus().compliance.compliant, "a private key and secrets in the image");
    assertEquals(ImageReportStatus.SignatureInfo.Status.Unsigned, report.getStatus().signature.status,
        "1.0 as first pushed was never signed");
    assertEquals(rebuild.digest(), report.getStatus().update.candidate.digest);

    Map<String, String> row = kubectlRow(ns, "imagereports", "deployment-app-app");
    assertEquals(s.image(), row.get("IMAGE"));
    assertEquals(report.getStatus().image.shortDigest, row.get("DIGEST"));
    assertTrue(running.digest().startsWith("sha256:" + row.get("DIGEST")), row.toString());
    assertEquals(String.valueOf(report.getStatus().summary.critical), row.get("CRITICAL"));
    assertEquals(String.valueOf(report.getStatus().summary.high), row.get("HIGH"));
    assertTrue(report.getStatus().vulnerabilities.stream().anyMatch(v -> "curl".equals(v.packageName)),
        "curl 7.81.0-1ubuntu1.10 is vulnerable (USN-6237-1, no severity): " + report.getStatus().summary.unknown);
    assertEquals("Unsigned", row.get("SIGNED"));
    assertEquals("false", row.get("COMPLIANT"));
    assertEquals("Available", row.get("UPDATE"));
    assertFalse(row.get("AGE").isBlank());

    String all = api.kubectl("get", "imagereports", "-A");
    List<String> lines = all.lines().toList();
    assertTrue(lines.get(0).startsWith("NAMESPACE "), all);
    int columns = lines.get(0).trim().split("\\s+").length;
    for (String line : lines.subList(1, lines.size())) {
      assertEquals(columns, line.trim().split("\\s+").length, "every row fills every column:\n" + all);
    }
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(ns + " ") && l.contains("deployment-app-app")), all);

    await().atMost(WAIT).untilAsserted(() -> {
      Map<String, String> policy = kubectlRow(ns, "imagepolicies", "baseline");
      assertEquals("True", policy.get("READY"), policy.toString());
      assertEquals("1", policy.get("WORKLOADS"), policy.toString());
    });
    ImagePolicy policy = admin.resources(ImagePolicy.class).inNamespace(ns).withName("baseline").get();
    assertTrue(Conditions.isTrue(policy.getStatus(), Conditions.READY));
    Map<String, String> schedule = kubectlRow(OPERATOR_NS, "scanschedules", SCHEDULE);
    assertEquals("True", schedule.get("READY"), schedule.toString());
    assertEquals("3s", schedule.get("INTERVAL"));
    assertTrue(Conditions.isTrue(schedule().getStatus(), Conditions.READY));

    String metrics = metrics();
    String labels = "namespace=\"" + ns + "\"";
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_compliant{") && l.contains(labels)
        && l.contains("workload=\"app\"") && l.contains("container=\"app\"") && l.endsWith(" 0.0")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_vulnerabilities{") && l.contains(labels)
        && l.contains("severity=\"Unknown\"") && !l.endsWith(" 0.0")), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_image_update_available{") && l.contains(labels)
        && l.endsWith(" 1.0")), metrics);
  }

  // --- no churn ------------------------------------------------------------------------------

  @Test
  @Order(2)
  void scheduledRunsThatFindNothingNewRewriteNoReport() {
    Map<String, String> before = reportVersions(scanned.namespace());
    assertFalse(before.isEmpty());
    String deploymentVersion = deployment(scanned).getMetadata().getResourceVersion();
    awaitRuns(2);
    assertEquals(0, schedule().getStatus().lastRun.scanned, "nothing changed: nothing scanned");
    assertEquals(before, reportVersions(scanned.namespace()), "no write to a report that says the same");
    assertEquals(deploymentVersion, deployment(scanned).getMetadata().getResourceVersion(),
        "Notify never touches the workload");
  }

  // --- garbage collection ----------------------------------------------------------------------

  @Test
  @Order(3)
  void reportsOfAWorkloadDeletedWhileTheOperatorIsDownAreCollectedByTheGarbageCollector() throws Exception {
    String ns = scanned.namespace();
    Deployment worker = admin.apps().deployments().inNamespace(ns).resource(deploymentSpec(ns, "worker",
        registry.host() + "/team/web@" + scanned.running().digest(), d -> { })).create();
    ImageReport report = await().atMost(WAIT).until(
        () -> admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-worker-app").get(),
        r -> r != null && r.getStatus() != null && r.getStatus().image != null);
    assertEquals(worker.getMetadata().getUid(), report.getMetadata().getOwnerReferences().get(0).getUid());
    awaitRuns(1);
    Map<String, String> versions = reportVersions(ns);

    // Only kube-controller-manager's garbage collector can remove it now.
    assertEquals(0, operator.terminate(Duration.ofSeconds(60)), "SIGTERM: clean exit");
    admin.apps().deployments().inNamespace(ns).withName("worker").delete();
    await().atMost(WAIT).until(
        () -> admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-worker-app").get() == null);
    await().atMost(WAIT).until(() -> admin.pods().inNamespace(ns).withLabel("app", "worker").list().getItems()
        .isEmpty());

    operator = startOperator();
    awaitRuns(2);
    assertNull(admin.resources(ImageReport.class).inNamespace(ns).withName("deployment-worker-app").get());
    versions.remove("deployment-worker-app");
    assertEquals(versions, reportVersions(ns), "a restarted operator rewrites nothing");
  }

  // --- rollouts --------------------------------------------------------------------------------

  @Test
  @Order(4)
  void signedRebuildIsPinnedByDigestAndRolledOutOnTheCluster() throws Exception {
    Scenario s = rolloutScenario("e2e-rollout", "team/app", d -> { });
    TestImage fixed = SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2");
    String rebuildDigest = registry.pusher().push(s.repository(), "staged", fixed).digest();
    kubelet.hold(rebuildDigest);
    PushedImage rebuild = pushSigned(s, fixed);
    assertEquals(rebuildDigest, rebuild.digest());

    awaitImage(s, s.image() + "@" + rebuild.digest());
    ImageReportStatus.Update rolling = awaitState(s, State.RollingOut);
    assertEquals(rebuild.digest(), rolling.candidate.digest);
    assertEquals(ImageReportStatus.SignatureInfo.Status.Verified, rolling.candidate.signature);
    assertTrue(rolling.candidate.fixes > 0, "the curl vulnerabilities are fixed");
    assertEquals(0, rolling.candidate.newFindings);
    kubelet.release(rebuild.digest());

    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    assertEquals(1, update.history.size());
    assertEquals(rebuild.digest(), update.history.get(0).to);
    assertEquals(State.RolledOut, update.history.get(0).result);
    RolloutAnnotation annotation = RolloutAnnotation.read(deployment(s)).orElseThrow();
    assertEquals(RolloutPhase.RolledOut, annotation.phase());
    assertEquals(s.running().digest(), annotation.from());
    assertEquals(s.image(), annotation.previousImage());

    Deployment d = deployment(s);
    assertEquals("2", d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
    assertEquals(1, d.getStatus().getAvailableReplicas());
    String managers = Serialization.asJson(d.getMetadata().getManagedFields());
    assertTrue(d.getMetadata().getManagedFields().stream().anyMatch(f -> "vigil".equals(f.getManager())
        && Serialization.asJson(f.getFieldsV1()).contains("f:image")),
        "GitOps tools can tell Vigil's image change by its field manager: " + managers);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(rebuild.digest(),
        report(s).getStatus().image.digest, "the report follows the new pods"));
    awaitEvent(s, "UpdateRolledOut", "Normal");
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledOut\"} 1.0"), metrics());
  }

  @Test
  @Order(5)
  void rolloutWhosePodsNeverBecomeReadyIsRolledBackExactlyAndNotRetried() throws Exception {
    // The Deployment's own deadline: kube-controller-manager sets ProgressDeadlineExceeded.
    Scenario s = rolloutScenario("e2e-failing", "team/failing", d -> d.getSpec().setProgressDeadlineSeconds(15));
    TestImage broken = SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2");
    PushedImage rebuild = pushSigned(s, broken);
    kubelet.crash(rebuild.digest());

    awaitImage(s, s.image() + "@" + rebuild.digest());
    ImageReportStatus.Update update = awaitState(s, State.RolledBack);
    assertEquals(s.image(), image(deployment(s)), "the exact previous image string");
    assertEquals(State.RolledBack, update.history.get(update.history.size() - 1).result);
    assertEquals(rebuild.digest(), update.history.get(update.history.size() - 1).to);
    assertEquals(RolloutPhase.RolledBack, RolloutAnnotation.read(deployment(s)).orElseThrow().phase());
    awaitEvent(s, "UpdateRolledBack", "Warning");
    assertTrue(admin.v1().events().inNamespace(s.namespace()).list().getItems().stream().anyMatch(e ->
        "UpdateRolledBack".equals(e.getReason()) && e.getMessage().contains("ProgressDeadlineExceeded")),
        "the controller's verdict is the reason");
    // The restored template is the original one to the byte: the controller takes the first
    // ReplicaSet back (as revision 3) instead of making a third.
    await().atMost(WAIT).untilAsserted(() -> assertEquals("3",
        deployment(s).getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")));
    assertEquals(2, admin.apps().replicaSets().inNamespace(s.namespace()).list().getItems().size());
    long generation = deployment(s).getMetadata().getGeneration();

    // Every schedule run looks at the candidate again: it stays rolled back.
    awaitRuns(4);
    Deployment after = deployment(s);
    assertEquals(s.image(), image(after));
    assertEquals(generation, after.getMetadata().getGeneration(), "no further patch of the pod template");
    assertEquals(State.RolledBack, report(s).getStatus().update.state);
    assertEquals("RolledBack: candidate 1.0@" + rebuild.digest().substring(0, 19)
        + " failed on this workload and is not retried", report(s).getStatus().update.reason);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(1, deployment(s).getStatus().getAvailableReplicas(),
        "the old pods kept serving"));
  }

  @Test
  @Order(6)
  void operatorRestartedDuringARolloutFinishesItWithoutPatchingAgain() throws Exception {
    Scenario s = rolloutScenario("e2e-restart", "team/restart", d -> { });
    PushedImage rebuild = pushSigned(s, SampleImages.ubuntuWithCurl(CURL_FIXED, "binary-2"));
    kubelet.hold(rebuild.digest());
    awaitImage(s, s.image() + "@" + rebuild.digest());
    RolloutAnnotation started = RolloutAnnotation.read(deployment(s)).orElseThrow();
    assertEquals(RolloutPhase.RollingOut, started.phase());
    awaitState(s, State.RollingOut);

    assertEquals(0, operator.terminate(Duration.ofSeconds(60)), "SIGTERM in the middle of a rollout");
    operator = startOperator();
    kubelet.release(rebuild.digest());

    ImageReportStatus.Update update = awaitState(s, State.RolledOut);
    assertEquals(started.withPhase(RolloutPhase.RolledOut), RolloutAnnotation.read(deployment(s)).orElseThrow(),
        "the same rollout, started once");
    Deployment d = deployment(s);
    assertEquals(s.image() + "@" + rebuild.digest(), image(d));
    // Created (1), Vigil's start: image and annotation (2), its finish: the annotation (3; a
    // Deployment's generation counts annotation changes too). A second start would change startedAt.
    assertEquals(3L, d.getMetadata().getGeneration(), "created, started once, finished once");
    assertEquals("2", d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
    List<ReplicaSet> sets = admin.apps().replicaSets().inNamespace(s.namespace()).list().getItems();
    assertEquals(2, sets.size(), "the original and the rolled-out ReplicaSet");
    assertEquals(State.RolledOut, update.history.get(update.history.size() - 1).result);
    assertEquals(1, update.history.size());
    assertTrue(metrics().contains("vigil_redeploys_total{result=\"RolledOut\"} 1.0"),
        "the new process counted the one it finished: " + metrics());
  }

  @Test
  @Order(7)
  void shippedManagerDeploymentGetsItsPodPastTheNamespacesRestrictedPodSecurityLevel() {
    // vigil-system enforces Pod Security "restricted"; a pod spec breaking it would leave the
    // ReplicaSet with FailedCreate events and no pod. (No kubelet runs it here.)
    await().atMost(WAIT).until(() -> !admin.pods().inNamespace(OPERATOR_NS)
        .withLabel("app.kubernetes.io/name", "vigil").list().getItems().isEmpty());
    assertTrue(admin.v1().events().inNamespace(OPERATOR_NS).list().getItems().stream()
        .noneMatch(e -> "FailedCreate".equals(e.getReason())), "no pod refused by admission");
  }

  @Test
  @Order(8)
  void operatorStayedUpAndNoRequestOfItsWasForbidden() {
    assertTrue(operator.process().isAlive(), operator.log());
    assertEquals(200, operator.status("/healthz"), operator.log());
    for (OperatorProcess p : processes) {
      String log = p.log();
      assertFalse(log.contains("403") || log.contains("Forbidden") || log.contains("forbidden"),
          "the shipped RBAC covers everything the operator does:\n" + log);
      assertFalse(log.contains("API server check failed"), "the API server was there all along:\n" + log);
      assertFalse(log.contains(" ERROR "), log);
    }
  }

  // --- set-up ---------------------------------------------------------------------------------------

  static OperatorProcess startOperator() throws Exception {
    OperatorProcess p = OperatorProcess.start(api.kubeconfigAs(OPERATOR_NS, "vigil"), Map.of(),
        "--namespace", OPERATOR_NS, "--leader-election",
        "--vulndb", SampleImages.OSV.toString(), "--data-dir", dataDir.toString(),
        "--insecure-registry", registry.host(), "--min-scan-interval", "1s",
        // Short, so a false alarm of the API server check would stop the process within the test.
        "--api-unreachable-timeout", "20s");
    processes.add(p);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .failFast("operator exited:\n" + p.log(), () -> !p.process().isAlive())
        .until(() -> p.status("/readyz") == 200);
    return p;
  }

  static boolean operatorMay(String verb, String group, String resource) {
    return admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
        .withNewSpec().withUser("system:serviceaccount:" + OPERATOR_NS + ":vigil")
        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + OPERATOR_NS, "system:authenticated")
        .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource)
        .endResourceAttributes().endSpec().build()).getStatus().getAllowed();
  }

  /** Namespace, Rollout policy (PinDigest, signed by the release key), image, Deployment, report. */
  static Scenario rolloutScenario(String prefix, String repository, Consumer<Deployment> customize)
      throws Exception {
    String ns = api.createNamespace(prefix);
    kubelet.manage(ns);
    labelScanned(ns);
    createPolicy(ns, "updates", p -> {
      p.getSpec().updates.mode = ImagePolicySpec.Updates.Mode.Rollout;
      p.getSpec().updates.method = ImagePolicySpec.Updates.Method.PinDigest;
    });
    PushedImage running = registry.pusher().push(repository, "1.0", SampleImages.ubuntuWithCurl());
    Scenario pending = new Scenario(ns, repository, running, null);
    kubelet.pulled(pending.image(), running.digest());
    String uid = createDeployment(pending, customize);
    Scenario s = new Scenario(ns, repository, running, uid);
    awaitReport(s, r -> r.getStatus().compliance != null && r.getStatus().compliance.policies.contains("updates")
        && running.digest().equals(r.getStatus().image.digest));
    return s;
  }

  static void createPolicy(String ns, String name, Consumer<ImagePolicy> customize) {
    ImagePolicy policy = new ImagePolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    policy.setSpec(new ImagePolicySpec());
    policy.getSpec().vulnerabilities.failOn = SeverityThreshold.Critical;
    policy.getSpec().signatures = new ImagePolicySpec.Signatures();
    policy.getSpec().signatures.mode = ImagePolicySpec.Signatures.Mode.Audit;
    ImagePolicySpec.Authority authority = new ImagePolicySpec.Authority();
    authority.name = "release-key";
    authority.key = new ImagePolicySpec.KeyRef();
    authority.key.data = TestSigstore.pem(RELEASE_KEY.getPublic());
    policy.getSpec().signatures.authorities = List.of(authority);
    customize.accept(policy);
    admin.resource(policy).create();
  }

  static String createDeployment(Scenario s, Consumer<Deployment> customize) {
    return admin.apps().deployments().inNamespace(s.namespace())
        .resource(deploymentSpec(s.namespace(), "app", s.image(), customize)).create().getMetadata().getUid();
  }

  static Deployment deploymentSpec(String ns, String name, String image, Consumer<Deployment> customize) {
    Map<String, String> labels = Map.of("app", name);
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).withImagePullPolicy("IfNotPresent")
        .endContainer().endSpec().endTemplate().endSpec().build();
    customize.accept(d);
    return d;
  }

  static void labelScanned(String ns) {
    admin.namespaces().withName(ns).edit(n -> {
      Map<String, String> labels = new HashMap<>(n.getMetadata().getLabels());
      labels.putAll(SCANNED);
      n.getMetadata().setLabels(labels);
      return n;
    });
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

  // --- reading the cluster ----------------------------------------------------------------------

  static void awaitPodsRunning(String ns, String digest) {
    await().atMost(WAIT).until(() -> admin.pods().inNamespace(ns).list().getItems().stream().anyMatch(p ->
        p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
            && p.getStatus().getContainerStatuses().stream().anyMatch(c -> c.getImageID().endsWith(digest))));
  }

  static Deployment deployment(Scenario s) {
    return admin.apps().deployments().inNamespace(s.namespace()).withName("app").get();
  }

  static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  static ImageReport report(Scenario s) {
    return admin.resources(ImageReport.class).inNamespace(s.namespace()).withName("deployment-app-app").get();
  }

  static ImageReport awaitReport(Scenario s, java.util.function.Predicate<ImageReport> until) {
    return await().atMost(WAIT).until(() -> report(s), r -> r != null && r.getStatus() != null
        && r.getStatus().image != null && until.test(r));
  }

  static void awaitImage(Scenario s, String image) {
    await().atMost(WAIT).untilAsserted(() -> assertEquals(image, image(deployment(s)),
        () -> "report update: " + describe(report(s))));
  }

  static ImageReportStatus.Update awaitState(Scenario s, State state) {
    await().atMost(WAIT).untilAsserted(() -> {
      ImageReport r = report(s);
      assertTrue(r != null && r.getStatus() != null && r.getStatus().update != null
          && r.getStatus().update.state == state, () -> "report update: " + describe(r));
    });
    ImageReportStatus.Update update = report(s).getStatus().update;
    assertNotNull(update.reason);
    return update;
  }

  static String describe(ImageReport r) {
    if (r == null || r.getStatus() == null || r.getStatus().update == null) {
      return "none";
    }
    return r.getStatus().update.state + " / " + r.getStatus().update.reason;
  }

  static void awaitEvent(Scenario s, String reason, String type) {
    await().atMost(WAIT).until(() -> admin.v1().events().inNamespace(s.namespace()).list().getItems().stream()
        .anyMatch(e -> "app".equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())
            && type.equals(e.getType())));
  }

  static ScanSchedule schedule() {
    return admin.resources(ScanSchedule.class).inNamespace(OPERATOR_NS).withName(SCHEDULE).get();
  }

  /** Waits until this many further runs of the schedule have completed. */
  static void awaitRuns(int runs) {
    for (int i = 0; i < runs; i++) {
      ScanSchedule before = schedule();
      String completed = before.getStatus() == null || before.getStatus().lastRun == null ? ""
          : before.getStatus().lastRun.completionTime;
      await().atMost(WAIT).until(() -> {
        ScanSchedule now = schedule();
        return now.getStatus() != null && now.getStatus().lastRun != null
            && !completed.equals(now.getStatus().lastRun.completionTime);
      });
    }
  }

  static Map<String, String> reportVersions(String ns) {
    Map<String, String> out = new TreeMap<>();
    admin.resources(ImageReport.class).inNamespace(ns).list().getItems()
        .forEach(r -> out.put(r.getMetadata().getName(), r.getMetadata().getResourceVersion()));
    return out;
  }

  /** One row of {@code kubectl get KIND NAME -n NS}, by column header. */
  static Map<String, String> kubectlRow(String ns, String kind, String name) throws Exception {
    List<String> lines = api.kubectl("get", kind, name, "-n", ns).lines().toList();
    assertEquals(2, lines.size(), String.join("\n", lines));
    String header = lines.get(0);
    String row = lines.get(1);
    // Columns start where their header starts (kubectl pads to the widest cell).
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(header);
    while (m.find()) {
      starts.add(m.start());
      names.add(m.group());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(starts.get(i), row.length());
      int to = i + 1 < starts.size() ? Math.min(starts.get(i + 1), row.length()) : row.length();
      out.put(names.get(i), row.substring(from, to).trim());
    }
    return out;
  }

  static String metrics() {
    assertTrue(operator.process().isAlive(), "the operator exited:\n" + operator.log());
    HttpResponse<String> response = operator.get("/metrics");
    assertNotNull(response, "the operator answers on /metrics");
    assertEquals(200, response.statusCode());
    return response.body();
  }
}
