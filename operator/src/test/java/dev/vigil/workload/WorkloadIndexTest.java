package dev.vigil.workload;

import static dev.vigil.workload.TestCluster.D1;
import static dev.vigil.workload.TestCluster.D2;
import static dev.vigil.workload.TestCluster.D3;
import static dev.vigil.workload.TestCluster.D4;
import static dev.vigil.workload.TestCluster.D5;
import static dev.vigil.workload.TestCluster.D6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.WorkloadKind;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.workload.checks.WorkloadCheckSettings;
import dev.vigil.workload.checks.WorkloadChecks;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery and running digests on a real API server (no controllers: the test creates what the
 * controllers would, with real owner uids, and plays the kubelet through the pod status
 * subresource): workloads of every kind in four namespaces of their own, a Deployment
 * mid-rollout, revision-labelled StatefulSet and DaemonSet pods, CronJob runs, a bare pod with
 * init and ephemeral containers, and imageIDs in every shape the runtimes write. The index runs
 * as Vigil's ServiceAccount with the shipped read-only RBAC.
 */
class WorkloadIndexTest {

  static KubeApi api;
  static KubernetesClient admin;
  static KubernetesClient operator;
  static WorkloadIndex index;

  /** Logical namespace name (as the assertions spell it) to the real, unique one. */
  static final Map<String, String> NS = new LinkedHashMap<>();
  static Set<String> all;
  static final String WEB_1 = "registry.example.com/shop/web:1.0";
  static final String WEB_2 = "registry.example.com/shop/web:2.0";
  static final String MIGRATE_2 = "registry.example.com/shop/migrate:2.0";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  static String ns(String logical) {
    return NS.get(logical);
  }

