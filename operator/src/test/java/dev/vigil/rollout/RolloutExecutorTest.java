package dev.vigil.rollout;

import static dev.vigil.rollout.TestWorkloads.container;
import static dev.vigil.rollout.TestWorkloads.images;
import static dev.vigil.rollout.TestWorkloads.templateAnnotations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.workload.Workload;
import dev.vigil.workload.WorkloadIndex;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The executor against a real API server, as Vigil's ServiceAccount with the rollout RBAC
 * ({@code config/with-rollout}), so every patch is authorised, validated and applied as in a
 * cluster. That server runs no controllers: the tests write the controllers' status themselves
 * through the status subresource. Rollouts that real controllers carry out are in {@link
 * RolloutOnControllersTest}. Each test has a namespace of its own.
 */
class RolloutExecutorTest {

  private static final String FROM = "sha256:" + "a".repeat(64);
  private static final String TO = "sha256:" + "b".repeat(64);
  private static final String OTHER = "sha256:" + "d".repeat(64);
  private static final String IMAGE = "registry.example.com/team/web:1.4.0";
  private static final Instant T0 = Instant.parse("2026-11-23T01:00:00Z");
  private static final Duration DEADLINE = Duration.ofSeconds(600);

  static KubeApi api;
  static KubernetesClient admin;

  /** Vigil's ServiceAccount; every request it sends is recorded in {@link #requests}. */
  static KubernetesClient operator;

  /** "METHOD path?query" of each request {@link #operator} sent. */
  static final List<String> requests = new CopyOnWriteArrayList<>();

  String namespace;
  TestWorkloads workloads;

