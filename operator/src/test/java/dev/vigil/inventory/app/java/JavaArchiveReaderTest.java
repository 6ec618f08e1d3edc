package dev.vigil.inventory.app.java;

import static dev.vigil.inventory.app.java.JarFixtures.classpathJar;
import static dev.vigil.inventory.app.java.JarFixtures.coordinates;
import static dev.vigil.inventory.app.java.JarFixtures.entries;
import static dev.vigil.inventory.app.java.JarFixtures.located;
import static dev.vigil.inventory.app.java.JarFixtures.pomProperties;
import static dev.vigil.inventory.app.java.JarFixtures.read;
import static dev.vigil.inventory.app.java.JarFixtures.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ctc.wstx.stax.WstxInputFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.app.JavaArchiveReader;
import dev.vigil.inventory.app.PackageEvidence;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real jars resolved by Maven (taken from the test class path, so they exist wherever the build
 * ran), archives built from them the way Spring Boot, WAR and EAR packaging lay them out, and
 * hostile archives.
 */
class JavaArchiveReaderTest {

  private static final Path DATABIND = classpathJar(ObjectMapper.class);
  private static final Path WOODSTOX = classpathJar(WstxInputFactory.class);
  private static final Path BCPROV = classpathJar(BouncyCastleProvider.class);
  private static final Path SIGSTORE = classpathJar(dev.sigstore.KeylessSigner.class);

  /** The version directory of a jar in a Maven repository layout. */
  private static String version(Path jar) {
    return jar.getParent().getFileName().toString();
  }

  private static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Test
  void wantsJavaArchivesByExtensionOnly() {
    JavaArchiveReader r = new JavaArchiveReader();
    for (String p : List.of("app/app.jar", "opt/x/ROOT.war", "srv/a.ear", "x.par", "p/a.jpi",
        "p/b.HPI", "a.sar", "a.nar", "a.kar", "a.lpkg", "APP.JAR")) {
      assertTrue(r.wants(p, 0644, 10), p);
    }
    // .rar is a RAR file outside a Java archive; .jmod has a non-zip header and no Maven data.
    for (String p : List.of("app/app.jar.sha1", "x.zip", "x.rar", "x.jmod", "jar", "a.jar/x.txt",
        "usr/lib/libjar.so")) {
      assertFalse(r.wants(p, 0644, 10), p);
    }
  }

