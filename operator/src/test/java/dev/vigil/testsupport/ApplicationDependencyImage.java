package dev.vigil.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The end-to-end image of issue #11, built from real artifacts: jars Maven resolved at build time
 * (operator/pom.xml copies them to target/test-artifacts), the published lodash package.json, a
 * real Go binary, real Python metadata files and a real Debian file list (see
 * src/test/resources/e2eapps/README.md). The expected advisories are {@link #EXPECTED}.
 */
public final class ApplicationDependencyImage {

  public static final Path OSV = Path.of("src/test/resources/e2eapps/osv").toAbsolutePath();
  static final String SITE = "app/venv/lib/python3.11/site-packages/";
  static final String DEBIAN_DIST = "usr/lib/python3/dist-packages/";

  /** One expected finding: advisory id as reported, OSV ecosystem, package, installed version, path. */
  public record Finding(String id, String ecosystem, String packageName, String installedVersion, String path) {
    @Override
    public String toString() {
      return id + " " + ecosystem + " " + packageName + " " + installedVersion + " " + path;
    }
  }

  /**
   * Exactly these: log4j-core 2.17.1, urllib3 2.7.0 (fixed versions), the Debian-owned
   * cryptography dist-info and egg-info (OS-owned) and guava/commons-io (no record loaded) give none.
   */
  public static final List<Finding> EXPECTED = List.of(
      new Finding("CVE-2021-44228", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1",
          "/app/lib/log4j-core-2.14.1.jar"),
      new Finding("CVE-2021-44228", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1",
          "/app/lib/reporting-1.0.jar"),
      new Finding("CVE-2020-36518", "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.9.10",
          "/app/orders.jar!/BOOT-INF/lib/jackson-databind-2.9.10.jar"),
      new Finding("CVE-2021-23337", "npm", "lodash", "4.17.20", "/app/node_modules/lodash/package.json"),
      new Finding("CVE-2023-32681", "PyPI", "requests", "2.22.0", "/" + SITE + "requests-2.22.0.egg-info/PKG-INFO"),
      new Finding("CVE-2023-0286", "PyPI", "cryptography", "38.0.4",
          "/" + SITE + "cryptography-38.0.4.dist-info/METADATA"),
      // GO-2023-2102 names two CVEs; Vigil reports a record once per CVE alias.
      new Finding("CVE-2023-39325", "Go", "stdlib", "1.15.2", "/app/bin/server"),
      new Finding("CVE-2023-44487", "Go", "stdlib", "1.15.2", "/app/bin/server"));

  private ApplicationDependencyImage() {}

  public static PushedImage push(LocalRegistry registry, String repository) {
    return registry.pusher().push(repository, "1.0", build());
  }

  static TestImage build() {
    byte[] log4j = artifact("log4j-core-2.14.1.jar");
    return TestImages.image()
        // The OS layer: Debian's python3-cryptography, its dist-info and egg-info owned by dpkg.
        .layer(l -> l
            .file("var/lib/dpkg/status", resource("appseam/debian-python3-cryptography/var/lib/dpkg/status"), 0644)
            .file("var/lib/dpkg/info/python3-cryptography.list",
                resource("appseam/debian-python3-cryptography/var/lib/dpkg/info/python3-cryptography.list"), 0644)
            .file(DEBIAN_DIST + "cryptography-38.0.4.dist-info/METADATA",
                resource("e2eapps/python/cryptography-38.0.4.METADATA"), 0644)
            .file(DEBIAN_DIST + "cryptography.egg-info/PKG-INFO",
                resource("e2eapps/python/cryptography.egg-info.PKG-INFO"), 0644))
        .layer(l -> l
            .file("app/lib/log4j-core-2.14.1.jar", log4j, 0644)
            .file("app/lib/reporting-1.0.jar", shadedJar(), 0644)
            .file("app/orders.jar", springBootJar(), 0644)
            .file("opt/tools/log4j-core-2.17.1.jar", artifact("log4j-core-2.17.1.jar"), 0644))
        .layer(l -> l
            .file("app/node_modules/lodash/package.json", resource("e2eapps/npm/lodash/package.json"), 0644)
            .file(SITE + "requests-2.22.0.egg-info/PKG-INFO", resource("e2eapps/python/requests-2.22.0.PKG-INFO"), 0644)
            .file(SITE + "cryptography-38.0.4.dist-info/METADATA",
                resource("e2eapps/python/cryptography-38.0.4.METADATA"), 0644)
            .file(SITE + "urllib3-2.7.0.dist-info/METADATA", resource("e2eapps/python/urllib3-2.7.0.METADATA"), 0644)
            .file("app/bin/server", resource("inventory/app/go/trivy-binary/test.elf"), 0755))
        .build();
  }

  /** A jar Maven resolved for the tests (see the maven-dependency-plugin execution). */
  static byte[] artifact(String fileName) {
    String dir = System.getProperty("vigil.testArtifacts", "target/test-artifacts");
    try {
      return Files.readAllBytes(Path.of(dir, fileName));
    } catch (IOException e) {
      throw new UncheckedIOException("run through Maven: generate-test-resources copies " + fileName, e);
    }
  }

  static byte[] resource(String path) {
    try (InputStream in = ApplicationDependencyImage.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A Spring Boot executable jar as spring-boot-maven-plugin lays it out: the application's own
   * pom.properties, the loader's manifest, and its libraries STORED under BOOT-INF/lib.
   */
  static byte[] springBootJar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      Manifest manifest = new Manifest();
      Attributes main = manifest.getMainAttributes();
      main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
      main.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.JarLauncher");
      main.putValue("Start-Class", "com.example.orders.OrdersApplication");
      main.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
      main.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
      zip.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
      manifest.write(zip);
      deflated(zip, "META-INF/maven/com.example/orders/pom.properties",
          "artifactId=orders\ngroupId=com.example\nversion=1.0.0\n".getBytes(StandardCharsets.UTF_8));
      deflated(zip, "BOOT-INF/classes/application.properties", "server.port=8080\n".getBytes(StandardCharsets.UTF_8));
      byte[] jackson = artifact("jackson-databind-2.9.10.jar");
      ZipEntry nested = new ZipEntry("BOOT-INF/lib/jackson-databind-2.9.10.jar");
      nested.setMethod(ZipEntry.STORED);
      nested.setSize(jackson.length);
      nested.setCompressedSize(jackson.length);
      CRC32 crc = new CRC32();
      crc.update(jackson);
      nested.setCrc(crc.getValue());
      zip.putNextEntry(nested);
      zip.write(jackson);
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A shaded (uber) jar as maven-shade-plugin writes it without relocation: its own
   * pom.properties plus every entry of log4j-core 2.14.1, guava 16.0.1 and commons-io 1.4, their
   * META-INF/maven pom.properties included, so the jar names four Maven packages.
   */
  static byte[] shadedJar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Set<String> seen = new HashSet<>();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().putValue("Created-By", "Apache Maven Shade Plugin");
      zip.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
      manifest.write(zip);
      seen.add(JarFile.MANIFEST_NAME);
      deflated(zip, "META-INF/maven/com.example/reporting/pom.properties",
          "artifactId=reporting\ngroupId=com.example\nversion=1.0\n".getBytes(StandardCharsets.UTF_8));
      for (String jar : List.of("log4j-core-2.14.1.jar", "guava-16.0.1.jar", "commons-io-1.4.jar")) {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(artifact(jar)))) {
          for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
            if (e.isDirectory() || !seen.add(e.getName())) {
              continue;
            }
            deflated(zip, e.getName(), in.readAllBytes());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void deflated(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }
}
