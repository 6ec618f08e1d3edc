package dev.vigil.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.api.Finding;
import dev.vigil.api.Severity;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.app.JavaArchiveReader;
import dev.vigil.inventory.app.PackageEvidence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A file the inventory could not read and a Java archive it could read but not identify are told
 * apart: the first is a Medium VIG-IMG-018, the second a Low VIG-IMG-019, so an image of ordinary
 * Gradle-built jars is not reported as holding unreadable files.
 */
class InventoryFindingsTest {

  /** What the real Java reader says of a jar with classes only (no pom.properties, no manifest). */
  private static String unidentifiedJarProblem(String path) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("com/example/Util.class"));
      zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
      zip.closeEntry();
    }
    byte[] jar = bytes.toByteArray();
    PackageEvidence evidence = new JavaArchiveReader().read(path, new ByteArrayInputStream(jar), jar.length);
    assertEquals(List.of(), evidence.packages());
    assertEquals(1, evidence.problems().size(), evidence.problems().toString());
    return evidence.problems().get(0);
  }

  @Test
  void anUnreadableDatabaseAndAnUnidentifiableJarAreTwoFindingsOfTheirOwnSeverity() throws Exception {
    String jar = unidentifiedJarProblem("app/lib/kotlin-stdlib-1.9.0.jar");
    String dpkg = "var/lib/dpkg/status: larger than 67108864 bytes; not read";
    List<Finding> findings = InventoryFindings.from(new Inventory(null, List.of(), List.of(), List.of(dpkg, jar)));

    assertEquals(2, findings.size());
    assertEquals(InventoryFindings.ID, findings.get(0).getId());
    assertEquals(Severity.Medium, findings.get(0).getSeverity());
    assertEquals(List.of(dpkg), findings.get(0).getEvidence());
    assertEquals(InventoryFindings.UNIDENTIFIED_ARCHIVES_ID, findings.get(1).getId());
    assertEquals(Severity.Low, findings.get(1).getSeverity());
    assertEquals(List.of(jar), findings.get(1).getEvidence());
    assertTrue(findings.get(1).getTitle().startsWith("1 Java archive carries no Maven coordinates"),
        findings.get(1).getTitle());
  }

  @Test
  void manyUnidentifiableJarsAreCountedExactlyAndListedUpToFifty() throws Exception {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < 205; i++) {
      problems.add(unidentifiedJarProblem("opt/libs/lib-" + i + ".jar"));
    }
    List<Finding> findings = InventoryFindings.from(new Inventory(null, List.of(), List.of(), problems));

    assertEquals(1, findings.size(), "no unreadable-file finding for readable jars");
    Finding only = findings.get(0);
    assertTrue(only.getTitle().startsWith("205 Java archives carry no Maven coordinates"), only.getTitle());
    assertEquals(50, only.getEvidence().size());
    assertEquals("156 more not listed", only.getEvidence().get(49));
  }
}
