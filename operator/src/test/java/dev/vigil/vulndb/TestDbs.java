package dev.vigil.vulndb;

import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.vulndb.source.DirectorySource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds snapshots and inventories for the vulndb tests. */
final class TestDbs {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);

  private TestDbs() {}

  static Path fixtures() {
    try {
      return Path.of(TestDbs.class.getResource("/osv").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies the 21 fixture records into {@code dir}, plus extra documents by file name. */
  static Path fixturesPlus(Path dir, Map<String, String> extra) throws IOException {
    try (Stream<Path> files = Files.list(fixtures())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    return dir;
  }

  static VulnDb load(Path dir) throws VulnDbLoadException {
    return new VulnDbLoader(CLOCK).load(new DirectorySource(dir));
  }

  static VulnDb loadRecords(Path dir, Map<String, String> documents)
      throws IOException, VulnDbLoadException {
    for (Map.Entry<String, String> e : documents.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    return load(dir);
  }

  static InstalledPackage deb(String name, String version, String source, String sourceVersion) {
    return new InstalledPackage("deb", name, version, source, sourceVersion, "amd64", "sha256:layer-" + name);
  }

  static InstalledPackage apk(String name, String version, String origin) {
    return new InstalledPackage("apk", name, version, origin, version, "x86_64", "sha256:layer-" + name);
  }

  static InstalledPackage rpm(String name, String version, String sourceRpm) {
    return new InstalledPackage("rpm", name, version, sourceRpm, version, "x86_64", "sha256:layer-" + name);
  }

  static Inventory inventory(String family, String version, InstalledPackage... packages) {
    return new Inventory(new OsInfo(family, version, null, false, null), List.of(packages), List.of());
  }

  /** A record with one ECOSYSTEM range built from "kind:version" event strings. */
  static String record(String id, String ecosystem, String name, String... events) {
    StringBuilder json = new StringBuilder();
    for (String event : events) {
      int colon = event.indexOf(':');
      if (json.length() > 0) {
        json.append(',');
      }
      json.append("{\"")
          .append(event, 0, colon)
          .append("\":\"")
          .append(event.substring(colon + 1))
          .append("\"}");
    }
    return """
        {"id":"%s","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"%s","name":"%s"},
         "ranges":[{"type":"ECOSYSTEM","events":[%s]}]}]}
        """
        .formatted(id, ecosystem, name, json);
  }
}
