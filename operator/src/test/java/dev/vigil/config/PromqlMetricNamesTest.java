package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromqlMetricNamesTest {

  @Test
  void findsSelectedMetricsAndSkipsFunctionsLabelsStringsRangesAndKeywords() {
    assertEquals(
        Set.of("vigil_scans_total"),
        PromqlMetricNames.of(
            "sum(rate(vigil_scans_total{result=\"failure\"}[30m]))"
                + " / sum(rate(vigil_scans_total{result=~\"success|failure\"}[30m])) > 0.2"));
    assertEquals(
        Set.of("vigil_scan_duration_seconds_bucket"),
        PromqlMetricNames.of(
            "histogram_quantile(0.95, sum by (le) (rate(vigil_scan_duration_seconds_bucket"
                + "[$__rate_interval])))"));
    assertEquals(Set.of("up"), PromqlMetricNames.of("absent(up{job=\"vigil\"} == 1)"));
    assertEquals(
        Set.of("a_metric", "b:recorded"),
        PromqlMetricNames.of(
            "a_metric * on (namespace) group_left (workload) b:recorded or vector(1e3) unless"
                + " bool"));
    assertEquals(Set.of("x"), PromqlMetricNames.of("sum without (pod, instance) (x offset 5m)"));
  }

  @Test
  void grafanaLabelValuesQuerySelectsOnlyItsMetric() {
    assertEquals(
        Set.of("vigil_image_vulnerabilities"),
        PromqlMetricNames.ofGrafanaVariableQuery(
            "label_values(vigil_image_vulnerabilities{severity=\"High\"}, namespace)"));
  }
}
