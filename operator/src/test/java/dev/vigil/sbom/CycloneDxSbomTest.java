package dev.vigil.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.Severity;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.VulnDbInfo;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

/** The document built from a hand-made analysis: schema-valid, and what each part says. */
class CycloneDxSbomTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "1f".repeat(32);
  static final String BASE = "sha256:" + "0a".repeat(32);
  static final String APP_LAYER = "sha256:" + "0b".repeat(32);

  static ImageAnalysis analysis(List<String> problems) {
    OsInfo os = new OsInfo("debian", "12", "Debian GNU/Linux 12 (bookworm)", true, LocalDate.parse("2026-06-10"));
    List<InstalledPackage> packages = List.of(
        new InstalledPackage("deb", "bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3", "amd64", BASE),
        new InstalledPackage("deb", "libc6", "2.36-9+deb12u10", "glibc", "2.36-9+deb12u10", "amd64", BASE),
        new InstalledPackage("deb", "libc6", "2.36-9+deb12u10", "glibc", "2.36-9+deb12u10", "i386", BASE));
    List<ApplicationPackage> apps = List.of(
        new ApplicationPackage("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1",
            "/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", APP_LAYER),
        // A shaded jar: two packages at one path.
        new ApplicationPackage("Maven", "com.fasterxml.jackson.core:jackson-databind", "2.9.10",
            "/app/shaded.jar", APP_LAYER),
        new ApplicationPackage("Maven", "com.google.guava:guava", "31.1-jre", "/app/shaded.jar", APP_LAYER),
        // The same npm package at two paths.
        new ApplicationPackage("npm", "lodash", "4.17.20", "/srv/node_modules/lodash/package.json", APP_LAYER),
        new ApplicationPackage("npm", "lodash", "4.17.20", "/srv/node_modules/a/node_modules/lodash/package.json",
            APP_LAYER),
        new ApplicationPackage("Maven", "commons-lang", "2.6", "/app/lib/commons-lang-2.6.jar", APP_LAYER));
    return new ImageAnalysis(ImageReference.parse("registry.example:5000/team/app:1.0"), DIGEST,
        "sha256:" + "2e".repeat(32), Platform.LINUX_AMD64, null, new Inventory(os, packages, apps, problems),
        List.of(), List.of(BASE, APP_LAYER), 0, Instant.parse("2026-12-06T05:00:00Z"), Duration.ofSeconds(2));
  }

  static List<VulnerabilityMatch> matches() {
    return List.of(
        new VulnerabilityMatch("CVE-2021-44228", List.of("GHSA-jfh8-c2jp-5v3q"), "org.apache.logging.log4j:log4j-core",
            "org.apache.logging.log4j:log4j-core", "2.14.1", "2.15.0", true, Severity.Critical, 10.0,
            "Remote code injection in Log4j", APP_LAYER, "https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q",
            "Maven", "/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar"),
        new VulnerabilityMatch("CVE-2020-8203", List.of("GHSA-p6mc-m468-83gw"), "lodash", "lodash", "4.17.20",
            "4.17.21", true, Severity.High, 7.4, "Prototype pollution in lodash", APP_LAYER, null, "npm",
            "/srv/node_modules/a/node_modules/lodash/package.json"),
        new VulnerabilityMatch("CVE-2020-36518", List.of(), "com.fasterxml.jackson.core:jackson-databind",
            "com.fasterxml.jackson.core:jackson-databind", "2.9.10", "2.12.6.1", true, Severity.High, 7.5,
            "Deeply nested json in jackson-databind", APP_LAYER, null, "Maven", "/app/shaded.jar"),
        new VulnerabilityMatch("CVE-2024-2961", List.of("DLA-3999-1", "DSA-5678-1"), "libc6", "glibc",
            "2.36-9+deb12u10", null, false, Severity.High, null, "iconv overflow", BASE, null, null, null));
  }

  static JsonNode document(ImageAnalysis analysis, List<VulnerabilityMatch> matches) throws Exception {
    String json = CycloneDxSbom.json(analysis, matches,
        new VulnDbInfo("osv.dev", "snap-1", Instant.parse("2026-12-06T00:00:00Z")), "1.2.3");
    List<ParseException> errors = new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8),
        CycloneDxSbom.VERSION);
    assertEquals(List.of(), errors.stream().map(Throwable::getMessage).toList(), json);
    return JSON.readTree(json);
  }

  @Test
  void documentIsValidAgainstTheCycloneDx16Schema() throws Exception {
    JsonNode bom = document(analysis(List.of()), matches());
    assertEquals("CycloneDX", bom.path("bomFormat").asText());
    assertEquals("1.6", bom.path("specVersion").asText());
    assertTrue(bom.path("serialNumber").asText().matches("urn:uuid:[0-9a-f-]{36}"));
  }

  @Test
  void validatorRejectsADocumentThatBreaksTheSchema() throws Exception {
    // The validation above must be able to fail: a component without its required name.
    String json = CycloneDxSbom.json(analysis(List.of()), matches(), null, "1.2.3");
    JsonNode tree = JSON.readTree(json);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("components").get(1)).remove("name");
    assertFalse(new JsonParser().validate(JSON.writeValueAsBytes(tree), CycloneDxSbom.VERSION).isEmpty());
  }

  @Test
  void metadataNamesTheImageByDigestAndVigilAsTheTool() throws Exception {
    JsonNode meta = document(analysis(List.of()), matches()).path("metadata");
    assertEquals("2026-12-06T05:00:00Z", meta.path("timestamp").asText());
    JsonNode image = meta.path("component");
    assertEquals("container", image.path("type").asText());
    assertEquals("registry.example:5000/team/app", image.path("name").asText());
    assertEquals(DIGEST, image.path("version").asText());
    assertEquals("pkg:oci/app@sha256:" + "1f".repeat(32)
        + "?arch=amd64&repository_url=registry.example:5000%2Fteam%2Fapp&tag=1.0", image.path("purl").asText());
    assertEquals("SHA-256", image.at("/hashes/0/alg").asText());
    assertEquals("1f".repeat(32), image.at("/hashes/0/content").asText());
    assertEquals("vigil", meta.at("/tools/components/0/name").asText());
    assertEquals("1.2.3", meta.at("/tools/components/0/version").asText());
    assertEquals(List.of("vigil:vulnerabilityDb:source=osv.dev", "vigil:vulnerabilityDb:snapshot=snap-1",
        "vigil:vulnerabilityDb:updated=2026-12-06T00:00:00Z"), properties(meta));
    assertTrue(properties(image).containsAll(List.of("vigil:image:indexDigest=sha256:" + "2e".repeat(32),
        "vigil:image:platform=linux/amd64", "vigil:image:layer=" + BASE, "vigil:image:layer=" + APP_LAYER)),
        properties(image).toString());
  }

  @Test
  void onePackagePerComponentWithVersionsAsThePackageManagerWritesThem() throws Exception {
    JsonNode components = document(analysis(List.of()), matches()).path("components");
    List<String> rows = new ArrayList<>();
    components.forEach(c -> rows.add(c.path("type").asText() + " " + (c.has("group") ? c.path("group").asText() + ":" : "")
        + c.path("name").asText() + " " + c.path("version").asText() + " " + c.path("purl").asText("-")));
    assertEquals(List.of(
        "operating-system debian 12 -",
        "library bsdutils 1:2.38.1-5+deb12u3 pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12&epoch=1",
        "library libc6 2.36-9+deb12u10 pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12",
        "library libc6 2.36-9+deb12u10 pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=i386&distro=debian-12",
        "library org.apache.logging.log4j:log4j-core 2.14.1 pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        "library com.fasterxml.jackson.core:jackson-databind 2.9.10 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10",
        "library com.google.guava:guava 31.1-jre pkg:maven/com.google.guava/guava@31.1-jre",
        "library lodash 4.17.20 pkg:npm/lodash@4.17.20",
        "library lodash 4.17.20 pkg:npm/lodash@4.17.20",
        "library commons-lang 2.6 -"), rows);
    assertEquals(List.of("vigil:package:type=deb", "vigil:package:sourceName=util-linux",
        "vigil:package:sourceVersion=2.38.1-5+deb12u3", "vigil:layer=" + BASE), properties(components.get(1)));
    JsonNode nested = components.get(4);
    assertEquals(List.of("vigil:package:ecosystem=Maven",
        "vigil:path=/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", "vigil:layer=" + APP_LAYER),
        properties(nested));
    assertEquals("/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar",
        nested.at("/evidence/occurrences/0/location").asText());
    assertEquals(List.of("vigil:os:prettyName=Debian GNU/Linux 12 (bookworm)", "vigil:os:endOfLife=true",
        "vigil:os:endOfLifeDate=2026-06-10"), properties(components.get(0)));
  }

  @Test
  void bomRefsAreUniqueAndStableAcrossBuilds() throws Exception {
    JsonNode first = document(analysis(List.of()), matches());
    JsonNode second = document(analysis(List.of()), matches());
    List<String> refs = refs(first);
    assertEquals(refs.size(), new HashSet<>(refs).size(), "unique: " + refs);
    assertEquals(refs, refs(second), "derived from content, not random");
    assertEquals("pkg:npm/lodash@4.17.20|/srv/node_modules/lodash/package.json", refs.get(8));
    assertEquals("Maven:commons-lang@2.6|/app/lib/commons-lang-2.6.jar", refs.get(10));
  }

  @Test
  void dependencyGraphHangsOsPackagesOffTheOsAndLanguagePackagesOffTheImage() throws Exception {
    JsonNode bom = document(analysis(List.of()), matches());
    List<String> refs = refs(bom);
    JsonNode image = bom.at("/dependencies/0");
    assertEquals(refs.get(0), image.path("ref").asText());
    List<String> imageDeps = texts(image.path("dependsOn"));
    assertEquals(List.of("os:debian-12"), imageDeps.subList(0, 1));
    assertEquals(refs.subList(5, refs.size()), imageDeps.subList(1, imageDeps.size()));
    JsonNode os = bom.at("/dependencies/1");
    assertEquals("os:debian-12", os.path("ref").asText());
    assertEquals(refs.subList(2, 5), texts(os.path("dependsOn")));
    Set<String> described = new HashSet<>();
    bom.path("dependencies").forEach(d -> described.add(d.path("ref").asText()));
    assertEquals(new HashSet<>(refs), described, "every component is in the graph");
  }

  @Test
  void vulnerabilitiesAffectExactlyTheComponentsTheyWereMatchedOn() throws Exception {
    JsonNode bom = document(analysis(List.of()), matches());
    List<String> refs = refs(bom);
    JsonNode vulns = bom.path("vulnerabilities");
    assertEquals(4, vulns.size());

    JsonNode log4shell = vulns.get(0);
    assertEquals("CVE-2021-44228", log4shell.path("id").asText());
    assertEquals("https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q", log4shell.at("/source/url").asText());
    assertEquals("critical", log4shell.at("/ratings/0/severity").asText());
    assertEquals(10.0, log4shell.at("/ratings/0/score").asDouble());
    assertEquals("GHSA-jfh8-c2jp-5v3q", log4shell.at("/references/0/id").asText());
    assertEquals("Remote code injection in Log4j", log4shell.path("description").asText());
    assertEquals(refs.get(5), log4shell.at("/affects/0/ref").asText());
    assertEquals("2.14.1", log4shell.at("/affects/0/versions/0/version").asText());
    assertEquals("affected", log4shell.at("/affects/0/versions/0/status").asText());
    assertEquals("2.15.0", log4shell.at("/affects/0/versions/1/version").asText());
    assertEquals("unaffected", log4shell.at("/affects/0/versions/1/status").asText());
    assertEquals("Upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.15.0"
        + " (/app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar)", log4shell.path("recommendation").asText());

    JsonNode lodash = vulns.get(1);
    assertEquals(1, lodash.path("affects").size(), "only the copy the match names, not the other path");
    assertEquals("pkg:npm/lodash@4.17.20|/srv/node_modules/a/node_modules/lodash/package.json",
        lodash.at("/affects/0/ref").asText());

    JsonNode jackson = vulns.get(2);
    assertEquals(List.of(refs.get(6)), texts(jackson.path("affects").findValues("ref")),
        "the shaded jar's jackson, not its guava");

    JsonNode glibc = vulns.get(3);
    assertEquals(List.of(refs.get(3), refs.get(4)), texts(glibc.path("affects").findValues("ref")),
        "both architectures of libc6");
    assertEquals(List.of("DLA-3999-1", "DSA-5678-1"), texts(glibc.path("references").findValues("id")));
    assertEquals(1, glibc.at("/affects/0/versions").size(), "no fix known: only the affected version");
    assertTrue(glibc.path("recommendation").isMissingNode());
    assertTrue(glibc.at("/ratings/0/score").isMissingNode());
    assertEquals("high", glibc.at("/ratings/0/severity").asText());
  }

  @Test
  void oneEntryPerVulnerabilityIdAcrossThePackagesItAffects() throws Exception {
    VulnerabilityMatch amd = new VulnerabilityMatch("CVE-2024-0001", List.of(), "bsdutils", "util-linux",
        "1:2.38.1-5+deb12u3", "1:2.38.1-5+deb12u4", true, Severity.Medium, 5.5, "t", BASE, null, null, null);
    VulnerabilityMatch libc = new VulnerabilityMatch("CVE-2024-0001", List.of(), "libc6", "glibc",
        "2.36-9+deb12u10", null, false, Severity.Medium, 5.5, "t", BASE, null, null, null);
    JsonNode vulns = document(analysis(List.of()), List.of(amd, libc)).path("vulnerabilities");
    assertEquals(1, vulns.size());
    assertEquals(3, vulns.at("/0/affects").size());
    assertEquals(1, vulns.at("/0/ratings").size(), "one rating for equal severity and score");
    assertEquals("1:2.38.1-5+deb12u4", vulns.at("/0/affects/0/versions/1/version").asText());
  }

  @Test
  void aPartialInventorySaysSoInTheDocument() throws Exception {
    JsonNode meta = document(analysis(List.of("/app/huge.jar: nesting depth cap 8 reached")), List.of())
        .path("metadata");
    assertTrue(properties(meta).contains("vigil:inventory:problem=/app/huge.jar: nesting depth cap 8 reached"),
        properties(meta).toString());
  }

  @Test
  void anImageWithNothingInstalledIsStillAValidDocument() throws Exception {
    ImageAnalysis empty = new ImageAnalysis(ImageReference.parse("scratch-app@" + DIGEST), DIGEST, null,
        Platform.LINUX_AMD64, null, new Inventory(null, List.of(), List.of()), List.of(), List.of(), 0,
        Instant.parse("2026-12-06T05:00:00Z"), Duration.ZERO);
    JsonNode bom = document(empty, List.of());
    assertEquals("docker.io/library/scratch-app", bom.at("/metadata/component/name").asText());
    assertTrue(bom.path("components").isMissingNode() || bom.path("components").isEmpty());
    assertTrue(bom.path("vulnerabilities").isMissingNode());
  }

  @Test
  void incompleteInventoryRecordsStillGiveAValidDocumentWithoutPurls() throws Exception {
    // Readers fill these records; a missing field must cost the purl, never the document.
    Inventory odd = new Inventory(null,
        List.of(new InstalledPackage(null, "mystery", null, null, null, null, null),
            new InstalledPackage("deb", "nover", "", "nover", "", "amd64", BASE)),
        List.of(new ApplicationPackage(null, "thing", null, null, null),
            new ApplicationPackage("npm", "left-pad", null, "/n/left-pad/package.json", APP_LAYER)),
        List.of());
    ImageAnalysis analysis = new ImageAnalysis(ImageReference.parse("odd:1"), DIGEST, null, null, null, odd,
        List.of(), List.of(), 0, Instant.parse("2026-12-06T05:00:00Z"), Duration.ZERO);
    JsonNode components = document(analysis, List.of()).path("components");
    assertEquals(4, components.size());
    List<String> purls = new ArrayList<>();
    components.forEach(c -> purls.add(c.path("purl").asText("-")));
    assertEquals(List.of("-", "-", "-", "pkg:npm/left-pad"), purls);
    List<String> refs = refs(document(analysis, List.of()));
    assertEquals(refs.size(), new HashSet<>(refs).size(), refs.toString());
  }

  static List<String> properties(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.path("properties").forEach(p -> out.add(p.path("name").asText() + "=" + p.path("value").asText()));
    return out;
  }

  /** The image's bom-ref, then the components'. */
  static List<String> refs(JsonNode bom) {
    List<String> out = new ArrayList<>();
    out.add(bom.at("/metadata/component/bom-ref").asText());
    bom.path("components").forEach(c -> out.add(c.path("bom-ref").asText()));
    return out;
  }

  static List<String> texts(Iterable<JsonNode> nodes) {
    List<String> out = new ArrayList<>();
    nodes.forEach(n -> out.add(n.asText()));
    return out;
  }
}
