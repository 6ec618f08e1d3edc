package dev.vigil.api;

import static dev.vigil.api.ManifestFiles.assertContains;
import static dev.vigil.api.ManifestFiles.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testsupport.KubeApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped samples as a real kube-apiserver stores, defaults and prints them. */
class SamplesOnApiServerTest {

  private static final Map<String, Class<? extends CustomResource<?, ?>>> TYPES = Map.of(
      "ImagePolicy", ImagePolicy.class, "ScanSchedule", ScanSchedule.class, "ImageReport", ImageReport.class);

  static Stream<Path> samples() {
    return ManifestFiles.yamlFiles(ManifestFiles.samplesDir()).stream();
  }

  @Test
  void everyRequiredSampleExists() {
    List<String> kinds = samples().map(ManifestFiles::readTree)
        .map(n -> n.path("kind").asText() + "@" + n.path("metadata").path("namespace").asText())
        .toList();
    assertTrue(kinds.contains("ImagePolicy@vigil-system"), "a default policy in the operator namespace");
    assertTrue(kinds.stream().filter(k -> k.startsWith("ImagePolicy@")).count() >= 2, "a team policy");
    assertTrue(kinds.stream().anyMatch(k -> k.startsWith("ScanSchedule@")), "a schedule");
    assertTrue(kinds.stream().anyMatch(k -> k.startsWith("ImageReport@")), "a report");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleIsStoredWithEveryFieldItSetsAndReadsBackIntoTheApiClasses(Path sample) {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("sample");
    GenericKubernetesResource manifest = ManifestFiles.read(sample, ns);

    GenericKubernetesResource stored = ManifestFiles.apply(api.admin(), manifest);

    JsonNode written = tree(manifest);
    JsonNode kept = tree(stored);
    for (String part : List.of("spec", "status")) {
      if (written.has(part)) {
        assertContains(written.get(part), kept.get(part), part);
      }
    }
    assertContains(written.at("/metadata/labels"), kept.at("/metadata/labels"), "metadata.labels");
    if (written.at("/metadata/ownerReferences").isArray()) {
      assertContains(written.at("/metadata/ownerReferences"), kept.at("/metadata/ownerReferences"),
          "metadata.ownerReferences");
    }
    CustomResource<?, ?> typed = api.admin().resources(TYPES.get(manifest.getKind())).inNamespace(ns)
        .withName(manifest.getMetadata().getName()).get();
    JsonNode asTheOperatorReadsIt = tree(typed);
    for (String part : List.of("spec", "status")) {
      if (written.has(part)) {
        assertContains(written.get(part), asTheOperatorReadsIt.get(part), "typed " + part);
      }
    }
  }

  @Test
  void serverFillsInTheDefaultsTheDefaultPolicySampleLeavesOut() {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("sample-defaults");
    JsonNode spec = tree(ManifestFiles.apply(api.admin(),
        ManifestFiles.read(ManifestFiles.samplesDir().resolve("imagepolicy-default.yaml"), ns))).get("spec");

    assertEquals("Digest", spec.at("/updates/strategy").asText());
    assertEquals("Auto", spec.at("/updates/method").asText());
    assertEquals(1, spec.at("/updates/maxConcurrentRollouts").asInt());
    assertTrue(spec.at("/updates/require/signature").asBoolean(false));
    assertTrue(spec.at("/updates/require/noNewVulnerabilities").asBoolean(false));
    assertTrue(spec.at("/updates/rollback/onFailure").asBoolean(false));
    assertEquals(600, spec.at("/updates/rollback/progressDeadlineSeconds").asInt());
    assertFalse(spec.at("/signatures/authorities/0/requireTransparencyLog").asBoolean(true));
    assertTrue(spec.at("/signatures/authorities/0/requireTransparencyLog").isBoolean());
  }

  @Test
  void emptyPolicyIsStoredWithTheDefaultsTheOperatorAssumes() {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("empty-policy");
    GenericKubernetesResource empty = new GenericKubernetesResource();
    empty.setApiVersion(ImagePolicy.GROUP + "/" + ImagePolicy.VERSION);
    empty.setKind("ImagePolicy");
    empty.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("empty").withNamespace(ns)
        .build());
    empty.setAdditionalProperty("spec", Map.of());

    JsonNode spec = tree(ManifestFiles.apply(api.admin(), empty)).get("spec");

    assertEquals("High", spec.at("/vulnerabilities/failOn").asText());
    assertEquals("Off", spec.at("/signatures/mode").asText());
    assertEquals("Off", spec.at("/updates/mode").asText());
    // Every scalar the Java defaults set, the server sets alike: kubectl, the printer columns and
    // any other client see the policy the operator enforces.
    assertScalarsEqual(tree(new ImagePolicySpec()), spec, "spec");
  }