  @Test
  void plainJarFromTheMavenRepositoryIsIdentifiedByItsPomProperties() throws IOException {
    PackageEvidence found = read("app/lib/" + DATABIND.getFileName(), bytes(DATABIND));
    assertEquals(Set.of("com.fasterxml.jackson.core:jackson-databind@" + version(DATABIND)
            + " /app/lib/" + DATABIND.getFileName()), located(found));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void shadedJarFromTheMavenRepositoryReportsEveryBundledLibrary() throws IOException {
    PackageEvidence found = read("app/lib/" + WOODSTOX.getFileName(), bytes(WOODSTOX));
    assertEquals(Set.of("com.fasterxml.woodstox:woodstox-core@" + version(WOODSTOX),
        "net.java.dev.msv:xsdlib@2022.7", "com.sun.xml.bind.jaxb:isorelax@20090621"),
        coordinates(found));
  }

  @Test
  void manifestVendorIdAndVersionedFileNameIdentifyAJarWithoutPomProperties()
      throws IOException {
    // sigstore-java (Gradle-built) has no META-INF/maven; its manifest says
    // Implementation-Vendor-Id: dev.sigstore and the file name the artifactId and version.
    PackageEvidence found = read("app/lib/" + SIGSTORE.getFileName(), bytes(SIGSTORE));
    assertEquals(Set.of("dev.sigstore:sigstore-java@" + version(SIGSTORE)), coordinates(found));
  }

  @Test
  void bouncyCastleWithOnlyABundleNameIsAProblemNotAGuess() throws IOException {
    // trivy #1884: "Bundle-Name: bcprov" is not the artifact (bcprov-jdk18on).
    PackageEvidence found = read("app/lib/" + BCPROV.getFileName(), bytes(BCPROV));
    assertEquals(Set.of(), coordinates(found));
    assertEquals(List.of("/app/lib/" + BCPROV.getFileName() + ": no Maven coordinates (no"
        + " pom.properties, no META-INF/maven pom.xml, no groupId in MANIFEST.MF); not matched"
        + " against advisories (the file name suggests bcprov-jdk18on " + version(BCPROV) + ")"),
        found.problems());
  }

  /** Spring Boot's layout: nested jars STORED (sizes in the local header), the rest deflated. */
  private static byte[] springBootFatJar() throws IOException {
    Map<String, byte[]> lib = new LinkedHashMap<>();
    for (Path jar : List.of(DATABIND, WOODSTOX, BCPROV)) {
      lib.put("BOOT-INF/lib/" + jar.getFileName(), bytes(jar));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\nMain-Class: "
          + "org.springframework.boot.loader.launch.JarLauncher\nStart-Class: com.example.Demo\n"
          + "Spring-Boot-Lib: BOOT-INF/lib/\n").getBytes(StandardCharsets.UTF_8));
      put(zip, "META-INF/maven/com.example/demo/pom.properties",
          pomProperties("com.example", "demo", "0.0.1-SNAPSHOT").getBytes(StandardCharsets.UTF_8));
      put(zip, "BOOT-INF/classes/com/example/Demo.class", new byte[4096]);
      for (Map.Entry<String, byte[]> e : lib.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(e.getValue());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(e.getValue().length);
        entry.setCompressedSize(e.getValue().length);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
      put(zip, "BOOT-INF/classpath.idx", "- \"BOOT-INF/lib/x.jar\"\n".getBytes());
    }
    return out.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  private static Set<String> expectedFatJar(String jarPath) {
    return new TreeSet<>(List.of(
        "com.example:demo@0.0.1-SNAPSHOT " + jarPath,
        "com.fasterxml.jackson.core:jackson-databind@" + version(DATABIND) + " " + jarPath
            + "!/BOOT-INF/lib/" + DATABIND.getFileName(),
        "com.fasterxml.woodstox:woodstox-core@" + version(WOODSTOX) + " " + jarPath
            + "!/BOOT-INF/lib/" + WOODSTOX.getFileName(),
        "net.java.dev.msv:xsdlib@2022.7 " + jarPath + "!/BOOT-INF/lib/" + WOODSTOX.getFileName(),
        "com.sun.xml.bind.jaxb:isorelax@20090621 " + jarPath + "!/BOOT-INF/lib/"
            + WOODSTOX.getFileName()));
  }

  @Test
  void springBootFatJarBuiltFromRealJarsReportsEachNestedJarAtItsOwnPath() throws IOException {
    PackageEvidence found = read("app/app.jar", springBootFatJar());
    assertEquals(expectedFatJar("/app/app.jar"), located(found));
    assertEquals(List.of("/app/app.jar!/BOOT-INF/lib/" + BCPROV.getFileName()
        + ": no Maven coordinates (no pom.properties, no META-INF/maven pom.xml, no groupId in"
        + " MANIFEST.MF); not matched against advisories (the file name suggests bcprov-jdk18on "
        + version(BCPROV) + ")"), found.problems());
  }

  @Test
  void fullyExecutableJarWithALaunchScriptBeforeTheZipIsRead() throws IOException {
    // `spring-boot-maven-plugin` <executable>true</executable> prepends a shell script.
    byte[] script = ("#!/bin/bash\n# launch script\n" + "x".repeat(9000) + "\nexit 0\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] jar = springBootFatJar();
    byte[] executable = Arrays.copyOf(script, script.length + jar.length);
    System.arraycopy(jar, 0, executable, script.length, jar.length);
    assertEquals(expectedFatJar("/app/app.jar"), located(read("app/app.jar", executable)));
  }

  @Test
  void earWithAWarAndLibraryJarsIsReadThroughEveryLevel() throws IOException {
    byte[] war = zip(entries(
        "WEB-INF/web.xml", "<web-app/>",
        "WEB-INF/lib/" + DATABIND.getFileName(), bytes(DATABIND),
        "META-INF/maven/com.example/web/pom.properties",
        pomProperties("com.example", "web", "1.0")), false);
    byte[] ear = zip(entries(
        "META-INF/application.xml", "<application/>",
        "web.war", war,
        "lib/" + WOODSTOX.getFileName(), bytes(WOODSTOX)), false);
    PackageEvidence found = read("opt/server/deploy/shop.ear", ear);
    assertTrue(located(found).containsAll(List.of(
        "com.example:web@1.0 /opt/server/deploy/shop.ear!/web.war",
        "com.fasterxml.jackson.core:jackson-databind@" + version(DATABIND)
            + " /opt/server/deploy/shop.ear!/web.war!/WEB-INF/lib/" + DATABIND.getFileName(),
        "com.fasterxml.woodstox:woodstox-core@" + version(WOODSTOX)
            + " /opt/server/deploy/shop.ear!/lib/" + WOODSTOX.getFileName())),
        located(found).toString());
    assertEquals(5, found.packages().size(), located(found).toString());
    // the ear itself has no coordinates but holds packages: no problem for it
    assertEquals(List.of(), found.problems());
  }

  @Test
  void deflatedNestedJarsWithDataDescriptorsAreReadToo() throws IOException {
    byte[] outer = zip(entries("lib/" + DATABIND.getFileName(), bytes(DATABIND)), false);
    assertEquals(Set.of("com.fasterxml.jackson.core:jackson-databind@" + version(DATABIND)),
        coordinates(read("app/outer.jar", outer)));
  }

  private static byte[] zerosEntryBetweenTwoPoms(String zerosName) throws IOException {
    // ZipOutputStream writes the sizes in a data descriptor after the data: 256 MiB of zeros
    // from 256 KiB.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "META-INF/maven/g/a/pom.properties", pomProperties("g", "a", "1").getBytes());
      zip.putNextEntry(new ZipEntry(zerosName));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
      put(zip, "META-INF/maven/g/b/pom.properties", pomProperties("g", "b", "1").getBytes());
    }
    return out.toByteArray();
  }

  @Test
  void entriesOfUnknownSizeAreSkippedWithoutInflatingThem() throws IOException {
    // Stepped over by finding the data descriptor, so the 32 MiB cap is not reached.
    PackageEvidence found = read(new JavaArchiveReader(16, 32L << 20, 1000), "app/big.jar",
        zerosEntryBetweenTwoPoms("data.bin"));
    assertEquals(Set.of("g:a@1", "g:b@1"), coordinates(found));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void zipBombInANestedArchiveStopsAtTheByteCap() throws IOException {
    // A nested archive must be inflated to be read: those bytes count against the cap.
    PackageEvidence found = read(new JavaArchiveReader(16, 32L << 20, 1000), "app/bomb.jar",
        zerosEntryBetweenTwoPoms("lib/bomb.jar"));
    assertEquals(Set.of("g:a@1"), coordinates(found));
    assertEquals(List.of(
        "/app/bomb.jar!/lib/bomb.jar: not a zip archive (no zip entry in the first 1 MiB)",
        "/app/bomb.jar: more than " + (32L << 20) + " bytes read from this archive and inflated"
            + " from its entries and nested archives; the rest is not read, the result is"
            + " partial"), found.problems());
  }

  @Test
  void entriesOfKnownSizeAreSkippedWithoutInflatingThem(@TempDir Path dir) throws IOException {
    // Written to a file, commons-compress puts the sizes in the local header: the reader then
    // steps over the 256 MiB entry's 256 KiB of compressed bytes and the 32 MiB cap is not hit.
    Path jar = dir.resolve("big.jar");
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(jar)) {
      zip.putArchiveEntry(new ZipArchiveEntry("data.bin"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        zip.write(zeros);
      }
      zip.closeArchiveEntry();
      zip.putArchiveEntry(new ZipArchiveEntry("META-INF/maven/g/a/pom.properties"));
      zip.write(pomProperties("g", "a", "1").getBytes());
      zip.closeArchiveEntry();
    }
    PackageEvidence found = read(new JavaArchiveReader(16, 32L << 20, 1000), "app/big.jar",
        bytes(jar));
    assertEquals(Set.of("g:a@1"), coordinates(found));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void oversizedPomPropertiesIsNotReadAsMetadata() {
    byte[] huge = new byte[3 << 20];
    Arrays.fill(huge, (byte) '#');
    byte[] jar = zip(entries("META-INF/maven/g/a/pom.properties", huge,
        "META-INF/maven/g/b/pom.properties", pomProperties("g", "b", "2")), false);
    PackageEvidence found = read("app/x.jar", jar);
    assertEquals(Set.of("g:b@2"), coordinates(found));
    assertEquals(List.of("/app/x.jar!/META-INF/maven/g/a/pom.properties: larger than 1 MiB,"
        + " not read as metadata"), found.problems());
  }

  @Test
  void truncatedJarGivesAProblemAndWhatWasReadBefore() throws IOException {
    byte[] jar = springBootFatJar();
    PackageEvidence found = read("app/app.jar", Arrays.copyOf(jar, jar.length * 2 / 3));
    assertTrue(coordinates(found).contains("com.example:demo@0.0.1-SNAPSHOT"),
        coordinates(found).toString());
    assertTrue(found.problems().stream().anyMatch(p -> p.startsWith("/app/app.jar")
            && (p.contains("truncated") || p.contains("malformed"))),
        found.problems().toString());
  }

  @Test
  void tooManyEntriesStopsWithAPartialResult() {
    Map<String, byte[]> many = new LinkedHashMap<>();
    many.put("META-INF/maven/g/a/pom.properties",
        pomProperties("g", "a", "1").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 5000; i++) {
      many.put("x/" + i + ".class", new byte[0]);
    }
    PackageEvidence found = read(new JavaArchiveReader(16, 1L << 30, 1000), "app/x.jar",
        zip(many, false));
    assertEquals(Set.of("g:a@1"), coordinates(found));
    assertEquals(List.of("/app/x.jar: more than 1000 zip entries in this archive and the archives"
        + " nested in it; the rest is not read, the result is partial"), found.problems());
  }

  @Test
  void problemsPerArchiveAreCappedAndSummarised() {
    Map<String, byte[]> lib = new LinkedHashMap<>();
    for (int i = 0; i < 15; i++) {
      lib.put("lib/thing" + i + "-1.0.jar", zip(entries("README", "no metadata"), false));
    }
    lib.put("META-INF/maven/g/a/pom.properties",
        pomProperties("g", "a", "1").getBytes(StandardCharsets.UTF_8));
    PackageEvidence found = read("app/x.jar", zip(lib, false));
    assertEquals(Set.of("g:a@1"), coordinates(found));
    assertEquals(11, found.problems().size());
    assertEquals("/app/x.jar: 5 more problems in this archive not listed", found.problems().get(10));
  }

  @Test
  void randomBytesAreNotAZipArchive() {
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    PackageEvidence found = read("app/x.jar", noise);
    assertEquals(Set.of(), coordinates(found));
    assertEquals(List.of("/app/x.jar: not a zip archive (no zip entry found)"), found.problems());
  }

  @Test
  void emptyFileIsNothingAndNoProblem() {
    PackageEvidence found = read("app/x.jar", new byte[0]);
    assertEquals(List.of(), found.packages());
    assertEquals(List.of(), found.problems());
  }

  @Test
  void failureOfTheLayerStreamItselfIsThrownNotReported() throws IOException {
    byte[] jar = bytes(DATABIND);
    InputStream failing = new FilterInputStream(new ByteArrayInputStream(jar)) {
      private long read;

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read > jar.length / 2) {
          throw new IOException("connection reset by registry");
        }
        int n = super.read(b, off, len);
        read += Math.max(0, n);
        return n;
      }
    };
    IOException e = assertThrows(IOException.class,
        () -> new JavaArchiveReader().read("app/x.jar", failing, jar.length));
    assertEquals("connection reset by registry", e.getMessage());
  }

  /** A local file header, little-endian, as the zip specification lays it out. */
  private static void localHeader(ByteArrayOutputStream out, String name, int flags, int method,
      long crc, long csize, long size) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(30 + n.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 20).putShort((short) flags).putShort((short) method)
        .putInt(0).putInt((int) crc).putInt((int) csize).putInt((int) size)
        .putShort((short) n.length).putShort((short) 0).put(n);
    out.writeBytes(b.array());
  }