  @BeforeAll
  static void buildClusterAndStartIndex() throws Exception {
    api = KubeApi.shared();
    admin = api.admin();
    TestCluster c = new TestCluster(api);
    NS.put("shop", c.namespace("shop", Map.of("team", "shop", "env", "prod")));
    NS.put("payments", c.namespace("payments", Map.of("team", "payments", "env", "prod")));
    NS.put("sandbox", c.namespace("sandbox", Map.of("env", "dev")));
    NS.put("other", c.namespace("other", Map.of()));
    all = Set.copyOf(NS.values());
    String shop = ns("shop");

    // shop/web: mid-rollout from web:1.0 (revision 9) to web:2.0 (revision 10), applied by kubectl.
    Deployment web = admin.resource(new DeploymentBuilder()
        .withNewMetadata().withNamespace(shop).withName("web")
        .withLabels(Map.of("app", "web", "tier", "front"))
        .withAnnotations(Map.of(LAST_APPLIED, "{\"kind\":\"Deployment\",\"spec\":{}}", "owner", "team-shop"))
        .endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(TestCluster.selectorOf("web")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(TestCluster.selectorOf("web")).endMetadata().withNewSpec()
        .addNewContainer().withName("app").withImage(WEB_2).endContainer()
        .addNewInitContainer().withName("migrate").withImage(MIGRATE_2).endInitContainer()
        .endSpec().endTemplate().endSpec().build()).fieldManager("kubectl").serverSideApply();
    ReplicaSet web9 = c.replicaSet(shop, "web-9", web, "9", WEB_1);
    ReplicaSet web10 = c.replicaSet(shop, "web-10", web, "10", WEB_2);
    Map<String, String> webPodLabels = Map.of("app", "web", "tier", "front");
    c.pod(shop, "web-9-a", web9, webPodLabels, WEB_1, "registry.example.com/shop/web@" + D1, true);
    c.pod(shop, "web-9-b", web9, webPodLabels, WEB_1, "registry.example.com/shop/web@" + D1, true);
    webPod(c, "web-10-a", web10, "registry.example.com/shop/web@" + D2, "registry.example.com/shop/migrate@" + D4,
        true);
    webPod(c, "web-10-b", web10, "docker-pullable://registry.example.com/shop/web@" + D3, null, false);
    webPod(c, "web-10-c", web10, "docker-pullable://registry.example.com/shop/web@" + D3, null, false);

    // shop/db: the pod with the update revision runs D5; the one of the old revision D6.
    StatefulSet db = c.statefulSet(shop, "db", Map.of("app", "db"), "postgres:16", "db-7f9");
    c.pod(shop, "db-0", db, Map.of(CurrentRevisionPods.CONTROLLER_REVISION_HASH, "db-7f9"),
        "postgres:16", "docker.io/library/postgres@" + D5, true);
    c.pod(shop, "db-1", db, Map.of(CurrentRevisionPods.CONTROLLER_REVISION_HASH, "db-6c1"),
        "postgres:16", "docker.io/library/postgres@" + D6, true);

    // shop/agent: current pods report only image ids (Docker's and containerd's); an old one a digest.
    DaemonSet agent = c.daemonSet(shop, "agent", Map.of("app", "agent"), "registry.example.com/ops/agent:5", 2);
    String current = TestCluster.templateGeneration(agent);
    String previous = String.valueOf(Long.parseLong(current) - 1);
    c.pod(shop, "agent-x", agent, Map.of(CurrentRevisionPods.POD_TEMPLATE_GENERATION, current),
        "registry.example.com/ops/agent:5", "docker://" + D4, true);
    c.pod(shop, "agent-z", agent, Map.of(CurrentRevisionPods.POD_TEMPLATE_GENERATION, current),
        "registry.example.com/ops/agent:5", D5, true);
    c.pod(shop, "agent-y", agent, Map.of(CurrentRevisionPods.POD_TEMPLATE_GENERATION, previous),
        "registry.example.com/ops/agent:5", "docker-pullable://registry.example.com/ops/agent@" + D1, true);
    DaemonSet logger = c.daemonSet(shop, "logger", Map.of("app", "logger"), "fluent/fluent-bit:3.1", 1);
    c.pod(shop, "logger-x", logger,
        Map.of(CurrentRevisionPods.POD_TEMPLATE_GENERATION, TestCluster.templateGeneration(logger)),
        "fluent/fluent-bit:3.1", "docker-pullable://fluent/fluent-bit@" + D6, true);

    // shop/nightly: the newer Job (created later, though its name sorts first) ran D2.
    CronJob nightly = c.cronJob(shop, "nightly", Map.of("app", "nightly"), "registry.example.com/shop/report:1");
    Job older = c.job(shop, "nightly-29000001", Map.of(), nightly, "registry.example.com/shop/report:1");
    c.completedPod(shop, "nightly-29000001-p", older, "registry.example.com/shop/report:1",
        "registry.example.com/shop/report@" + D1);
    Thread.sleep(1100); // creation timestamps have one-second resolution
    Job newer = c.job(shop, "nightly-29000000", Map.of(), nightly, "registry.example.com/shop/report:1");
    c.completedPod(shop, "nightly-29000000-p", newer, "registry.example.com/shop/report:1",
        "registry.example.com/shop/report@" + D2);

    Job seed = c.job(shop, "seed", Map.of("app", "seed"), null, "registry.example.com/shop/seed:1");
    c.completedPod(shop, "seed-p", seed, "registry.example.com/shop/seed:1", "registry.example.com/shop/seed@" + D3);

    debugPod(shop);

    // A bare ReplicaSet is no Vigil workload, and neither are its pods.
    ReplicaSet legacy = c.replicaSet(shop, "legacy", null, "1", "nginx:1.25");
    c.pod(shop, "legacy-p", legacy, Map.of("app", "web"), "nginx:1.25", "docker.io/library/nginx@" + D1, true);

    String payments = ns("payments");
    c.create(new DeploymentBuilder()
        .withNewMetadata().withNamespace(payments).withName("api")
        .withLabels(Map.of("app", "api", "tier", "back")).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(TestCluster.selectorOf("api")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(TestCluster.selectorOf("api")).endMetadata().withNewSpec()
        .addNewContainer().withName("app").withImage("registry.example.com/payments/api:3.1").endContainer()
        .addNewContainer().withName("sidecar").withImage("envoyproxy/envoy").endContainer()
        .endSpec().endTemplate().endSpec().build());
    CronJob settle = c.cronJob(payments, "settle", Map.of("app", "settle"), "registry.example.com/payments/settle:1");
    c.job(payments, "settle-1", Map.of("app", "settle"), settle, "registry.example.com/payments/settle:1");

    c.deployment(ns("sandbox"), "web", Map.of("app", "web"), "nginx:1.27");
    c.pod(ns("sandbox"), "scratch", null, Map.of("app", "web"), "nginx:1.27", null, false);

    StatefulSet cache = c.statefulSet(ns("other"), "cache", Map.of("app", "cache", "tier", "back"), "redis:7", null);
    c.pod(ns("other"), "cache-0", cache, Map.of(CurrentRevisionPods.CONTROLLER_REVISION_HASH, "cache-1"),
        "redis:7", "docker.io/library/redis@" + D1, true);

    String operatorNamespace = api.createNamespace("workload-index-op");
    operator = OperatorInstall.apply(api, operatorNamespace, OperatorInstall.Overlay.DEFAULT).client();
    index = new WorkloadIndex(operator, all);
    index.startAndAwaitSync(Duration.ofSeconds(60));
  }

  private static void webPod(TestCluster c, String name, ReplicaSet rs, String appImageId, String initImageId,
      boolean ready) {
    Pod pod = TestCluster.podWithoutStatus(ns("shop"), name, rs, Map.of("app", "web", "tier", "front"), WEB_2);
    pod.getSpec().getInitContainers().add(new ContainerBuilder().withName("migrate").withImage(MIGRATE_2).build());
    Map<String, String> ids = new HashMap<>();
    ids.put("app", appImageId);
    if (initImageId != null) {
      ids.put("migrate", initImageId);
    }
    Kubelet.run(admin, c.create(pod), ids, ready);
  }

  /** A bare pod; its ephemeral container is added as kubectl debug adds one (a subresource). */
  private static void debugPod(String namespace) {
    Pod pod = admin.resource(new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName("debug").withLabels(Map.of("app", "debug")).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("shell").withImage("busybox:1.36").withImagePullPolicy("Always").endContainer()
        .addNewInitContainer().withName("setup").withImage("busybox:1.36").endInitContainer()
        .endSpec().build()).create();
    pod = admin.pods().inNamespace(namespace).withName("debug").ephemeralContainers().edit(p -> {
      p.getSpec().getEphemeralContainers().add(new EphemeralContainerBuilder()
          .withName("probe").withImage("nicolaka/netshoot:v0.13").build());
      return p;
    });
    Kubelet.run(admin, pod, Map.of(
        "shell", "docker-pullable://busybox@" + D1,
        "setup", "docker.io/library/busybox@" + D2,
        "probe", "docker.io/nicolaka/netshoot@" + D3), true);
  }

  @AfterAll
  static void closeIndex() {
    if (index != null) {
      index.close();
    }
    if (operator != null) {
      operator.close();
    }
  }

  /** "namespace/Kind/name" with the logical namespace name. */
  private static List<String> names(List<Workload> workloads) {
    return workloads.stream().map(w -> logical(w.namespace()) + "/" + w.kind() + "/" + w.name()).toList();
  }

  private static String logical(String namespace) {
    return NS.entrySet().stream().filter(e -> e.getValue().equals(namespace)).map(Map.Entry::getKey)
        .findFirst().orElse(namespace);
  }

  /** The index's namespaces among this test's, by logical name (other tests' namespaces ignored). */
  private static Set<String> namespaces(WorkloadIndex in, LabelSelector selector) {
    return in.namespaces(selector).stream().filter(all::contains).map(WorkloadIndexTest::logical)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Workload> workloads(WorkloadIndex in, Set<String> logicalNamespaces, LabelSelector selector) {
    return in.workloads(logicalNamespaces.stream().map(n -> NS.getOrDefault(n, n)).collect(Collectors.toSet()),
        selector);
  }

  private static List<Workload> workloads(LabelSelector selector) {
    return workloads(index, NS.keySet(), selector);
  }

  private static List<String> images(WorkloadKind kind, String logicalNamespace, String name) {
    return images(index, kind, logicalNamespace, name);
  }

  private static List<String> images(WorkloadIndex in, WorkloadKind kind, String logicalNamespace, String name) {
    Workload workload = in.workload(kind, ns(logicalNamespace), name).orElseThrow();
    return in.images(workload).stream()
        .map(i -> i.containerType() + " " + i.container() + " " + i.reference() + " " + i.imagePullPolicy()
            + " " + i.digest())
        .toList();
  }

  private static LabelSelector expressions(String... keyOperatorValues) {
    LabelSelectorBuilder builder = new LabelSelectorBuilder();
    for (String text : keyOperatorValues) {
      String[] parts = text.split(" ");
      builder.addNewMatchExpression().withKey(parts[0]).withOperator(parts[1])
          .withValues(parts.length > 2 ? List.of(parts[2].split(",")) : List.of()).endMatchExpression();
    }
    return builder.build();
  }

  @Test
  void indexHasSyncedAfterStart() {
    assertTrue(index.hasSynced());
  }

  @Test
  void everyWorkloadOfItsOwnInSortedOrderWithoutCronJobJobsControlledPodsOrBareReplicaSets() {
    assertEquals(List.of(
            "other/StatefulSet/cache",
            "payments/Deployment/api",
            "payments/CronJob/settle",
            "sandbox/Deployment/web",
            "sandbox/Pod/scratch",
            "shop/Deployment/web",
            "shop/StatefulSet/db",
            "shop/DaemonSet/agent",
            "shop/DaemonSet/logger",
            "shop/CronJob/nightly",
            "shop/Job/seed",
            "shop/Pod/debug"),
        names(workloads(null)));
  }

  @Test
  void workloadsOnlyFromTheNamespacesAsked() {
    assertEquals(List.of("payments/Deployment/api", "payments/CronJob/settle"),
        names(workloads(index, Set.of("payments", "missing"), null)));
  }

  @Test
  void workloadSelectorWithInMatchesWorkloadLabelsNotPodLabels() {
    assertEquals(List.of("sandbox/Deployment/web", "sandbox/Pod/scratch", "shop/Deployment/web"),
        names(workloads(expressions("app In web"))));
  }

  @Test
  void workloadSelectorWithExistsAndNotIn() {
    assertEquals(List.of("other/StatefulSet/cache", "shop/Deployment/web"),
        names(workloads(expressions("tier Exists", "app NotIn api"))));
  }

  @Test
  void workloadSelectorWithMatchLabelsAndDoesNotExist() {
    LabelSelector selector = expressions("tier DoesNotExist");
    selector.setMatchLabels(Map.of("app", "web"));
    assertEquals(List.of("sandbox/Deployment/web", "sandbox/Pod/scratch"), names(workloads(selector)));
  }

  @Test
  void invalidWorkloadSelectorIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> workloads(expressions("app In")));
    assertEquals("invalid label selector: operator In on key \"app\" needs values", e.getMessage());
  }

  @Test
  void namespacesBySelector() {
    assertEquals(all, index.namespaces(null), "only the watched ones");
    assertEquals(Set.of("other", "payments", "sandbox", "shop"), namespaces(index, null));
    assertEquals(Set.of("payments", "shop"),
        namespaces(index, new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod")).build()));
    assertEquals(Set.of("other", "sandbox"), namespaces(index, expressions("env NotIn prod")));
    assertEquals(Set.of("other"), namespaces(index, expressions("env DoesNotExist")));
    assertEquals(Set.of("payments", "sandbox", "shop"), namespaces(index, expressions("env In dev,prod")));
  }

  @Test
  void workloadLookupFindsOnlyWorkloadsOfTheirOwn() {
    assertTrue(index.workload(WorkloadKind.Job, ns("shop"), "seed").isPresent());
    assertFalse(index.workload(WorkloadKind.Job, ns("payments"), "settle-1").isPresent(), "owned by a CronJob");
    assertFalse(index.workload(WorkloadKind.Pod, ns("shop"), "web-10-a").isPresent(), "owned by a ReplicaSet");
    assertFalse(index.workload(WorkloadKind.Deployment, ns("shop"), "nope").isPresent());
  }

  @Test
  void deploymentMidRolloutRunsWhatMostReadyPodsOfTheNewestReplicaSetRun() {
    // Revision 10 beats 9 (numbers, not text); its one ready pod runs D2, two unready ones D3;
    // the old ReplicaSet's ready pods (D1) do not count.
    assertEquals(List.of(
            "Container app " + WEB_2 + " IfNotPresent " + D2,
            "InitContainer migrate " + MIGRATE_2 + " IfNotPresent " + D4),
        images(WorkloadKind.Deployment, "shop", "web"));
  }

  @Test
  void statefulSetRunsWhatPodsOfTheUpdateRevisionRun() {
    assertEquals(List.of("Container app postgres:16 IfNotPresent " + D5),
        images(WorkloadKind.StatefulSet, "shop", "db"));
  }

  @Test
  void statefulSetWithoutStatusHasNoCurrentPodsYet() {
    assertEquals(List.of("Container app redis:7 IfNotPresent null"), images(WorkloadKind.StatefulSet, "other", "cache"));
  }

  @Test
  void daemonSetCountsPodsOfTheCurrentTemplateGeneration() {
    assertEquals(List.of("Container app fluent/fluent-bit:3.1 IfNotPresent " + D6),
        images(WorkloadKind.DaemonSet, "shop", "logger"));
  }

  @Test
  void localImageIdsAreUnknownDigestsEvenWhenAnOldPodReportsOne() {
    assertEquals(List.of("Container app registry.example.com/ops/agent:5 IfNotPresent null"),
        images(WorkloadKind.DaemonSet, "shop", "agent"));
  }

  @Test
  void cronJobRunsWhatItsMostRecentlyCreatedJobRan() {
    assertEquals(List.of("Container app registry.example.com/shop/report:1 IfNotPresent " + D2),
        images(WorkloadKind.CronJob, "shop", "nightly"));
  }

  @Test
  void jobRunsWhatItsPodsRan() {
    assertEquals(List.of("Container app registry.example.com/shop/seed:1 IfNotPresent " + D3),
        images(WorkloadKind.Job, "shop", "seed"));
  }

  @Test
  void barePodReportsContainersInitAndEphemeralContainers() {
    assertEquals(List.of(
            "Container shell busybox:1.36 Always " + D1,
            "InitContainer setup busybox:1.36 IfNotPresent " + D2,
            "EphemeralContainer probe nicolaka/netshoot:v0.13 IfNotPresent " + D3),
        images(WorkloadKind.Pod, "shop", "debug"));
  }

  @Test
  void withoutPodsTheDigestIsUnknownAndPullPolicyDefaultsLikeTheApiServer() {
    assertEquals(List.of(
            "Container app registry.example.com/payments/api:3.1 IfNotPresent null",
            "Container sidecar envoyproxy/envoy Always null"),
        images(WorkloadKind.Deployment, "payments", "api"));
  }

  @Test
  void podNotStartedYetHasNoDigest() {
    assertEquals(List.of("Container app nginx:1.27 IfNotPresent null"), images(WorkloadKind.Pod, "sandbox", "scratch"));
  }

  @Test
  void cachedObjectsLoseManagedFieldsAndLastAppliedConfiguration() {
    Deployment onServer = admin.apps().deployments().inNamespace(ns("shop")).withName("web").get();
    assertTrue(onServer.getMetadata().getManagedFields().stream().anyMatch(f -> "kubectl".equals(f.getManager())),
        "the server copy has them");
    assertTrue(onServer.getMetadata().getAnnotations().containsKey(LAST_APPLIED));

    Workload cached = index.workload(WorkloadKind.Deployment, ns("shop"), "web").orElseThrow();
    assertTrue(cached.resource().getMetadata().getManagedFields() == null
        || cached.resource().getMetadata().getManagedFields().isEmpty());
    assertEquals(Map.of("owner", "team-shop"), cached.resource().getMetadata().getAnnotations());
    assertEquals(Map.of("app", "web", "tier", "front"), cached.resource().getMetadata().getLabels());
  }

  @Test
  void cachesThatKeepOnlyTheFieldsReadAnswerAsCachesOfWholeObjectsDo() {
    WorkloadChecks checks = new WorkloadChecks();
    try (WorkloadIndex whole = new WorkloadIndex(operator, all, CacheTrimming.Mode.NONE, null)) {
      whole.startAndAwaitSync(Duration.ofSeconds(60));
      List<Workload> trimmedWorkloads = workloads(null);
      assertEquals(names(workloads(whole, NS.keySet(), null)), names(trimmedWorkloads));
      int containers = 0;
      for (Workload w : trimmedWorkloads) {
        Workload untrimmed = whole.workload(w.kind(), w.namespace(), w.name()).orElseThrow();
        assertEquals(describe(whole.images(untrimmed)), describe(index.images(w)),
            "images and digests of " + w.kind() + " " + w.name());
        for (ContainerImage c : index.images(w)) {
          assertEquals(findings(checks, untrimmed, c), findings(checks, w, c),
              "check findings of " + w.kind() + " " + w.name() + " " + c.container());
          containers++;
        }
      }
      assertTrue(containers >= 15, "most of the test's containers compared: " + containers);
    }
  }

  private static List<String> describe(List<ContainerImage> images) {
    return images.stream().map(i -> i.workload().kind() + " " + i.workload().uid() + " " + i.containerType() + " "
        + i.container() + " " + i.reference() + " " + i.imagePullPolicy() + " " + i.digest()).toList();
  }

  private static List<String> findings(WorkloadChecks checks, Workload workload, ContainerImage container) {
    return checks.run(workload, container.container(), container.containerType(), WorkloadCheckSettings.defaults())
        .stream().map(Serialization::asJson).toList();
  }

  @Test
  void podsOfAControllerKeepOnlyWhatFindsTheirDigestAndBarePodsKeepTheirSpec() {
    String other = ns("other");
    ReplicaSet owner = admin.resource(new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(other).withName("fat").withLabels(Map.of("app", "fat"))
        .withAnnotations(Map.of(CurrentRevisionPods.DEPLOYMENT_REVISION, "3", "team", "other")).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "fat")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "fat")).endMetadata()
        .withSpec(fatSpec()).endTemplate().endSpec().build()).create();
    Pod pod = admin.resource(new PodBuilder()
        .withNewMetadata().withNamespace(other).withName("fat-1")
        .withLabels(Map.of("app", "fat", CurrentRevisionPods.POD_TEMPLATE_GENERATION, "4"))
        .withAnnotations(Map.of("prometheus.io/scrape", "true"))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
            .withName("fat").withUid(owner.getMetadata().getUid()).withController(true).build())
        .endMetadata().withSpec(fatSpec()).build()).create();
    Kubelet.run(admin, pod, Map.of("app", "registry.example.com/shop/fat@" + D1), true);