  @BeforeAll
  static void install() {
    api = KubeApi.shared();
    admin = api.admin();
    String operatorNamespace = api.createNamespace("rollout-op");
    OperatorInstall install =
        OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.WITH_ROLLOUT);
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            URI uri = request.uri();
            requests.add(
                request.method()
                    + " "
                    + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
          }
        };
    operator =
        new KubernetesClientBuilder()
            .withConfig(api.configAs(operatorNamespace, install.serviceAccount()))
            .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("record", recorder))
            .build();
  }

  @AfterAll
  static void close() {
    if (operator != null) {
      operator.close();
    }
  }

  @BeforeEach
  void namespace() {
    namespace = api.createNamespace("rollout");
    workloads = new TestWorkloads(admin, namespace);
  }

  private static RolloutExecutor executorAt(Instant now) {
    return new RolloutExecutor(operator, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static Decision startDecision(RolloutMethod method, String tag, String to) {
    ImageReference target = ImageReference.parse(IMAGE).withTag(tag).withDigest(to);
    return new Decision(
        State.RollingOut,
        "RollingOut: to " + tag,
        new RolloutAction.StartRollout(method, target, FROM, "web-updates"),
        null);
  }

  private static RolloutAnnotation expected(
      String previousImage, RolloutMethod method, RolloutPhase phase, String previousRestartedAt) {
    return new RolloutAnnotation(
        "web", FROM, TO, previousImage, method, "web-updates", T0, phase, previousRestartedAt);
  }

  /** The workload's spec as the API server has it. */
  private static JsonNode spec(Workload workload) {
    return new ObjectMapper().valueToTree(workload.resource()).get("spec");
  }

  private static String annotationText(Workload workload) {
    Map<String, String> annotations = workload.resource().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(RolloutAnnotation.KEY);
  }

  /** Runs {@code step} and returns how many writes (POST, PUT, PATCH, DELETE) it sent. */
  private static int writesOf(Runnable step) {
    return writeRequestsOf(step).size();
  }

  /** Runs {@code step} and returns the writes Vigil's client sent meanwhile, as "METHOD path?query". */
  private static List<String> writeRequestsOf(Runnable step) {
    requests.clear();
    step.run();
    return requests.stream().filter(request -> !request.startsWith("GET ")).toList();
  }

  @ParameterizedTest
  @EnumSource(names = {"Deployment", "StatefulSet", "DaemonSet", "CronJob"})
  void pinDigestSetsTheImageAndTheAnnotationInOnePatch(WorkloadKind kind) {
    Workload workload =
        workloads.create(kind, "pin-" + kind.name().toLowerCase(), IMAGE, "IfNotPresent");
    RolloutExecutor executor = executorAt(T0);
    RolloutAnnotation[] started = new RolloutAnnotation[1];

    List<String> writes =
        writeRequestsOf(
            () ->
                started[0] =
                    executor.start(
                        workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO)));

    RolloutPhase phase =
        kind == WorkloadKind.CronJob ? RolloutPhase.RolledOut : RolloutPhase.RollingOut;
    RolloutAnnotation annotation = expected(IMAGE, RolloutMethod.PinDigest, phase, null);
    String resource =
        kind == WorkloadKind.CronJob
            ? "batch/v1/namespaces/" + namespace + "/cronjobs"
            : "apps/v1/namespaces/" + namespace + "/" + kind.name().toLowerCase() + "s";
    assertEquals(
        List.of("PATCH /apis/" + resource + "/" + workload.name() + "?fieldManager=vigil"),
        writes,
        "one JSON patch, recorded under Vigil's field manager");
    assertEquals(annotation, started[0]);
    Workload after = workloads.reread(workload);
    assertEquals(annotation.format(), annotationText(after));
    assertEquals(
        List.of("envoyproxy/envoy:v1.31.0", IMAGE + "@" + TO, IMAGE),
        images(after),
        "only the web container changes");
    assertEquals(Map.of("team", "shop"), templateAnnotations(after));
  }

  @ParameterizedTest
  @EnumSource(names = {"Deployment", "StatefulSet", "DaemonSet", "CronJob"})
  void restartSetsThePodTemplateAnnotationInOnePatch(WorkloadKind kind) {
    Workload workload =
        workloads.create(kind, "restart-" + kind.name().toLowerCase(), IMAGE, "Always");
    RolloutExecutor executor = executorAt(T0);

    int requests =
        writesOf(
            () ->
                executor.start(workload, "web", startDecision(RolloutMethod.Restart, "1.4.0", TO)));

    RolloutPhase phase =
        kind == WorkloadKind.CronJob ? RolloutPhase.RolledOut : RolloutPhase.RollingOut;
    assertEquals(1, requests);
    Workload after = workloads.reread(workload);
    assertEquals(
        expected(IMAGE, RolloutMethod.Restart, phase, null).format(), annotationText(after));
    assertEquals(List.of("envoyproxy/envoy:v1.31.0", IMAGE, IMAGE), images(after));
    assertEquals(
        Map.of("team", "shop", RolloutAnnotation.RESTARTED_AT, "2026-11-23T01:00:00Z"),
        templateAnnotations(after));
  }

  @Test
  void restartAddsTheTemplateAnnotationsWhenACronJobTemplateHasNone() {
    // Sent without template metadata; the API server returns an empty one (creationTimestamp null).
    Workload workload =
        workloads.create(WorkloadKind.CronJob, "restart-bare-cronjob", IMAGE, "Always", null, null);
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.Restart, "1.4.0", TO));
    assertEquals(
        Map.of(RolloutAnnotation.RESTARTED_AT, "2026-11-23T01:00:00Z"),
        templateAnnotations(workloads.reread(workload)));
  }

  @Test
  void pinDigestReachesInitContainersAndKeepsTheWrittenRepository() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "pin-init", "nginx:1.25", "IfNotPresent");
    Decision decision =
        new Decision(
            State.RollingOut,
            "RollingOut",
            new RolloutAction.StartRollout(
                RolloutMethod.PinDigest,
                ImageReference.parse("nginx:1.25.1@" + TO),
                FROM,
                "web-updates"),
            null);

    executorAt(T0).start(workload, "migrate", decision);

    assertEquals(
        List.of("envoyproxy/envoy:v1.31.0", "nginx:1.25", "nginx:1.25.1@" + TO),
        images(workloads.reread(workload)));
  }

  @Test
  void secondStartForTheSameCandidatePatchesNothing() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "start-twice", IMAGE, "IfNotPresent");
    RolloutAnnotation first =
        executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    Workload started = workloads.reread(workload);
    RolloutAnnotation[] second = new RolloutAnnotation[1];

    int requests =
        writesOf(
            () ->
                second[0] =
                    executorAt(T0.plusSeconds(30))
                        .start(
                            started, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO)));

    assertEquals(0, requests);
    assertEquals(first, second[0]);
    assertEquals(
        started.resource().getMetadata().getResourceVersion(),
        workloads.reread(workload).resource().getMetadata().getResourceVersion());
  }

  @Test
  void startFromAnOutdatedReadIsRefusedByTheServer() {
    Workload workload = workloads.create(WorkloadKind.Deployment, "stale", IMAGE, "IfNotPresent");
    admin
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName("stale")
        .edit(
            d -> {
              d.getMetadata().setLabels(Map.of("changed", "by-someone"));
              return d;
            });

    // The JSON patch's test of the resourceVersion fails: the API server answers 422.
    WorkloadChangedException e =
        assertThrows(
            WorkloadChangedException.class,
            () ->
                executorAt(T0)
                    .start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO)));
    String expectedStart =
        "Deployment "
            + namespace
            + "/stale changed since it was read (resourceVersion "
            + workload.resource().getMetadata().getResourceVersion()
            + "); read it again and plan again: ";
    assertEquals(
        expectedStart,
        e.getMessage().substring(0, Math.min(expectedStart.length(), e.getMessage().length())));

    Workload after = workloads.reread(workload);
    assertEquals(IMAGE, container(after, "web").getImage());
    assertNull(annotationText(after));
  }

  @Test
  void startReportsAMalformedAnnotationAndLeavesItAlone() {
    Workload workload =
        workloads.create(
            WorkloadKind.Deployment,
            "malformed",
            IMAGE,
            "IfNotPresent",
            Map.of(),
            Map.of(RolloutAnnotation.KEY, "{\"container\":\"web\""));

    MalformedRolloutAnnotationException[] thrown = new MalformedRolloutAnnotationException[1];
    int writes =
        writesOf(
            () ->
                thrown[0] =
                    assertThrows(
                        MalformedRolloutAnnotationException.class,
                        () ->
                            executorAt(T0)
                                .start(
                                    workload,
                                    "web",
                                    startDecision(RolloutMethod.PinDigest, "1.4.0", TO))));

    assertEquals(0, writes);
    String expectedStart =
        "annotation vigil.dev/rollout on Deployment "
            + namespace
            + "/malformed is malformed (remove or fix it;"
            + " Vigil will not overwrite it): not valid JSON: Unexpected end-of-input: expected"
            + " close marker for Object";
    String message = thrown[0].getMessage();
    assertEquals(
        expectedStart, message.substring(0, Math.min(expectedStart.length(), message.length())));
    Workload after = workloads.reread(workload);
    assertEquals("{\"container\":\"web\"", annotationText(after));
    assertEquals(IMAGE, container(after, "web").getImage());
  }

  @Test
  void startRefusesWhileAnotherRolloutIsInFlight() {
    Workload workload = workloads.create(WorkloadKind.Deployment, "busy", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    Workload started = workloads.reread(workload);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                executorAt(T0)
                    .start(started, "web", startDecision(RolloutMethod.PinDigest, "1.4.1", OTHER)));
    assertEquals(
        "Deployment "
            + namespace
            + "/busy is still rolling out container web to "
            + TO
            + "; finish or roll back that rollout first",
        e.getMessage());
  }

  @Test
  void deploymentProgressFollowsItsStatus() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "progress-deploy", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    RolloutExecutor executor = executorAt(T0.plusSeconds(30));
    Workload started = workloads.reread(workload);
    long generation = started.resource().getMetadata().getGeneration();

    assertEquals(
        Progress.inProgress("the Deployment has no status yet"),
        executor.progress(started, DEADLINE));

    writeDeploymentStatus(
        "progress-deploy", generation - 1, 3, 3, 3, "NewReplicaSetAvailable", null);
    assertEquals(
        Progress.inProgress(
            "the controller has not observed generation "
                + generation
                + " yet (observed "
                + (generation - 1)
                + ")"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeDeploymentStatus("progress-deploy", generation, 4, 2, 2, "ReplicaSetUpdated", null);
    assertEquals(
        Progress.inProgress("2 of 3 replicas updated"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeDeploymentStatus("progress-deploy", generation, 4, 3, 3, "ReplicaSetUpdated", null);
    assertEquals(
        Progress.inProgress("1 old replicas pending termination"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeDeploymentStatus("progress-deploy", generation, 3, 3, 2, "ReplicaSetUpdated", null);
    assertEquals(
        Progress.inProgress("2 of 3 updated replicas available"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeDeploymentStatus("progress-deploy", generation, 3, 3, 3, "NewReplicaSetAvailable", null);
    assertEquals(
        Progress.succeeded("3 of 3 replicas updated and available"),
        executor.progress(workloads.reread(workload), DEADLINE));
  }

  @Test
  void deploymentProgressDeadlineExceededFails() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "deadline-deploy", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    long generation = workloads.reread(workload).resource().getMetadata().getGeneration();
    writeDeploymentStatus(
        "deadline-deploy",
        generation,
        4,
        1,
        3,
        "ProgressDeadlineExceeded",
        "ReplicaSet \"deadline-deploy-5d9c\" has timed out progressing.");

    assertEquals(
        Progress.failed(
            "Deployment ProgressDeadlineExceeded: ReplicaSet \"deadline-deploy-5d9c\" has timed out"
                + " progressing."),
        executorAt(T0.plusSeconds(30)).progress(workloads.reread(workload), DEADLINE));
  }

  @Test
  void statefulSetProgressNeedsTheNewRevisionCurrentAndAllReplicasReady() {
    Workload workload =
        workloads.create(WorkloadKind.StatefulSet, "progress-sts", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    long generation = workloads.reread(workload).resource().getMetadata().getGeneration();
    RolloutExecutor executor = executorAt(T0.plusSeconds(30));

    writeStatefulSetStatus("progress-sts", generation, "progress-sts-1", "progress-sts-2", 1, 3);
    assertEquals(
        Progress.inProgress(
            "revision progress-sts-2 is not current yet (current progress-sts-1); 1 of 3 replicas"
                + " updated"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeStatefulSetStatus("progress-sts", generation, "progress-sts-2", "progress-sts-2", 3, 2);
    assertEquals(
        Progress.inProgress("3 of 3 replicas updated, 2 ready"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeStatefulSetStatus("progress-sts", generation, "progress-sts-2", "progress-sts-2", 3, 3);
    assertEquals(
        Progress.succeeded("3 of 3 replicas updated and ready"),
        executor.progress(workloads.reread(workload), DEADLINE));
  }

  @Test
  void daemonSetProgressNeedsEveryScheduledPodUpdatedAndAvailable() {
    Workload workload =
        workloads.create(WorkloadKind.DaemonSet, "progress-ds", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    long generation = workloads.reread(workload).resource().getMetadata().getGeneration();
    RolloutExecutor executor = executorAt(T0.plusSeconds(30));

    writeDaemonSetStatus("progress-ds", generation, 4, 2, 3);
    assertEquals(
        Progress.inProgress("2 of 4 scheduled pods updated, 3 available"),
        executor.progress(workloads.reread(workload), DEADLINE));

    writeDaemonSetStatus("progress-ds", generation, 4, 4, 4);
    assertEquals(
        Progress.succeeded("4 of 4 scheduled pods updated and available"),
        executor.progress(workloads.reread(workload), DEADLINE));
  }

  @Test
  void cronJobIsDoneAtOnce() {
    Workload workload =
        workloads.create(WorkloadKind.CronJob, "progress-cron", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    assertEquals(
        Progress.succeeded("recorded as RolledOut"),
        executorAt(T0.plusSeconds(1)).progress(workloads.reread(workload), DEADLINE));
  }

  @Test
  void pastTheDeadlineANewExecutorRollsBackToTheExactPreviousImage() {
    // "nginx:1.25" normalises to docker.io/library/nginx:1.25; the rollback must not.
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "rollback-pin", "nginx:1.25", "IfNotPresent");
    JsonNode specBefore = spec(workload);
    Decision decision =
        new Decision(
            State.RollingOut,
            "RollingOut",
            new RolloutAction.StartRollout(
                RolloutMethod.PinDigest,
                ImageReference.parse("nginx:1.25@" + TO),
                FROM,
                "web-updates"),
            null);
    executorAt(T0).start(workload, "web", decision);
    long generation = workloads.reread(workload).resource().getMetadata().getGeneration();
    writeDeploymentStatus("rollback-pin", generation, 4, 1, 3, "ReplicaSetUpdated", null);

    // The operator restarts: a new executor knows only what the workload's annotation says.
    RolloutExecutor restarted = executorAt(T0.plusSeconds(600));
    Workload current = workloads.reread(workload);
    assertEquals(
        Progress.failed(
            "not rolled out within 600s of 2026-11-23T01:00:00Z (1 of 3 replicas updated)"),
        restarted.progress(current, DEADLINE));
    RolloutAnnotation rolledBack = restarted.rollback(current);

    Workload after = workloads.reread(workload);
    assertEquals("nginx:1.25", container(after, "web").getImage());
    assertEquals(specBefore, spec(after), "the spec is exactly what it was before the rollout");
    assertEquals(RolloutPhase.RolledBack, rolledBack.phase());
    assertEquals(rolledBack.format(), annotationText(after));
    assertEquals(
        new RolloutAnnotation(
            "web",
            FROM,
            TO,
            "nginx:1.25",
            RolloutMethod.PinDigest,
            "web-updates",
            T0,
            RolloutPhase.RolledBack,
            null),
        rolledBack);
    assertEquals(0, writesOf(() -> restarted.rollback(after)), "a second rollback is a no-op");
  }

  @Test
  void restartRollbackRestoresThePreviousRestartedAt() {
    Workload workload =
        workloads.create(
            WorkloadKind.Deployment,
            "rollback-restart",
            IMAGE,
            "Always",
            Map.of(RolloutAnnotation.RESTARTED_AT, "2026-10-01T00:00:00Z", "team", "shop"),
            null);
    JsonNode specBefore = spec(workload);
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.Restart, "1.4.0", TO));
    assertEquals(
        "2026-11-23T01:00:00Z",
        templateAnnotations(workloads.reread(workload)).get(RolloutAnnotation.RESTARTED_AT));

    RolloutAnnotation rolledBack =
        executorAt(T0.plusSeconds(700)).rollback(workloads.reread(workload));

    Workload after = workloads.reread(workload);
    assertEquals(
        expected(IMAGE, RolloutMethod.Restart, RolloutPhase.RolledBack, "2026-10-01T00:00:00Z"),
        rolledBack);
    assertEquals(
        Map.of(RolloutAnnotation.RESTARTED_AT, "2026-10-01T00:00:00Z", "team", "shop"),
        templateAnnotations(after));
    assertEquals(IMAGE, container(after, "web").getImage());
    assertEquals(specBefore, spec(after));
  }

  @Test
  void restartRollbackRemovesARestartedAtThatWasNotThereBefore() {
    Workload workload =
        workloads.create(WorkloadKind.DaemonSet, "rollback-restart-new", IMAGE, "Always");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.Restart, "1.4.0", TO));

    executorAt(T0.plusSeconds(700)).rollback(workloads.reread(workload));

    Workload after = workloads.reread(workload);
    assertEquals(Map.of("team", "shop"), templateAnnotations(after));
    assertEquals(spec(workload), spec(after));
  }

  @Test
  void startFromACachedWorkloadKeepsTheAnnotationsTheCacheTrimmed() {
    // kubectl apply leaves its last-applied-configuration annotation, which the index's cache
    // drops: the patch must add Vigil's annotation beside it, not replace the map.
    String lastApplied = "kubectl.kubernetes.io/last-applied-configuration";
    workloads.create(
        WorkloadKind.StatefulSet,
        "cached",
        IMAGE,
        "IfNotPresent",
        Map.of("team", "shop"),
        Map.of(lastApplied, "{\"kind\":\"StatefulSet\"}"));
    Workload cached;
    try (WorkloadIndex index = new WorkloadIndex(operator, java.util.Set.of(namespace))) {
      index.startAndAwaitSync(Duration.ofSeconds(60));
      cached = index.workload(WorkloadKind.StatefulSet, namespace, "cached").orElseThrow();
    }
    assertEquals(Map.of(), cached.resource().getMetadata().getAnnotations(), "trimmed");

    executorAt(T0).start(cached, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));

    Map<String, String> annotations =
        workloads.read(WorkloadKind.StatefulSet, "cached").resource().getMetadata().getAnnotations();
    assertEquals(
        Map.of(
            lastApplied,
            "{\"kind\":\"StatefulSet\"}",
            RolloutAnnotation.KEY,
            expected(IMAGE, RolloutMethod.PinDigest, RolloutPhase.RollingOut, null).format()),
        annotations);
  }

  @Test
  void vigilsFieldManagerOwnsWhatItPatchedSoAGitOpsApplyConflictsWithIt() {
    Workload workload = workloads.apply(WorkloadKind.Deployment, "gitops", IMAGE, "argocd");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));

    Deployment after =
        admin.apps().deployments().inNamespace(namespace).withName("gitops").get();
    ManagedFieldsEntry vigil =
        after.getMetadata().getManagedFields().stream()
            .filter(f -> RolloutExecutor.FIELD_MANAGER.equals(f.getManager()))
            .findFirst()
            .orElseThrow();
    assertEquals("Update", vigil.getOperation());
    String owned = vigil.getFieldsV1().getAdditionalProperties().toString();
    assertTrue(owned.contains("f:vigil.dev/rollout"), owned);
    assertTrue(owned.contains("k:{\"name\":\"web\"}={f:image"), owned);
    assertFalse(owned.contains("k:{\"name\":\"proxy\"}"), "only the web container: " + owned);

    // Syncing the manifest from Git again without forcing is refused, naming Vigil.
    KubernetesClientException conflict =
        assertThrows(
            KubernetesClientException.class,
            () ->
                admin
                    .resource(
                        workloads.build(
                            WorkloadKind.Deployment,
                            "gitops",
                            IMAGE,
                            "IfNotPresent",
                            Map.of("team", "shop"),
                            null))
                    .fieldManager("argocd")
                    .serverSideApply());
    assertEquals(409, conflict.getCode());
    assertTrue(
        conflict.getStatus().getMessage().contains("conflict with \"vigil\""),
        conflict.getStatus().getMessage());
    assertEquals(
        IMAGE + "@" + TO, container(workloads.reread(workload), "web").getImage());
  }

  @Test
  void someoneElsesImageChangeFailsTheRolloutAndIsLeftAlone() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "overridden", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    admin
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName("overridden")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(1)
                  .setImage("registry.example.com/team/web:1.5.0");
              return d;
            });
    RolloutExecutor executor = executorAt(T0.plusSeconds(30));

    assertEquals(
        Progress.failed(
            "container web image was changed to registry.example.com/team/web:1.5.0 while rolling"
                + " out to "
                + TO),
        executor.progress(workloads.reread(workload), DEADLINE));
    RolloutAnnotation result = executor.rollback(workloads.reread(workload));

    assertEquals(RolloutPhase.Failed, result.phase());
    Workload after = workloads.reread(workload);
    assertEquals("registry.example.com/team/web:1.5.0", container(after, "web").getImage());
    assertEquals(result.format(), annotationText(after));
  }

  @Test
  void finishKeepsTheAnnotationAndTheImage() {
    Workload workload = workloads.create(WorkloadKind.StatefulSet, "finish", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    RolloutExecutor executor = executorAt(T0.plusSeconds(120));

    RolloutAnnotation finished = executor.finish(workloads.reread(workload));

    Workload after = workloads.reread(workload);
    assertEquals(expected(IMAGE, RolloutMethod.PinDigest, RolloutPhase.RolledOut, null), finished);
    assertEquals(finished.format(), annotationText(after));
    assertEquals(IMAGE + "@" + TO, container(after, "web").getImage());
    assertEquals(0, writesOf(() -> executor.finish(after)), "a second finish is a no-op");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> executor.markFailed(after));
    assertEquals(
        "cannot record Failed for the rollout on StatefulSet " + namespace + "/finish: it is RolledOut",
        e.getMessage());
  }

  @Test
  void markFailedLeavesTheImageInPlace() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "mark-failed", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));

    RolloutAnnotation failed =
        executorAt(T0.plusSeconds(700)).markFailed(workloads.reread(workload));

    Workload after = workloads.reread(workload);
    assertEquals(RolloutPhase.Failed, failed.phase());
    assertEquals(failed.format(), annotationText(after));
    assertEquals(IMAGE + "@" + TO, container(after, "web").getImage());
  }

  @Test
  void aNewExecutorResumesAndFinishesFromTheAnnotationAlone() {
    Workload workload = workloads.create(WorkloadKind.Deployment, "resume", IMAGE, "IfNotPresent");
    RolloutExecutor beforeCrash = executorAt(T0);
    beforeCrash.start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    beforeCrash = null; // the operator process dies here

    RolloutExecutor afterRestart =
        new RolloutExecutor(operator, Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC));
    Workload read = workloads.read(WorkloadKind.Deployment, "resume");
    assertEquals(
        Progress.inProgress("the Deployment has no status yet"),
        afterRestart.progress(read, DEADLINE));
    assertEquals(
        0,
        writesOf(
            () ->
                afterRestart.start(
                    read, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO))),
        "the restarted operator does not patch the same candidate again");

    writeDeploymentStatus(
        "resume",
        read.resource().getMetadata().getGeneration(),
        3,
        3,
        3,
        "NewReplicaSetAvailable",
        null);
    Workload done = workloads.reread(read);
    assertEquals(
        Progress.succeeded("3 of 3 replicas updated and available"),
        afterRestart.progress(done, DEADLINE));
    RolloutAnnotation finished = afterRestart.finish(done);

    assertEquals(expected(IMAGE, RolloutMethod.PinDigest, RolloutPhase.RolledOut, null), finished);
    assertEquals(finished.format(), annotationText(workloads.reread(read)));
  }

  @Test
  void stepsOnAWorkloadWithoutRolloutAreRefused() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "no-rollout", IMAGE, "IfNotPresent");
    RolloutExecutor executor = executorAt(T0);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> executor.rollback(workload));
    assertEquals(
        "Deployment "
            + namespace
            + "/no-rollout has no vigil.dev/rollout annotation: no rollout to act on",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> executor.progress(workload, DEADLINE));
    assertThrows(IllegalStateException.class, () -> executor.finish(workload));
  }

  @Test
  void unknownContainerIsRefused() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "no-container", IMAGE, "IfNotPresent");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                executorAt(T0)
                    .start(workload, "api", startDecision(RolloutMethod.PinDigest, "1.4.0", TO)));
    assertEquals(
        "Deployment "
            + namespace
            + "/no-container has no container or init container named \"api\"",
        e.getMessage());
    assertNull(annotationText(workloads.reread(workload)));
  }

  @Test
  void decisionWithoutStartIsRefused() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "no-start", IMAGE, "IfNotPresent");
    Decision watch = new Decision(State.RollingOut, "RollingOut", new RolloutAction.Watch(), null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> executorAt(T0).start(workload, "web", watch));
    assertEquals("decision RollingOut does not start a rollout (action Watch[])", e.getMessage());
  }

  /**
   * Writes a Deployment's status as the deployment controller would (all replicas that are
   * available are ready, as the API server's validation demands).
   */
  private void writeDeploymentStatus(
      String name,
      long observedGeneration,
      int replicas,
      int updated,
      int available,
      String reason,
      String message) {
    admin
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(observedGeneration)
                      .withReplicas(replicas)
                      .withUpdatedReplicas(updated)
                      .withReadyReplicas(available)
                      .withAvailableReplicas(available)
                      .withConditions(
                          new DeploymentConditionBuilder()
                              .withType("Progressing")
                              .withStatus(
                                  reason.equals("ProgressDeadlineExceeded") ? "False" : "True")
                              .withReason(reason)
                              .withMessage(message)
                              .build())
                      .build());
              return d;
            });
  }

  private void writeStatefulSetStatus(
      String name, long observedGeneration, String current, String update, int updated, int ready) {
    admin
        .apps()
        .statefulSets()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder()
                      .withObservedGeneration(observedGeneration)
                      .withReplicas(3)
                      .withCurrentRevision(current)
                      .withUpdateRevision(update)
                      .withUpdatedReplicas(updated)
                      .withReadyReplicas(ready)
                      .build());
              return s;
            });
  }

  private void writeDaemonSetStatus(
      String name, long observedGeneration, int desired, int updated, int available) {
    admin
        .apps()
        .daemonSets()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            d -> {
              d.setStatus(
                  new DaemonSetStatusBuilder()
                      .withObservedGeneration(observedGeneration)
                      .withDesiredNumberScheduled(desired)
                      .withCurrentNumberScheduled(desired)
                      .withUpdatedNumberScheduled(updated)
                      .withNumberAvailable(available)
                      .withNumberReady(available)
                      .build());
              return d;
            });
  }
}
