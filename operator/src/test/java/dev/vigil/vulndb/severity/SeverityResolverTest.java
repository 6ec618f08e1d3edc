package dev.vigil.vulndb.severity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.Severity;
import dev.vigil.vulndb.osv.MalformedOsvRecordException;
import dev.vigil.vulndb.osv.OsvParser;
import dev.vigil.vulndb.osv.OsvRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeverityResolverTest {

  private final OsvParser parser = new OsvParser();
  private final SeverityResolver resolver = new SeverityResolver(new CvssScorer());

  private OsvRecord parse(String json) throws MalformedOsvRecordException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private OsvRecord fixture(String name) throws Exception {
    return parser.parse(
        Files.readAllBytes(Path.of(getClass().getResource("/osv/" + name).toURI())));
  }

  @Test
  void alpineRecordIsRatedFromItsCvss31Vector() throws Exception {
    OsvRecord record = fixture("CVE-2018-5407.json");
    assertEquals(
        new SeverityRating(Severity.Medium, 4.7, "CVSS:3.1"),
        resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void redHatRecordIsRatedFromItsVector() throws Exception {
    OsvRecord record = fixture("RHSA-2024_6220.json");
    assertEquals(
        new SeverityRating(Severity.High, 8.8, "CVSS:3.1"),
        resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void ubuntuPriorityIsUsedWhenThereIsNoVector() throws Exception {
    OsvRecord record = fixture("UBUNTU-CVE-2025-38094.json");
    assertEquals(
        new SeverityRating(Severity.Medium, null, "vendor"),
        resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void recordWithoutAnySeverityIsUnknown() throws Exception {
    OsvRecord record = fixture("DSA-3029-1.json");
    assertEquals(SeverityRating.UNKNOWN, resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void cvss4IsPreferredOverCvss3AndTheHighestVectorOfAVersionWins() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z","severity":[
              {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
              {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"},
              {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"}]}
            """);
    assertEquals(new SeverityRating(Severity.Medium, 6.9, "CVSS:4.0"), resolver.resolve(record, null));
  }

  @Test
  void malformedVectorFallsThroughToTheVendorRating() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z","severity":[
              {"type":"CVSS_V3","score":"CVSS:3.1/AV:N"},
              {"type":"Ubuntu","score":"high"}]}
            """);
    assertEquals(new SeverityRating(Severity.High, null, "vendor"), resolver.resolve(record, null));
  }

  @Test
  void vectorOfTheWrongVersionForItsTypeIsIgnored() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z","severity":[
              {"type":"CVSS_V4","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
            """);
    assertEquals(SeverityRating.UNKNOWN, resolver.resolve(record, null));
  }

  @Test
  void debianUrgencyInEcosystemSpecificRatesThePackage() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"DEBIAN-CVE-2024-1","modified":"2024-01-01T00:00:00Z","affected":[
              {"package":{"ecosystem":"Debian:12","name":"openssl"},
               "ecosystem_specific":{"urgency":"unimportant"}}]}
            """);
    assertEquals(
        new SeverityRating(Severity.Low, null, "vendor"),
        resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void redHatSeverityWordInDatabaseSpecificRatesTheRecord() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"RLSA-2024:1","modified":"2024-01-01T00:00:00Z",
             "database_specific":{"severity":"Important"}}
            """);
    assertEquals(new SeverityRating(Severity.High, null, "vendor"), resolver.resolve(record, null));
  }

  @Test
  void packageLevelSeverityReplacesTheRecordLevelOne() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z",
             "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
             "affected":[{"package":{"ecosystem":"Debian:12","name":"a"},
               "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"}]}]}
            """);
    assertEquals(
        new SeverityRating(Severity.Low, 3.7, "CVSS:3.1"),
        resolver.resolve(record, record.affected().get(0)));
  }

  @Test
  void almaLinuxSummaryPrefixGivesTheRedHatStyleRating() throws Exception {
    OsvRecord important = fixture("ALSA-2022_0951.json");
    assertEquals(
        new SeverityRating(Severity.High, null, "vendor"),
        resolver.resolve(important, important.affected().get(0)));
    OsvRecord moderate = fixture("ALSA-2022_6224.json");
    assertEquals(
        new SeverityRating(Severity.Medium, null, "vendor"),
        resolver.resolve(moderate, moderate.affected().get(0)));
  }

  @Test
  void cvss2IsTheLastResortBeforeUnknown() throws Exception {
    OsvRecord record =
        parse(
            """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z",
             "severity":[{"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}]}
            """);
    assertEquals(new SeverityRating(Severity.High, 7.5, "CVSS:2.0"), resolver.resolve(record, null));
  }

  @ParameterizedTest
  @CsvSource({
    "unimportant, Low",
    "negligible, Low",
    "low**, Low",
    "Medium, Medium",
    "Moderate, Medium",
    "high, High",
    "Important, High",
    "critical, Critical",
    "Critical, Critical",
  })
  void vendorWordsMapToSeverity(String word, Severity expected) {
    assertEquals(expected, VendorSeverity.fromWord(word).orElseThrow());
  }

  @Test
  void vendorWordsWithoutARatingGiveNothing() {
    assertEquals(java.util.Optional.empty(), VendorSeverity.fromWord("not yet assigned"));
    assertEquals(java.util.Optional.empty(), VendorSeverity.fromWord("untriaged"));
    assertEquals(java.util.Optional.empty(), VendorSeverity.fromWord(null));
  }
}
