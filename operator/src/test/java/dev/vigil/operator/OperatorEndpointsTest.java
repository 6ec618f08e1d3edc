package dev.vigil.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.ImagePolicy;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.testsupport.KubeApi;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.RunningOperator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /healthz, /readyz and /metrics of an operator running as the read-only install's ServiceAccount. */
class OperatorEndpointsTest {

  static KubernetesClient client;
  static RunningOperator operator;
  static String opNs;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    client = api.admin();
    opNs = new ClusterFixture(api).namespace("vigil-endpoints", Map.of());
    OperatorInstall install = OperatorInstall.apply(api, opNs, OperatorInstall.Overlay.DEFAULT);
    operator = RunningOperator.in(install).scan(RunningOperator.scanSettings("none", Set.of(opNs))).start();
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  @Test
  void livenessAndReadinessAnswerOkOnceInformersAreSynced() throws Exception {
    assertTrue(operator.operator().isReady());
    assertEquals(200, get("/healthz").statusCode());
    HttpResponse<String> ready = get("/readyz");
    assertEquals(200, ready.statusCode());
    assertEquals("ok\n", ready.body());
    assertEquals(404, get("/nothing-here").statusCode());
  }

  @Test
  void metricsHaveJvmAndReconcileSeriesWithoutPerResourceLabels() throws Exception {
    ImagePolicy p = new ImagePolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("metrics-probe").withNamespace(opNs).build());
    p.setSpec(new ImagePolicySpec());
    client.resource(p).create();
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        get("/metrics").body().contains("operator_sdk_reconciliations_success_total"));

    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String body = metrics.body();
    assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(body.contains("process_uptime_seconds"), "process metrics");
    assertTrue(!body.contains("metrics-probe"), "no series names a resource: cardinality stays bounded");
  }

  @Test
  void metricsPassPromtoolsLint() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool not installed (.ci/run installs it)");
    Path scrape = Files.createTempFile("vigil-metrics", ".txt");
    Files.writeString(scrape, get("/metrics").body());
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
        .redirectInput(scrape.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Files.delete(scrape);
    // promtool lints names and help texts. Two names come from Micrometer's stock binders and
    // JOSDK's gauges carry no help text; we do not control those. Anything else fails,
    // including a malformed exposition and any lint on our own vigil_* series.
    List<String> thirdParty = List.of("process_cpu_time_ns_total ", "system_cpu_count ");
    List<String> problems = out.lines().filter(l -> !l.isBlank())
        .filter(l -> !(l.startsWith("operator_sdk_") && l.endsWith("no help text")))
        .filter(l -> thirdParty.stream().noneMatch(l::startsWith)).toList();
    assertEquals(List.of(), problems, out);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
