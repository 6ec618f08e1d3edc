package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ImageConfigTest.class.getResourceAsStream("/image/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static ImageConfig parse(String json) {
    return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesDockerSchema2ConfigFromLegacyBuilder() throws IOException {
    ImageConfig c = ImageConfig.parse(resource("containers-image.schema2-config.json"));

    assertEquals("linux", c.os());
    assertEquals("amd64", c.architecture());
    assertEquals("", c.variant());
    assertEquals(Instant.parse("2016-09-23T23:20:45.789764590Z"), c.created());
    assertEquals("", c.author());
    assertEquals("", c.config().user());
    assertEquals(
        List.of(
            "PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HTTPD_PREFIX=/usr/local/apache2",
            "HTTPD_VERSION=2.4.23",
            "HTTPD_SHA1=5101be34ac4a509b245adb70a56690a84fcc4e7f",
            "HTTPD_BZ2_URL=https://www.apache.org/dyn/closer.cgi?action=download&filename=httpd/httpd-2.4.23.tar.bz2",
            "HTTPD_ASC_URL=https://www.apache.org/dist/httpd/httpd-2.4.23.tar.bz2.asc"),
        c.config().env());
    assertEquals("2.4.23", c.config().environment().get("HTTPD_VERSION"));
    assertEquals(List.of("httpd-foreground"), c.config().cmd());
    assertEquals(List.of(), c.config().entrypoint());
    assertEquals("/usr/local/apache2", c.config().workingDir());
    assertEquals(List.of("80/tcp"), c.config().exposedPorts());
    assertEquals(List.of(), c.config().volumes());
    assertEquals(Map.of(), c.config().labels());
    assertNull(c.config().healthcheck());
    assertEquals("", c.config().stopSignal());
    assertEquals(List.of(), c.config().onBuild());
    assertEquals(
        List.of(
            "sha256:142a601d97936307e75220c35dde0348971a9584c21e7cb42e1f7004005432ab",
            "sha256:90fcc66ad3be9f1757f954b750deb37032f208428aa12599fcb02182b9065a9c",
            "sha256:5a8624bb7e76d1e6829f9c64c43185e02bc07f97a2189eb048609a8914e72c56",
            "sha256:d349ff6b3afc6a2800054768c82bfbf4289c9aa5da55c1290f802943dcd4d1e9",
            "sha256:8c064bb1f60e84fa8cc6079b6d2e76e0423389fd6aeb7e497dfdae5e05b2b25b"),
        c.diffIds());
    assertEquals(15, c.history().size());
    assertEquals(5, c.history().stream().filter(h -> !h.emptyLayer()).count());
    ImageConfig.HistoryEntry first = c.history().get(0);
    assertEquals(Instant.parse("2016-09-23T18:08:50.537223822Z"), first.created());
    assertEquals(
        "/bin/sh -c #(nop) ADD file:c6c23585ab140b0b320d4e99bc1b0eb544c9e96c24d90fec5e069a6d57d335ca in / ",
        first.createdBy());
    assertFalse(first.emptyLayer());
    assertEquals(
        "/bin/sh -c #(nop)  EXPOSE 80/tcp", c.history().get(13).createdBy());
    assertTrue(c.history().get(13).emptyLayer());
  }

  @Test
  void parsesOciSpecExampleConfig() throws IOException {
    ImageConfig c = ImageConfig.parse(resource("image-spec.config.example.json"));

    assertEquals(Instant.parse("2015-10-31T22:22:56.015925234Z"), c.created());
    assertEquals("Alyssa P. Hacker <alyspdev@example.com>", c.author());
    assertEquals("alice", c.config().user());
    assertEquals(List.of("8080/tcp"), c.config().exposedPorts());
    assertEquals(List.of("/bin/my-app-binary"), c.config().entrypoint());
    assertEquals(
        List.of("--foreground", "--config", "/etc/my-app.d/default.cfg"), c.config().cmd());
    assertEquals(List.of("/var/job-result-data", "/var/log/my-app-logs"), c.config().volumes());
    assertEquals("/home/alice", c.config().workingDir());
    assertEquals(
        Map.of(
            "com.example.project.git.url", "https://example.com/project.git",
            "com.example.project.git.commit", "45a939b2999782a3f005621a8d0f29aa387e1d6b"),
        c.config().labels());
    assertEquals("well_written_spec", c.config().environment().get("BAR"));
    assertEquals(2, c.diffIds().size());
    assertEquals(3, c.history().size());
    assertEquals("/bin/sh -c apk add curl", c.history().get(2).createdBy());
    assertFalse(c.history().get(2).emptyLayer());
  }

  @Test
  void parsesBuildkitConfigWithNullOnBuild() throws IOException {
    ImageConfig c = ImageConfig.parse(resource("hello-world-v25.config.json"));

    assertEquals("arm64", c.architecture());
    assertEquals(Instant.parse("2023-05-02T16:49:27Z"), c.created());
    assertEquals(List.of("/hello"), c.config().cmd());
    assertEquals(List.of(), c.config().onBuild());
    assertEquals(
        List.of("sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43"),
        c.diffIds());
    assertEquals(
        new ImageConfig.HistoryEntry(
            Instant.parse("2023-05-02T16:49:27Z"),
            "CMD [\"/hello\"]",
            "",
            "buildkit.dockerfile.v0",
            true),
        c.history().get(1));
  }

  @Test
  void readsVariantHealthcheckStopSignalAndOnBuild() {
    ImageConfig c =
        parse(
            """
            {"architecture":"arm","variant":"v7","os":"linux",
             "config":{"Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost/ || exit 1"],
                                      "Interval":30000000000},
                       "StopSignal":"SIGQUIT","OnBuild":["RUN make"],
                       "ExposedPorts":{"53/udp":{},"22/tcp":{}}}}
            """);
    assertEquals("v7", c.variant());
    assertEquals(
        List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1"),
        c.config().healthcheck().test());
    assertTrue(c.config().healthcheck().defined());
    assertFalse(c.config().healthcheck().disabled());
    assertEquals("SIGQUIT", c.config().stopSignal());
    assertEquals(List.of("RUN make"), c.config().onBuild());
    assertEquals(List.of("53/udp", "22/tcp"), c.config().exposedPorts());
  }

  @Test
  void healthcheckNoneMeansDisabled() {
    ImageConfig c = parse("{\"config\":{\"Healthcheck\":{\"Test\":[\"NONE\"]}}}");
    assertTrue(c.config().healthcheck().disabled());
    assertFalse(c.config().healthcheck().defined());
  }

  @Test
  void toleratesNullsEverywhere() {
    ImageConfig c =
        parse(
            """
            {"os":null,"created":null,"author":null,
             "config":{"User":null,"Env":null,"Entrypoint":null,"Cmd":[null,"x"],
                       "ExposedPorts":null,"Volumes":null,"Labels":{"a":null},"Healthcheck":null,
                       "OnBuild":null,"WorkingDir":null},
             "rootfs":null,"history":[null,{"created_by":null}]}
            """);
    assertEquals("", c.os());
    assertNull(c.created());
    assertEquals("", c.config().user());
    assertEquals(List.of(), c.config().env());
    assertEquals(List.of("x"), c.config().cmd());
    assertEquals(Map.of("a", ""), c.config().labels());
    assertNull(c.config().healthcheck());
    assertEquals(List.of(), c.diffIds());
    assertEquals(List.of(new ImageConfig.HistoryEntry(null, "", "", "", false)), c.history());
  }

  @Test
  void emptyObjectGivesAnEmptyConfig() {
    ImageConfig c = parse("{}");
    assertEquals("", c.config().user());
    assertEquals(List.of(), c.history());
    assertEquals(Map.of(), c.config().environment());
  }

  @Test
  void ignoresUnknownFields() {
    ImageConfig c =
        parse("{\"os\":\"linux\",\"moby.buildkit.buildinfo.v1\":\"e30=\",\"config\":{\"Foo\":[1]}}");
    assertEquals("linux", c.os());
  }

  @Test
  void acceptsTimestampsWithOffsets() {
    ImageConfig c = parse("{\"created\":\"2024-03-01T12:00:00+02:00\"}");
    assertEquals(Instant.parse("2024-03-01T10:00:00Z"), c.created());
  }

  @Test
  void environmentSplitsAtFirstEqualsAndLaterEntriesWin() {
    ImageConfig c = parse("{\"config\":{\"Env\":[\"A=b=c\",\"EMPTY=\",\"BARE\",\"A=2\"]}}");
    assertEquals(Map.of("A", "2", "EMPTY", "", "BARE", ""), c.config().environment());
  }

  @Test
  void rejectsInvalidJsonWithAClearMessage() {
    InvalidImageConfigException e =
        assertThrows(InvalidImageConfigException.class, () -> parse("{\"os\": \"linux\""));
    assertTrue(e.getMessage().startsWith("image config is not valid JSON: "), e.getMessage());
  }

  @Test
  void rejectsTrailingGarbage() {
    InvalidImageConfigException e =
        assertThrows(InvalidImageConfigException.class, () -> parse("{} {}"));
    assertTrue(e.getMessage().startsWith("image config is not valid JSON: "), e.getMessage());
  }

  @Test
  void rejectsEmptyInput() {
    assertEquals(
        "image config is empty",
        assertThrows(InvalidImageConfigException.class, () -> ImageConfig.parse(new byte[0]))
            .getMessage());
    assertEquals(
        "image config is empty",
        assertThrows(InvalidImageConfigException.class, () -> parse("   ")).getMessage());
  }

  @Test
  void rejectsANonObjectDocument() {
    assertEquals(
        "image config must be an object but is array",
        assertThrows(InvalidImageConfigException.class, () -> parse("[]")).getMessage());
  }

  @Test
  void wrongFieldTypesNameTheField() {
    assertEquals(
        "image config field config.Env must be an array of strings but is string",
        assertThrows(InvalidImageConfigException.class, () -> parse("{\"config\":{\"Env\":\"A=1\"}}"))
            .getMessage());
    assertEquals(
        "image config field config.Cmd[1] must be a string but is number",
        assertThrows(
                InvalidImageConfigException.class, () -> parse("{\"config\":{\"Cmd\":[\"a\",1]}}"))
            .getMessage());
    assertEquals(
        "image config field history[0].empty_layer must be a boolean but is string",
        assertThrows(
                InvalidImageConfigException.class,
                () -> parse("{\"history\":[{\"empty_layer\":\"true\"}]}"))
            .getMessage());
    assertEquals(
        "image config field config.ExposedPorts must be an object but is array",
        assertThrows(
                InvalidImageConfigException.class,
                () -> parse("{\"config\":{\"ExposedPorts\":[\"22/tcp\"]}}"))
            .getMessage());
  }

  @Test
  void rejectsAMalformedTimestamp() {
    assertEquals(
        "image config field history[1].created is not an RFC 3339 timestamp: \"yesterday\"",
        assertThrows(
                InvalidImageConfigException.class,
                () -> parse("{\"history\":[{},{\"created\":\"yesterday\"}]}"))
            .getMessage());
  }
}