    KindCache<Pod> pods = index.caches().pods;
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> pods.get(other, "fat-1")
        .filter(p -> !p.getStatus().getContainerStatuses().isEmpty()).isPresent());
    Pod cached = pods.get(other, "fat-1").orElseThrow();
    assertEquals(Map.of(CurrentRevisionPods.POD_TEMPLATE_GENERATION, "4"), cached.getMetadata().getLabels());
    assertTrue(cached.getMetadata().getAnnotations().isEmpty());
    assertTrue(cached.getMetadata().getManagedFields().isEmpty());
    assertEquals(owner.getMetadata().getUid(), ControllerRefs.controllerOf(cached).getUid());
    assertTrue(cached.getMetadata().getResourceVersion() != null, "the informer compares resourceVersions");
    Container app = cached.getSpec().getContainers().get(0);
    assertEquals(List.of("app registry.example.com/shop/fat:1 Always"),
        cached.getSpec().getContainers().stream()
            .map(c -> c.getName() + " " + c.getImage() + " " + c.getImagePullPolicy()).toList());
    assertTrue(app.getEnv().isEmpty() && app.getPorts().isEmpty() && app.getVolumeMounts().isEmpty());
    assertEquals(null, app.getLivenessProbe());
    assertEquals(null, app.getSecurityContext());
    assertEquals(null, app.getResources());
    assertTrue(cached.getSpec().getVolumes().isEmpty());
    assertEquals(null, cached.getSpec().getServiceAccountName());
    assertEquals(List.of("Ready True"),
        cached.getStatus().getConditions().stream().map(c -> c.getType() + " " + c.getStatus()).toList());
    assertEquals(List.of("app registry.example.com/shop/fat@" + D1),
        cached.getStatus().getContainerStatuses().stream().map(s -> s.getName() + " " + s.getImageID()).toList());
    assertEquals(null, cached.getStatus().getPhase());
    assertEquals(null, cached.getStatus().getContainerStatuses().get(0).getState());

    ReplicaSet cachedOwner = index.caches().replicaSets.get(other, "fat").orElseThrow();
    assertEquals(Map.of(CurrentRevisionPods.DEPLOYMENT_REVISION, "3"), cachedOwner.getMetadata().getAnnotations());
    assertEquals(null, cachedOwner.getSpec().getTemplate());

    // A bare pod is a workload: checks read all of its spec.
    Pod debug = index.caches().pods.get(ns("shop"), "debug").orElseThrow();
    assertEquals(admin.pods().inNamespace(ns("shop")).withName("debug").get().getSpec(), debug.getSpec());
  }

  /** A template with what real ones carry: env, ports, probes, resources, mounts, volumes. */
  private static PodSpec fatSpec() {
    return new PodSpecBuilder().withServiceAccountName("fat")
        .addNewContainer().withName("app").withImage("registry.example.com/shop/fat:1").withImagePullPolicy("Always")
        .addNewEnv().withName("LOG_LEVEL").withValue("debug").endEnv()
        .addNewPort().withContainerPort(8080).endPort()
        .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString(8080)).endHttpGet()
        .endLivenessProbe()
        .withNewResources().withLimits(Map.of("memory", new Quantity("128Mi"))).endResources()
        .withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .build();
  }

  @Test
  void indexOverANamespaceSetAnswersOnlyForThoseNamespaces() {
    try (WorkloadIndex scoped = new WorkloadIndex(operator, Set.of(ns("sandbox"), ns("shop")))) {
      scoped.startAndAwaitSync(Duration.ofSeconds(60));
      assertEquals(Set.of(ns("sandbox"), ns("shop")), scoped.namespaces(null));
      assertEquals(Set.of("shop"),
          namespaces(scoped, new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod")).build()));
      assertEquals(List.of("sandbox/Deployment/web", "sandbox/Pod/scratch"),
          names(workloads(scoped, Set.of("payments", "sandbox"), null)));
      Workload web = scoped.workload(WorkloadKind.Deployment, ns("shop"), "web").orElseThrow();
      assertEquals(D2, scoped.images(web).get(0).digest());
    }
  }

  @Test
  void indexOverAllNamespacesAnswersTheSameForTheseNamespaces() {
    // Other test classes' objects share this API server: only this test's namespaces are compared.
    try (WorkloadIndex cluster = new WorkloadIndex(operator)) {
      cluster.startAndAwaitSync(Duration.ofSeconds(60));
      assertEquals(Set.of("other", "payments", "sandbox", "shop"), namespaces(cluster, null));
      assertEquals(names(workloads(null)), names(workloads(cluster, NS.keySet(), null)));
      assertEquals(images(WorkloadKind.Deployment, "shop", "web"),
          images(cluster, WorkloadKind.Deployment, "shop", "web"));
      assertEquals(images(WorkloadKind.DaemonSet, "shop", "logger"),
          images(cluster, WorkloadKind.DaemonSet, "shop", "logger"));
    }
  }
}