  @Test
  void storedEntryWithADataDescriptorIsSteppedOverAtTheDescriptorWhoseSizeMatches() {
    // The data holds a descriptor signature with a wrong size: only the one whose compressed
    // size equals the bytes scanned ends the entry.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] data = "abc PK\u0007\u0008 then more bytes".getBytes(StandardCharsets.ISO_8859_1);
    byte[] withFake = Arrays.copyOf(data, data.length + 12);
    System.arraycopy(new byte[] {1, 2, 3, 4, 5, 0, 0, 0, 5, 0, 0, 0}, 0, withFake, data.length,
        12);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(withFake);
    localHeader(out, "lib/data.bin", 8, 0, 0, 0, 0);
    out.writeBytes(withFake);
    java.nio.ByteBuffer dd = java.nio.ByteBuffer.allocate(16)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    dd.putInt(0x08074b50).putInt((int) crc.getValue()).putInt(withFake.length)
        .putInt(withFake.length);
    out.writeBytes(dd.array());
    byte[] pom = pomProperties("g", "a", "1").getBytes(StandardCharsets.UTF_8);
    crc.reset();
    crc.update(pom);
    localHeader(out, "META-INF/maven/g/a/pom.properties", 0, 0, crc.getValue(), pom.length,
        pom.length);
    out.writeBytes(pom);
    PackageEvidence found = read("app/x.jar", out.toByteArray());
    assertEquals(Set.of("g:a@1"), coordinates(found));
    assertEquals(List.of(), found.problems());
  }

