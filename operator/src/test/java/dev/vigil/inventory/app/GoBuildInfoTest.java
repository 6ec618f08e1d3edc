package dev.vigil.inventory.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trivy's vector tables (go/trivy-binary/expected.json) for the version rules. */
class GoBuildInfoTest {

  private static final JsonNode TABLES = BinaryFixtures.json("go/trivy-binary/expected.json");

  @Test
  void stdlibVersionLosesGoPrefixVendorSuffixAndExperiments() {
    for (JsonNode c : TABLES.get("stdlib_version_vectors").get("cases")) {
      String want = c.get("stdlib").asText();
      assertEquals(want.substring(1), GoBuildInfo.stdlibVersion(c.get("go_version").asText()),
          c.get("go_version").asText());
    }
    assertEquals("1.20", GoBuildInfo.stdlibVersion("go1.20"));
    assertEquals("1.21rc2", GoBuildInfo.stdlibVersion("go1.21rc2"));
    assertNull(GoBuildInfo.stdlibVersion("devel go1.23-3d33437c45 Mon Jan 1 00:00:00 2024 +0000"));
    assertNull(GoBuildInfo.stdlibVersion(""));
  }

  @Test
  void mainVersionPrefersARealReleaseThenLdflagsThenThePseudoVersion() {
    int checked = 0;
    for (JsonNode c : TABLES.get("main_version_choice_vectors").get("cases")) {
      if (!c.get("elf").asText().isEmpty()) {
        continue; // the ELF-symbol source is not read (docs/language-packages-binaries.md)
      }
      assertEquals(c.get("want").asText(),
          GoBuildInfo.chooseMainVersion(c.get("version").asText(), c.get("ldflags").asText()),
          c.toString());
      checked++;
    }
    assertEquals(6, checked);
    assertEquals("", GoBuildInfo.chooseMainVersion("(devel)", ""));
  }

  @Test
  void ldflagsVersionFollowsTrivysRanking() {
    for (JsonNode c : TABLES.get("ldflags_vectors").get("cases")) {
      List<String> flags = new ArrayList<>();
      c.get("flags").forEach(f -> flags.add(f.asText()));
      assertEquals(c.get("want").asText(),
          GoBuildInfo.ldflagsVersion(c.get("module").asText(), flags), c.toString());
    }
  }

  @Test
  void buildSettingsAreUnquotedAndSplitAsTheGoCommandQuotesThem() {
    GoBuildInfo info = GoBuildInfo.parse("go1.22.1",
        "path\tgithub.com/aquasecurity/test\n"
            + "mod\tgithub.com/aquasecurity/test\t(devel)\t\n"
            + "build\t-buildmode=exe\n"
            + "build\t-ldflags=\"-w -X 'main.version=v1.0.0' -X \\\"main.commit=abc d\\\"\"\n"
            + "build\t\"weird key\"=1\n"
            + "build\tvcs.modified=true\n");

    assertEquals(
        Map.of("-buildmode", "exe",
            "-ldflags", "-w -X 'main.version=v1.0.0' -X \"main.commit=abc d\"",
            "weird key", "1",
            "vcs.modified", "true"),
        info.settings());
    assertEquals(List.of("-w", "-X", "main.version=v1.0.0", "-X", "main.commit=abc d"),
        GoBuildInfo.splitFlags(info.settings().get("-ldflags")));
    assertEquals("v1.0.0", GoBuildInfo.ldflagsVersion("github.com/aquasecurity/test",
        GoBuildInfo.splitFlags(info.settings().get("-ldflags"))));
  }

  @Test
  void pseudoVersionsAreRecognisedInAllThreeForms() {
    assertEquals(true, GoBuildInfo.isPseudoVersion("v0.0.0-20210121094942-22b2f8951d46"));
    assertEquals(true, GoBuildInfo.isPseudoVersion("v1.0.1-0.20220426205730-d0a4cdb22955"));
    assertEquals(true, GoBuildInfo.isPseudoVersion("v1.2.4-pre.0.20220426205730-d0a4cdb22955"));
    assertEquals(false, GoBuildInfo.isPseudoVersion("v1.2.3"));
    assertEquals(false, GoBuildInfo.isPseudoVersion("v1.28.6+k3s2"));
  }
}
