package dev.vigil.image.checks;

import static dev.vigil.image.checks.CheckHarness.config;
import static dev.vigil.image.checks.CheckHarness.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.image.ImageConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks that read only the image config: VIG-IMG-011 .. 015 and 017. */
class ConfigChecksTest {

  private static final String REMOTE_ADD = "VIG-IMG-011";
  private static final String LABELS = "VIG-IMG-012";
  private static final String PORTS = "VIG-IMG-013";
  private static final String HEALTHCHECK = "VIG-IMG-014";
  private static final String AGE = "VIG-IMG-015";
  private static final String VOLUMES = "VIG-IMG-017";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ImageConfig withHistory(String... createdBy) throws IOException {
    List<Map<String, String>> steps =
        Arrays.stream(createdBy).map(c -> Map.of("created_by", c)).toList();
    return config(JSON.writeValueAsString(Map.of("history", steps)));
  }

  private static ImageCheckSettings settings(
      List<String> labels, Duration maxAge, Set<Integer> ports) {
    ImageCheckSettings d = ImageCheckSettings.defaults();
    return new ImageCheckSettings(
        d.excludedIds(), d.severityOverrides(), labels, maxAge, ports, d.forbiddenBinaries());
  }

  @Test
  void addFromUrlFiresWithCredentialsRedacted() throws IOException {
    ImageConfig config =
        withHistory(
            "/bin/sh -c #(nop) ADD"
                + " file:c6c23585ab140b0b320d4e99bc1b0eb544c9e96c24d90fec5e069a6d57d335ca in / ",
            "ADD https://example.com/app.tar.gz /opt/ # buildkit",
            "ADD [\"https://example.com/tool\", \"/usr/local/bin/tool\"] # buildkit",
            "/bin/sh -c #(nop) ADD https://ci:pa55@files.example.com/x.tgz in /tmp");
    assertEquals(
        List.of(
            "history[1]: ADD https://example.com/app.tar.gz /opt/ # buildkit",
            "history[2]: ADD [\"https://example.com/tool\", \"/usr/local/bin/tool\"] # buildkit",
            "history[3]: /bin/sh -c #(nop) ADD https://ci:<redacted>@files.example.com/x.tgz in"
                + " /tmp"),
        evidence(REMOTE_ADD, config, TestImageFiles.empty()));
  }

  @Test
  void addWithChecksumLocalAddAndCurlDoNotFire() throws IOException {
    ImageConfig config =
        withHistory(
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d"
                + " https://example.com/app.tar.gz /opt/ # buildkit",
            "ADD app.tar.gz /opt/ # buildkit",
            "COPY https.conf /etc/ # buildkit",
            "RUN /bin/sh -c curl -fsSLo /tmp/x https://example.com/x # buildkit");
    assertEquals(List.of(), evidence(REMOTE_ADD, config, TestImageFiles.empty()));
  }

  @Test
  void missingAndEmptyRequiredLabelsFire() {
    ImageConfig config =
        config(
            "{\"config\":{\"Labels\":{\"org.opencontainers.image.source\":\"https://github.com/acme/app\",\"org.opencontainers.image.revision\":\""
                + " \"}}}");
    ImageCheckSettings s =
        settings(
            List.of(
                "org.opencontainers.image.source",
                "org.opencontainers.image.revision",
                "org.opencontainers.image.version"),
            null,
            Set.of());
    assertEquals(
        List.of(
            "org.opencontainers.image.revision (empty)",
            "org.opencontainers.image.version (missing)"),
        evidence(LABELS, config, TestImageFiles.empty(), s));
  }

  @Test
  void labelsAreNotRequiredByDefault() {
    assertEquals(List.of(), evidence(LABELS, config("{}"), TestImageFiles.empty()));
  }

