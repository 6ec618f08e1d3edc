package dev.vigil.rollout;

import static dev.vigil.rollout.TestWorkloads.NAMESPACE;
import static dev.vigil.rollout.TestWorkloads.container;
import static dev.vigil.rollout.TestWorkloads.images;
import static dev.vigil.rollout.TestWorkloads.templateAnnotations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.api.ImageReportStatus.Update.State;
import dev.vigil.api.WorkloadKind;
import dev.vigil.registry.ImageReference;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The executor against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class RolloutExecutorTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  private static final String FROM = "sha256:" + "a".repeat(64);
  private static final String TO = "sha256:" + "b".repeat(64);
  private static final String OTHER = "sha256:" + "d".repeat(64);
  private static final String IMAGE = "registry.example.com/team/web:1.4.0";
  private static final Instant T0 = Instant.parse("2026-11-23T01:00:00Z");
  private static final Duration DEADLINE = Duration.ofSeconds(600);

  /**
   * Fails fast instead of retrying: the mock server answers a patch whose test operation fails with
   * no response at all (a real API server answers 422).
   */
  private static KubernetesClient noRetryClient;

  private static TestWorkloads workloads;

  @BeforeAll
  static void setUp() {
    noRetryClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .withRequestTimeout(2000)
                    .build())
            .build();
    workloads = new TestWorkloads(client);
  }

  @AfterAll
  static void tearDown() {
    noRetryClient.close();
  }

  private static RolloutExecutor executorAt(Instant now) {
    return new RolloutExecutor(noRetryClient, Clock.fixed(now, ZoneOffset.UTC));
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

  private static String annotationText(Workload workload) {
    Map<String, String> annotations = workload.resource().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(RolloutAnnotation.KEY);
  }

  /** Runs {@code step} and returns how many writes (POST, PUT, PATCH, DELETE) it sent. */
  private static int writesOf(Runnable step) {
    return writeRequestsOf(step).size();
  }

  /** Runs {@code step} and returns its writes as "METHOD path?query". */
  private static List<String> writeRequestsOf(Runnable step) {
    recordedRequests();
    step.run();
    return recordedRequests().stream().filter(request -> !request.startsWith("GET ")).toList();
  }

  /** The requests the mock server received since last asked, as "METHOD path?query". */
  private static List<String> recordedRequests() {
    List<String> methods = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        methods.add(request.getMethod() + " " + request.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return methods;
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
            ? "batch/v1/namespaces/shop/cronjobs"
            : "apps/v1/namespaces/shop/" + kind.name().toLowerCase() + "s";
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
  void restartCreatesTheTemplateMetadataWhenACronJobHasNone() {
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
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName("stale")
        .edit(
            d -> {
              d.getMetadata().getLabels().put("changed", "by-someone");
              return d;
            });

    assertThrows(
        KubernetesClientException.class,
        () ->
            executorAt(T0)
                .start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO)));

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
        "annotation vigil.dev/rollout on Deployment shop/malformed is malformed (remove or fix it;"
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
        "Deployment shop/busy is still rolling out container web to "
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
  }

  @Test
  void restartRollbackRemovesARestartedAtThatWasNotThereBefore() {
    Workload workload =
        workloads.create(WorkloadKind.DaemonSet, "rollback-restart-new", IMAGE, "Always");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.Restart, "1.4.0", TO));

    executorAt(T0.plusSeconds(700)).rollback(workloads.reread(workload));

    assertEquals(Map.of("team", "shop"), templateAnnotations(workloads.reread(workload)));
  }

  @Test
  void someoneElsesImageChangeFailsTheRolloutAndIsLeftAlone() {
    Workload workload =
        workloads.create(WorkloadKind.Deployment, "overridden", IMAGE, "IfNotPresent");
    executorAt(T0).start(workload, "web", startDecision(RolloutMethod.PinDigest, "1.4.0", TO));
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
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
        "cannot record Failed for the rollout on StatefulSet shop/finish: it is RolledOut",
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
        new RolloutExecutor(noRetryClient, Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC));
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
        "Deployment shop/no-rollout has no vigil.dev/rollout annotation: no rollout to act on",
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
        "Deployment shop/no-container has no container or init container named \"api\"",
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

  private static void writeDeploymentStatus(
      String name,
      long observedGeneration,
      int replicas,
      int updated,
      int available,
      String reason,
      String message) {
    Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(observedGeneration)
            .withReplicas(replicas)
            .withUpdatedReplicas(updated)
            .withAvailableReplicas(available)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus(reason.equals("ProgressDeadlineExceeded") ? "False" : "True")
                    .withReason(reason)
                    .withMessage(message)
                    .build())
            .build());
    client.apps().deployments().inNamespace(NAMESPACE).resource(d).updateStatus();
  }

  private static void writeStatefulSetStatus(
      String name, long observedGeneration, String current, String update, int updated, int ready) {
    StatefulSet s = client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    s.setStatus(
        new StatefulSetStatusBuilder()
            .withObservedGeneration(observedGeneration)
            .withReplicas(3)
            .withCurrentRevision(current)
            .withUpdateRevision(update)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .build());
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(s).updateStatus();
  }

  private static void writeDaemonSetStatus(
      String name, long observedGeneration, int desired, int updated, int available) {
    DaemonSet d = client.apps().daemonSets().inNamespace(NAMESPACE).withName(name).get();
    d.setStatus(
        new DaemonSetStatusBuilder()
            .withObservedGeneration(observedGeneration)
            .withDesiredNumberScheduled(desired)
            .withUpdatedNumberScheduled(updated)
            .withNumberAvailable(available)
            .build());
    client.apps().daemonSets().inNamespace(NAMESPACE).resource(d).updateStatus();
  }
}