  @Test
  void descriptorIsFoundAmongPartialAndFalseSignaturesAtEveryAlignment() {
    // The search for the descriptor steps over bytes; data made only of signature bytes (many
    // "PK\7\8" with wrong sizes, and every partial overlap such as "PPK\7" or "PK\7PK\7\8"),
    // longer than the reader's 64 KiB buffer, with the real descriptor at each of eight offsets,
    // shows that no step jumps over it. Every false size is over 100 MB, so none can match.
    java.util.Random random = new java.util.Random(11);
    byte[] alphabet = {'P', 'K', 7, 8, 'x'};
    for (int extra = 0; extra < 8; extra++) {
      byte[] data = new byte[200_000 + extra];
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[random.nextInt(alphabet.length)];
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      localHeader(out, "lib/data.bin", 8, 0, 0, 0, 0);
      out.writeBytes(data);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(data);
      java.nio.ByteBuffer dd = java.nio.ByteBuffer.allocate(16)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      dd.putInt(0x08074b50).putInt((int) crc.getValue()).putInt(data.length).putInt(data.length);
      out.writeBytes(dd.array());
      byte[] pom = pomProperties("g", "a", "1").getBytes(StandardCharsets.UTF_8);
      crc.reset();
      crc.update(pom);
      localHeader(out, "META-INF/maven/g/a/pom.properties", 0, 0, crc.getValue(), pom.length,
          pom.length);
      out.writeBytes(pom);
      PackageEvidence found = read("app/x.jar", out.toByteArray());
      assertEquals(Set.of("g:a@1"), coordinates(found), "data of " + data.length + " bytes");
      assertEquals(List.of(), found.problems(), "data of " + data.length + " bytes");
    }
  }

  @Test
  void nonAsciiEntryNamesWithoutTheUtf8FlagAreReadAsUtf8() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] pom = pomProperties("g", "a", "1").getBytes(StandardCharsets.UTF_8);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(pom);
    localHeader(out, "META-INF/maven/g/\u00e4/pom.properties", 0, 0, crc.getValue(), pom.length,
        pom.length);
    out.writeBytes(pom);
    assertEquals(Set.of("g:a@1"), coordinates(read("app/x.jar", out.toByteArray())));
  }
}