  @Test
  void forbiddenPortsFireIncludingRangesAndBarePorts() {
    ImageConfig config =
        config(
            "{\"config\":{\"ExposedPorts\":{\"8080/tcp\":{},\"22/tcp\":{},\"23\":{},\"2222/tcp\":{},"
                + "\"20-25/udp\":{},\"http\":{}}}}");
    assertEquals(
        List.of("20-25/udp", "22/tcp", "23"), evidence(PORTS, config, TestImageFiles.empty()));
    assertEquals(
        List.of("2222/tcp"),
        evidence(PORTS, config, TestImageFiles.empty(), settings(List.of(), null, Set.of(2222))));
  }

  @Test
  void allowedPortsDoNotFire() {
    ImageConfig config = config("{\"config\":{\"ExposedPorts\":{\"80/tcp\":{},\"443/tcp\":{}}}}");
    assertEquals(List.of(), evidence(PORTS, config, TestImageFiles.empty()));
  }

  @Test
  void missingOrDisabledHealthcheckFires() {
    assertEquals(
        List.of("no HEALTHCHECK in the image config"),
        evidence(HEALTHCHECK, config("{\"config\":{}}"), TestImageFiles.empty()));
    assertEquals(
        List.of("no HEALTHCHECK in the image config"),
        evidence(
            HEALTHCHECK,
            config("{\"config\":{\"Healthcheck\":{\"Test\":[]}}}"),
            TestImageFiles.empty()));
    assertEquals(
        List.of("HEALTHCHECK NONE disables health checking"),
        evidence(
            HEALTHCHECK,
            config("{\"config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}"),
            TestImageFiles.empty()));
  }

  @Test
  void definedHealthcheckDoesNotFire() {
    ImageConfig config =
        config("{\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"/app/healthz\"]}}}");
    assertEquals(List.of(), evidence(HEALTHCHECK, config, TestImageFiles.empty()));
  }

  @Test
  void imageOlderThanMaxAgeFires() {
    // The harness clock is 2026-06-01T00:00:00Z.
    ImageConfig config = config("{\"created\":\"2025-01-01T00:00:00Z\"}");
    assertEquals(
        List.of("created 2025-01-01T00:00:00Z, 516 days ago (maximum 365 days)"),
        evidence(AGE, config, TestImageFiles.empty()));
    assertEquals(
        List.of("created 2025-01-01T00:00:00Z, 516 days ago (maximum PT2H)"),
        evidence(
            AGE,
            config,
            TestImageFiles.empty(),
            settings(List.of(), Duration.ofHours(2), Set.of())));
  }

  @Test
  void youngMissingPlaceholderAndFutureDatesDoNotFire() {
    for (String created :
        List.of(
            "\"2026-05-01T00:00:00Z\"",
            "null",
            "\"1970-01-01T00:00:00Z\"",
            "\"1970-01-01T00:00:01Z\"",
            "\"0001-01-01T00:00:00Z\"",
            "\"2027-01-01T00:00:00Z\"")) {
      assertEquals(
          List.of(),
          evidence(AGE, config("{\"created\":" + created + "}"), TestImageFiles.empty()),
          created);
    }
  }

  @Test
  void noMaxAgeMeansNoAgeCheck() {
    ImageConfig config = config("{\"created\":\"2015-01-01T00:00:00Z\"}");
    assertEquals(
        List.of(),
        evidence(AGE, config, TestImageFiles.empty(), settings(List.of(), null, Set.of())));
  }

  @Test
  void sensitiveVolumesFire() {
    ImageConfig config =
        config(
            "{\"config\":{\"Volumes\":{\"/data\":{},\"/var/run/docker.sock\":{},\"/proc/sys/\":{},"
                + "\"/\":{},\"/sys\":{},\"/devices\":{},\"//var//lib//kubelet\":{}}}}");
    assertEquals(
        List.of("/", "//var//lib//kubelet", "/proc/sys/", "/sys", "/var/run/docker.sock"),
        evidence(VOLUMES, config, TestImageFiles.empty()));
  }

  @Test
  void applicationVolumesDoNotFire() {
    ImageConfig config =
        config(
            "{\"config\":{\"Volumes\":{\"/data\":{},\"/var/lib/postgresql/data\":{},\"/devices\":{}}}}");
    assertEquals(List.of(), evidence(VOLUMES, config, TestImageFiles.empty()));
  }
}
