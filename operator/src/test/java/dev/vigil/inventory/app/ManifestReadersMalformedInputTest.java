package dev.vigil.inventory.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.inventory.ApplicationPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every fixture, cut short and with bytes overwritten, offered to every reader at a path that
 * reader wants: whatever the damage, a reader answers with packages and problems, never an
 * exception, and every problem names the file.
 */
class ManifestReadersMalformedInputTest {

  private static final List<Map.Entry<LanguagePackageReader, String>> READERS =
      List.of(
          Map.entry(new NpmPackageReader(), "app/node_modules/x/package.json"),
          Map.entry(new PythonMetadataReader(), "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA"),
          Map.entry(new PythonMetadataReader(), "usr/lib/python3/dist-packages/x-1.0-py3.11.egg"),
          Map.entry(new GemspecReader(), "usr/local/bundle/specifications/x-1.0.gemspec"),
          Map.entry(new DotnetDepsReader(), "app/x.deps.json"),
          Map.entry(new ComposerInstalledReader(), "app/vendor/composer/installed.json"));

  @Test
  void damagedFixturesGiveProblemsNeverExceptions() throws Exception {
    List<Path> fixtures;
    try (Stream<Path> walk = Files.walk(ManifestFixtures.dir(""))) {
      fixtures = walk.filter(Files::isRegularFile)
          .filter(f -> f.toString().contains("/inventory/app/node/")
              || f.toString().contains("/inventory/app/python/")
              || f.toString().contains("/inventory/app/ruby/")
              || f.toString().contains("/inventory/app/dotnet/")
              || f.toString().contains("/inventory/app/php/"))
          .sorted().toList();
    }
    assertTrue(fixtures.size() > 100, fixtures.size() + " fixtures");
    Random random = new Random(20261206L);
    int offers = 0;
    for (Path fixture : fixtures) {
      byte[] original = Files.readAllBytes(fixture);
      for (int round = 0; round < 6; round++) {
        byte[] damaged = damage(original, random, round);
        for (Map.Entry<LanguagePackageReader, String> reader : READERS) {
          offers++;
          String path = reader.getValue();
          PackageEvidence evidence;
          try {
            evidence = reader.getKey().read(path, new ManifestFixtures.WalkerStream(damaged), damaged.length);
          } catch (Exception | StackOverflowError e) {
            throw new AssertionError(reader.getKey().name() + " on " + fixture + " round " + round, e);
          }
          for (String problem : evidence.problems()) {
            if (!problem.startsWith("/" + path)) {
              fail(reader.getKey().name() + ": problem without its path: " + problem);
            }
          }
          for (ApplicationPackage p : evidence.packages()) {
            assertTrue(!p.name().isBlank() && p.path().startsWith("/" + path), p.toString());
          }
        }
      }
    }
    System.out.printf("%d damaged offers to the readers%n", offers);
  }

  /** Round 0: unchanged; 1-2: cut short; 3-4: bytes overwritten; 5: deeply nested JSON. */
  private static byte[] damage(byte[] original, Random random, int round) {
    if (round == 0 || original.length == 0) {
      return original;
    }
    if (round <= 2) {
      return java.util.Arrays.copyOf(original, random.nextInt(original.length));
    }
    if (round <= 4) {
      byte[] copy = original.clone();
      for (int i = 0; i < 1 + copy.length / 50; i++) {
        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
      }
      return copy;
    }
    return ("{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes();
  }
}
