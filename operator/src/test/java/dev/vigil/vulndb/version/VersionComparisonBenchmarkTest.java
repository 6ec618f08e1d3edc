package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Times 1,000,000 comparisons of real advisory version pairs (the vector files) and prints the
 * figures. Run with {@code mvn test -Pbenchmark -Dtest=VersionComparisonBenchmarkTest}.
 */
@Tag("benchmark")
class VersionComparisonBenchmarkTest {

  private static final int COMPARISONS = 1_000_000;

  @Test
  void dpkgComparisons() throws IOException {
    time(DpkgVersionScheme.INSTANCE, "debian-versions-generated.txt");
  }

  @Test
  void apkComparisons() throws IOException {
    time(ApkVersionScheme.INSTANCE, "alpine-versions-generated.txt");
  }

  @Test
  void rpmComparisons() throws IOException {
    time(RpmVersionScheme.INSTANCE, "redhat-versions.txt");
  }

  @Test
  void mavenComparisons() throws IOException {
    time(MavenVersionScheme.INSTANCE, "appdeps/maven-versions-generated.txt");
  }

  @Test
  void pep440Comparisons() throws IOException {
    time(Pep440VersionScheme.INSTANCE, "appdeps/pypi-versions-generated.txt");
  }

  @Test
  void rubyGemsComparisons() throws IOException {
    time(RubyGemsVersionScheme.INSTANCE, "appdeps/rubygems-versions-generated.txt");
  }

  @Test
  void packagistComparisons() throws IOException {
    time(PackagistVersionScheme.INSTANCE, "appdeps/packagist-versions-generated.txt");
  }

  @Test
  void nugetComparisons() throws IOException {
    time(NuGetVersionScheme.INSTANCE, "appdeps/nuget-versions.txt");
  }

  private void time(VersionScheme scheme, String file) throws IOException {
    List<String[]> pairs = pairs(file);
    long sink = 0;
    for (int round = 0; round < 3; round++) { // warm-up: let the JIT compile the scanner
      sink += run(scheme, pairs);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    long start = System.nanoTime();
    sink += run(scheme, pairs);
    long elapsed = System.nanoTime() - start;
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    System.out.printf(
        "%s: %,d comparisons of %d real pairs (%s) in %.1f ms = %.1f ns/comparison,"
            + " %.2f bytes allocated/comparison (sink %d)%n",
        scheme.name(), COMPARISONS, pairs.size(), file, elapsed / 1e6,
        (double) elapsed / COMPARISONS, (double) allocated / COMPARISONS, sink);
    assertTrue(sink != 0, "comparisons produced results");
  }

  private static long run(VersionScheme scheme, List<String[]> pairs) {
    long sum = 0;
    int size = pairs.size();
    for (int k = 0; k < COMPARISONS; k++) {
      String[] pair = pairs.get(k % size);
      sum += scheme.compare(pair[0], pair[1]);
    }
    return sum;
  }

  private List<String[]> pairs(String file) throws IOException {
    List<String[]> pairs = new ArrayList<>();
    try (InputStream in = getClass().getResourceAsStream("/versions/" + file)) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        String[] parts = line.strip().split(" ");
        if (parts.length == 3 && !parts[0].startsWith("#")) {
          pairs.add(new String[] {parts[0], parts[2]});
        }
      }
    }
    return pairs;
  }
}