  @Test
  void scheduleWithOnlyAnIntervalIsStoredWithTheDefaultsTheOperatorAssumes() {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("interval-schedule");
    GenericKubernetesResource schedule = new GenericKubernetesResource();
    schedule.setApiVersion(ImagePolicy.GROUP + "/" + ImagePolicy.VERSION);
    schedule.setKind("ScanSchedule");
    schedule.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("hourly")
        .withNamespace(ns).build());
    schedule.setAdditionalProperty("spec", Map.of("interval", "1h"));

    JsonNode spec = tree(ManifestFiles.apply(api.admin(), schedule)).get("spec");

    assertEquals("UTC", spec.path("timeZone").asText());
    assertScalarsEqual(tree(new ScanScheduleSpec()), spec, "spec");
  }

  @Test
  void printerColumnsOfEveryCrdShowTheSamplesValues() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("printer-columns");
    KubernetesClient admin = api.admin();
    for (String file : List.of("imagepolicy-default.yaml", "scanschedule-every-6h.yaml", "imagereport-example.yaml")) {
      ManifestFiles.apply(admin, ManifestFiles.read(ManifestFiles.samplesDir().resolve(file), ns));
    }
    Instant lastRun = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
    Clock clock = Clock.fixed(lastRun, ZoneOffset.UTC);
    // Policies and schedules get their status from the operator, not from the samples.
    admin.resources(ImagePolicy.class).inNamespace(ns).withName("default").editStatus(p -> {
      ImagePolicyStatus status = new ImagePolicyStatus();
      status.matchedWorkloads = 3;
      Conditions.set(status, Conditions.READY, Conditions.TRUE, "Valid", "", 1L, clock);
      p.setStatus(status);
      return p;
    });
    admin.resources(ScanSchedule.class).inNamespace(ns).withName("every-6h").editStatus(s -> {
      ScanScheduleStatus status = new ScanScheduleStatus();
      status.lastScheduleTime = lastRun.toString();
      status.nextScheduleTime = lastRun.plus(6, ChronoUnit.HOURS).toString();
      Conditions.set(status, Conditions.READY, Conditions.TRUE, "Scheduled", "", 1L, clock);
      s.setStatus(status);
      return s;
    });

    Map<String, String> report = onlyRow(api.kubectl("get", "imagereports", "-n", ns));
    assertEquals("deployment-web-nginx", report.get("NAME"));
    assertEquals("registry.example.com/payments/web:1.4", report.get("IMAGE"));
    assertEquals("4bcb4e5bb9e1", report.get("DIGEST"));
    assertEquals("1", report.get("CRITICAL"));
    assertEquals("1", report.get("HIGH"));
    assertEquals("Verified", report.get("SIGNED"));
    assertEquals("false", report.get("COMPLIANT"));
    assertEquals("Waiting", report.get("UPDATE"));
    assertEveryDeclaredColumnHasAValue("imagereports.vigil.dev", report);

    Map<String, String> policy = onlyRow(api.kubectl("get", "imagepolicies", "-n", ns));
    assertEquals("True", policy.get("READY"));
    assertEquals("3", policy.get("WORKLOADS"));
    assertEquals("Critical", policy.get("FAILON"));
    assertEquals("Audit", policy.get("SIGNATURES"));
    assertEquals("Notify", policy.get("UPDATES"));
    assertEveryDeclaredColumnHasAValue("imagepolicies.vigil.dev", policy);

    Map<String, String> schedule = onlyRow(api.kubectl("get", "scanschedules", "-n", ns));
    assertEquals("0 */6 * * *", schedule.get("SCHEDULE"));
    assertEquals("false", schedule.get("SUSPEND"));
    assertEquals(lastRun.plus(6, ChronoUnit.HOURS).toString(), schedule.get("NEXT"));
    assertTrue(schedule.get("LAST").matches("\\d+m"), "a date column shows the time since: " + schedule);
    assertEquals("True", schedule.get("READY"));
    assertEquals("", schedule.get("INTERVAL"), "the sample has a schedule, not an interval");
    List<String> others = new ArrayList<>(schedule.keySet());
    others.remove("INTERVAL");
    assertEveryDeclaredColumnHasAValue("scanschedules.vigil.dev", schedule, others);
  }

  @Test
  void shortNamesReachTheSameObjects() throws Exception {
    KubeApi api = KubeApi.shared().withCrds();
    String ns = api.createNamespace("short-names");
    for (Path sample : samples().toList()) {
      ManifestFiles.apply(api.admin(), ManifestFiles.read(sample, ns));
    }
    assertTrue(api.kubectl("get", "ipol", "-n", ns, "-o", "name").contains("imagepolicy.vigil.dev/default"));
    assertTrue(api.kubectl("get", "ssched", "-n", ns, "-o", "name").contains("scanschedule.vigil.dev/every-6h"));
    assertTrue(api.kubectl("get", "imgrep", "-n", ns, "-o", "name")
        .contains("imagereport.vigil.dev/deployment-web-nginx"));
  }

  /** Scalars set in {@code expected} (the Java defaults) have the same value in {@code actual}. */
  private static void assertScalarsEqual(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode value = f.getValue();
        if (value.isNumber()) {
          JsonNode stored = actual.get(f.getKey());
          assertTrue(stored != null && stored.isNumber() && value.decimalValue().compareTo(stored.decimalValue()) == 0,
              path + "." + f.getKey() + " is stored as " + stored + ", not " + value);
        } else if (value.isValueNode()) {
          assertEquals(value, actual.get(f.getKey()), path + "." + f.getKey() + " as stored");
        } else if (value.isObject()) {
          JsonNode sub = actual.get(f.getKey());
          if (containsScalar(value)) {
            assertNotNull(sub, path + "." + f.getKey() + " is not stored, so its defaults are missing");
            assertScalarsEqual(value, sub, path + "." + f.getKey());
          }
        }
      }
    }
  }

  private static boolean containsScalar(JsonNode node) {
    if (node.isValueNode()) {
      return true;
    }
    if (node.isObject()) {
      Iterator<JsonNode> values = node.elements();
      while (values.hasNext()) {
        if (containsScalar(values.next())) {
          return true;
        }
      }
    }
    return false;
  }

  private static void assertEveryDeclaredColumnHasAValue(String crd, Map<String, String> row) {
    assertEveryDeclaredColumnHasAValue(crd, row, new ArrayList<>(row.keySet()));
  }

  private static void assertEveryDeclaredColumnHasAValue(String crd, Map<String, String> row, List<String> check) {
    CustomResourceDefinition definition = KubeApi.committedCrds().stream()
        .filter(c -> c.getMetadata().getName().equals(crd)).findFirst().orElseThrow();
    List<CustomResourceColumnDefinition> columns =
        definition.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertFalse(columns.isEmpty(), crd + " declares printer columns");
    for (CustomResourceColumnDefinition column : columns) {
      String header = column.getName().toUpperCase(Locale.ROOT);
      assertTrue(row.containsKey(header), crd + ": kubectl shows no column " + header + " in " + row.keySet());
      if (check.contains(header)) {
        assertFalse(row.get(header).isBlank(), crd + ": column " + header + " (" + column.getJsonPath()
            + ") is empty in " + row);
      }
    }
  }

  /** kubectl's table with one object: header to cell, cells cut at the header's column starts. */
  static Map<String, String> onlyRow(String table) {
    List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(2, lines.size(), "one object expected:\n" + table);
    String header = lines.get(0);
    String row = lines.get(1);
    List<String> names = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(header);
    while (m.find()) {
      names.add(m.group());
      starts.add(m.start());
    }
    Map<String, String> cells = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(starts.get(i), row.length());
      int to = i + 1 < starts.size() ? Math.min(starts.get(i + 1), row.length()) : row.length();
      cells.put(names.get(i), row.substring(from, to).trim());
    }
    return cells;
  }
}
