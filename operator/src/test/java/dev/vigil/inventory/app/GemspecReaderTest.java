package dev.vigil.inventory.app;

import static dev.vigil.inventory.app.ManifestFixtures.assertCase;
import static dev.vigil.inventory.app.ManifestFixtures.bytes;
import static dev.vigil.inventory.app.ManifestFixtures.dir;
import static dev.vigil.inventory.app.ManifestFixtures.expectedJson;
import static dev.vigil.inventory.app.ManifestFixtures.nameVersions;
import static dev.vigil.inventory.app.ManifestFixtures.offer;
import static dev.vigil.inventory.app.ManifestFixtures.offerTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemspecReaderTest {

  private final GemspecReader reader = new GemspecReader();

  private static final String SPECS = "usr/local/bundle/specifications/";

  @Test
  void scalibrAndTrivySpecsGiveTheExpectedGemsAndBrokenOnesAProblem() throws Exception {
    for (String folder : List.of("ruby/scalibr-gemspec", "ruby/trivy-gemspec")) {
      for (JsonNode c : expectedJson(folder).get("cases")) {
        String input = c.get("input").asText();
        String file = input.substring(input.lastIndexOf('/') + 1);
        PackageEvidence evidence = offer(reader, SPECS + file, bytes(folder + "/" + input));
        assertCase(c, evidence, "RubyGems");
        boolean nothingThere = c.has("expected") && c.get("expected").isEmpty();
        if (nothingThere) {
          // empty.gemspec, badspec.gemspec: no package, and a sentence saying why
          assertEquals(1, evidence.problems().size(), input);
        } else if (!c.has("expect_error")) {
          assertEquals(List.of(), evidence.problems(), input);
        } else {
          assertTrue(evidence.problems().get(0).startsWith("/" + SPECS + file + ": "), input);
        }
      }
    }
  }

  @Test
  void defaultGemsAreReportedAndTheStubCommentDoesNotOverrideTheVersion() throws Exception {
    JsonNode image = expectedJson("ruby/syft-image").get("cases").get(0);
    PackageEvidence found = offerTree(reader, dir("ruby/syft-image/ruby"), "ruby/");
    List<String> expected = new ArrayList<>();
    image.get("expected").forEach(e -> expected.add(
        e.get("name").asText() + " " + e.get("version").asText() + " /" + e.get("path").asText()));
    assertEquals(
        expected,
        found.packages().stream().map(p -> p.name() + " " + p.version() + " " + p.path()).toList());
    assertEquals(List.of(), found.problems());
    // the stub line of unbundler says 2.1.4; RubyGems loads s.version = "3.1.4"
    assertEquals(List.of("unbundler 3.1.4"), nameVersions(found.packages().subList(1, 2)));
    assertFalse(reader.wants("ruby/Gemfile.lock", 0644, 100), "lock files are not read in images");
  }

  @Test
  void onlyInstalledSpecsAreWantedNotSourceGemspecsInsideGems() {
    assertTrue(reader.wants("usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", 0644, 100));
    assertTrue(reader.wants("usr/lib/ruby/gems/3.1.0/specifications/default/net-imap-0.2.3.gemspec", 0644, 100));
    assertTrue(reader.wants("var/lib/gems/3.1.0/specifications/nokogiri-1.16.0-x86_64-linux.gemspec", 0644, 100));
    assertTrue(reader.wants("app/vendor/bundle/ruby/3.2.0/specifications/rack-3.0.8.gemspec", 0644, 100));
    assertFalse(reader.wants("usr/local/bundle/gems/rack-3.0.8/rack.gemspec", 0644, 100));
    assertFalse(reader.wants("app/myapp.gemspec", 0644, 100));
    assertFalse(reader.wants("usr/local/bundle/specifications/default/x/y.gemspec", 0644, 100));
    assertFalse(reader.wants("usr/local/bundle/cache/rack-3.0.8.gem", 0644, 100));
  }

  @Test
  void platformGemsSingleQuotesAndConstantsAreRead() throws Exception {
    String spec = String.join("\n",
        "# -*- encoding: utf-8 -*-",
        "# stub: nokogiri 1.16.0 x86_64-linux lib",
        "module Nokogiri; VERSION = \"1.16.0\".freeze; end",
        "Gem::Specification.new do |spec|",
        "  spec.name = 'nokogiri' # the gem",
        "  spec.version = Nokogiri::VERSION",
        "  spec.platform = \"x86_64-linux\".freeze",
        "end");
    // the constant is assigned inside a one-line module; only whole-line assignments count
    PackageEvidence inline = offer(reader, SPECS + "nokogiri-1.16.0-x86_64-linux.gemspec",
        spec.getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(), inline.packages());
    assertEquals(1, inline.problems().size());

    PackageEvidence read = offer(reader, SPECS + "nokogiri-1.16.0-x86_64-linux.gemspec",
        spec.replace("module Nokogiri; VERSION = \"1.16.0\".freeze; end", "VERSION = \"1.16.0\".freeze")
            .getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("nokogiri 1.16.0"), nameVersions(read.packages()));
  }

  @Test
  void oversizedSpecIsAProblemNotARead() throws Exception {
    PackageEvidence over = reader.read(SPECS + "huge.gemspec",
        new ManifestFixtures.WalkerStream(new byte[0]), GemspecReader.MAX_BYTES + 1);
    assertEquals(List.of(), over.packages());
    assertTrue(over.problems().get(0).contains("above the 1 MiB"), over.problems().get(0));
    PackageEvidence binary = offer(reader, SPECS + "junk.gemspec", new byte[] {0, (byte) 0xff, 10, 13});
    assertEquals(List.of(), binary.packages());
    assertEquals(1, binary.problems().size());
  }
}
