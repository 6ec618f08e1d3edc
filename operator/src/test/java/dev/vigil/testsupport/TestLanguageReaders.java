package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.app.LanguagePackageReader;
import dev.vigil.inventory.app.LanguagePackages;
import dev.vigil.inventory.app.PackageEvidence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Small language-package readers for testing what is built around the real ones (the layer walk
 * hook, the final view, OS-owned exclusion, matching, reports): the ecosystems' own readers are
 * written and tested elsewhere.
 */
public final class TestLanguageReaders {

  private TestLanguageReaders() {}

  /** Both readers below. */
  public static LanguagePackages both(Set<String> listedPaths) {
    return new LanguagePackages(List.of(new Lines(listedPaths), new NpmPackageJson()));
  }

  /** The npm reader alone. */
  public static LanguagePackages npm() {
    return new LanguagePackages(List.of(new NpmPackageJson()));
  }

  /**
   * Reads files ending in ".pkgs", and any file at one of the listed paths: one package per line,
   * "ECOSYSTEM NAME VERSION"; other lines are problems.
   */
  public static final class Lines implements LanguagePackageReader {
    private final Set<String> listedPaths;

    public Lines(Set<String> listedPaths) {
      this.listedPaths = Set.copyOf(listedPaths);
    }

    @Override
    public String name() {
      return "test-lines";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean wants(String path, int mode, long size) {
      return path.endsWith(".pkgs") || listedPaths.contains(path);
    }

    @Override
    public PackageEvidence read(String path, InputStream content, long size) throws IOException {
      List<ApplicationPackage> packages = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      int number = 0;
      for (String line : new String(content.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        if (parts.length != 3) {
          problems.add("/" + path + ": line " + number + " is not 'ECOSYSTEM NAME VERSION'");
          continue;
        }
        packages.add(new ApplicationPackage(parts[0], parts[1], parts[2], "/" + path, null));
      }
      return new PackageEvidence(packages, problems);
    }
  }

  /**
   * npm's installed {@code node_modules/<name>/package.json} and {@code
   * node_modules/@scope/name/package.json}: the manifest's own name and version, nothing else.
   */
  public static final class NpmPackageJson implements LanguagePackageReader {
    private static final Pattern MANIFEST =
        Pattern.compile("(?:.*/)?node_modules/(?:@[^/]+/)?[^/@][^/]*/package\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
      return "test-npm";
    }

    @Override
    public int version() {
      return 1;
    }

    @Override
    public boolean wants(String path, int mode, long size) {
      return size < 1024 * 1024 && MANIFEST.matcher(path).matches();
    }

    @Override
    public PackageEvidence read(String path, InputStream content, long size) throws IOException {
      JsonNode manifest;
      try {
        manifest = JSON.readTree(content);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return new PackageEvidence(List.of(), List.of("/" + path + ": not JSON: " + e.getOriginalMessage()));
      }
      String name = manifest.path("name").asText("");
      String version = manifest.path("version").asText("");
      if (name.isEmpty() || version.isEmpty()) {
        return new PackageEvidence(List.of(), List.of("/" + path + ": no name or version"));
      }
      return new PackageEvidence(
          List.of(new ApplicationPackage("npm", name, version, "/" + path, null)), List.of());
    }
  }
}
