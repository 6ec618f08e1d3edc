package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.metrics.MetricsFixtures;
import dev.vigil.metrics.Promtool;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.OperatorInstall;
import dev.vigil.testsupport.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitoring bundle, the optional kustomize component config/prometheus: the PrometheusRule
 * matches the promtool-tested rule file, the rules and dashboard only query metrics Vigil exports,
 * and config/with-prometheus ships all of it (config/default, for clusters without the Prometheus
 * Operator, none of it).
 */
class MonitoringManifestsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PROMETHEUS = ProjectFiles.root().resolve("config/prometheus");
  private static final Path RULES = PROMETHEUS.resolve("rules");

  private static List<JsonNode> rendered;

  @BeforeAll
  static void renderInstallWithPrometheus() {
    rendered = OperatorInstall.render("config/with-prometheus");
  }

  private static JsonNode renderedOne(String kind) {
    List<JsonNode> found =
        rendered.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertEquals(1, found.size(), "one " + kind + " in config/with-prometheus");
    return found.get(0);
  }

  private static JsonNode plainRuleGroups() throws IOException {
    return YAML.readTree(RULES.resolve("vigil.rules.yaml").toFile()).path("groups");
  }

  /** Every metric name Vigil's own registry exports (sample names, so _bucket etc. too). */
  private static Set<String> exportedNames() {
    Set<String> names = new TreeSet<>();
    MetricsFixtures.populatedRegistry()
        .scrape()
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]", 2)[0])
        .forEach(names::add);
    names.add("up");
    return names;
  }

  @Test
  void prometheusRuleCarriesExactlyTheGroupsOfThePlainRuleFile() throws IOException {
    JsonNode plain = plainRuleGroups();
    assertTrue(plain.size() > 0);

    JsonNode source = YAML.readTree(PROMETHEUS.resolve("prometheus_rule.yaml").toFile());
    assertEquals(plain, source.at("/spec/groups"));
    JsonNode installed = renderedOne("PrometheusRule");
    assertEquals("monitoring.coreos.com/v1", installed.path("apiVersion").asText());
    assertEquals("vigil-system", installed.at("/metadata/namespace").asText());
    assertEquals(plain, installed.at("/spec/groups"));
  }

  @Test
  void promtoolAcceptsTheRuleFile() throws Exception {
    Promtool.Result result = Promtool.run(RULES, null, "check", "rules", "vigil.rules.yaml");

    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("SUCCESS: 8 rules found"), result.output());
  }

  @Test
  void promtoolUnitTestsOfTheAlertsPass() throws Exception {
    Promtool.Result result = Promtool.run(RULES, null, "test", "rules", "vigil.rules.test.yaml");

    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
  }

  @Test
  void everyAlertHasAFiringAndANotFiringUnitTest() throws IOException {
    Set<String> alerts = new TreeSet<>();
    for (JsonNode group : plainRuleGroups()) {
      for (JsonNode rule : group.path("rules")) {
        alerts.add(rule.path("alert").asText());
      }
    }
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode test :
        YAML.readTree(RULES.resolve("vigil.rules.test.yaml").toFile()).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        boolean fires = check.path("exp_alerts").size() > 0;
        (fires ? firing : quiet).add(check.path("alertname").asText());
        for (JsonNode alert : check.path("exp_alerts")) {
          assertFalse(
              alert.path("exp_annotations").path("description").asText().isEmpty(),
              "firing cases pin the annotations: " + check);
        }
      }
    }
    assertEquals(alerts, firing);
    assertEquals(alerts, quiet);
  }

  @Test
  void alertRulesQueryOnlyMetricsVigilExports() throws IOException {
    Set<String> used = new TreeSet<>();
    for (JsonNode group : plainRuleGroups()) {
      for (JsonNode rule : group.path("rules")) {
        used.addAll(PromqlMetricNames.of(rule.path("expr").asText()));
      }
    }

    assertEquals(
        Set.of(
            "up",
            "vigil_image_compliant",
            "vigil_image_signature_verified",
            "vigil_image_update_available",
            "vigil_image_vulnerabilities",
            "vigil_scans_total",
            "vigil_vulndb_age_seconds",
            "vigil_vulndb_records"),
        used);
    assertTrue(exportedNames().containsAll(used), used + " vs " + exportedNames());
  }

  @Test
  void operatorDownAlertUsesTheJobTheServiceMonitorSets() throws IOException {
    JsonNode monitor = renderedOne("ServiceMonitor");
    JsonNode service = renderedOne("Service");
    String job =
        service.at("/metadata/labels").path(monitor.at("/spec/jobLabel").asText()).asText();
    assertEquals("vigil", job);
    assertTrue(
        monitor.at("/spec/endpoints/0/honorLabels").asBoolean(),
        "our namespace and container labels must win over the target's");

    String expr = "";
    for (JsonNode rule : plainRuleGroups().path(0).path("rules")) {
      if ("VigilOperatorDown".equals(rule.path("alert").asText())) {
        expr = rule.path("expr").asText();
      }
    }
    assertEquals("absent(up{job=\"" + job + "\"} == 1)", expr);
  }

  @Test
  void dashboardParsesAndQueriesOnlyMetricsVigilExports() throws IOException {
    JsonNode dashboard = JSON.readTree(PROMETHEUS.resolve("grafana-dashboard.json").toFile());
    Set<String> used = new TreeSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        used.addAll(PromqlMetricNames.of(target.path("expr").asText()));
        queries++;
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if ("query".equals(variable.path("type").asText())) {
        used.addAll(PromqlMetricNames.ofGrafanaVariableQuery(variable.at("/query/query").asText()));
        used.addAll(PromqlMetricNames.ofGrafanaVariableQuery(variable.path("definition").asText()));
      }
    }

    assertTrue(queries >= 20, "panels carry their queries: " + queries);
    assertEquals(
        Set.of(
            "up",
            "vigil_image_compliant",
            "vigil_image_findings",
            "vigil_image_signature_verified",
            "vigil_image_update_available",
            "vigil_image_vulnerabilities",
            "vigil_redeploys_total",
            "vigil_registry_requests_total",
            "vigil_scan_duration_seconds_bucket",
            "vigil_scans_total",
            "vigil_vulndb_age_seconds",
            "vigil_vulndb_load_failures_total",
            "vigil_vulndb_records",
            "vigil_webhook_requests_total"),
        used);
    assertTrue(exportedNames().containsAll(used), used + " vs " + exportedNames());
  }

  @Test
  void defaultInstallShipsNoMonitoringObjects() {
    List<String> kinds = OperatorInstall.render("config/default").stream()
        .filter(d -> d.path("apiVersion").asText().startsWith("monitoring.coreos.com/")
            || "vigil-grafana-dashboard".equals(d.at("/metadata/name").asText()))
        .map(d -> d.path("kind").asText())
        .toList();
    assertEquals(List.of(), kinds, "config/default must apply without the Prometheus Operator's CRDs");
  }

  @Test
  void dashboardIsShippedAsAGrafanaSidecarConfigMap() throws IOException {
    JsonNode map = renderedOne("ConfigMap");
    assertEquals("vigil-grafana-dashboard", map.at("/metadata/name").asText());
    assertEquals("vigil-system", map.at("/metadata/namespace").asText());
    assertEquals("1", map.at("/metadata/labels/grafana_dashboard").asText());
    assertEquals(
        JSON.readTree(Files.readString(PROMETHEUS.resolve("grafana-dashboard.json"))),
        JSON.readTree(map.at("/data/grafana-dashboard.json").asText()));
  }
}
