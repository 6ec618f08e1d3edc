package dev.vigil.vulndb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.vulndb.source.DirectorySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnDbMetricsTest {

  @TempDir Path dir;

  @Test
  void gaugesFollowTheHolderThroughLoadAndFailure() throws Exception {
    VulnDbHolder holder = new VulnDbHolder(new VulnDbLoader(TestDbs.CLOCK), TestDbs.CLOCK);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new VulnDbMetrics(holder).bindTo(registry);
    assertTrue(Double.isNaN(registry.get("vigil.vulndb.records").gauge().value()));

    Files.writeString(dir.resolve("X-1.json"), TestDbs.record("X-1", "Debian:12", "foo", "introduced:0"));
    Files.writeString(dir.resolve("BAD.json"), "{");
    DirectorySource source = new DirectorySource(dir);
    holder.refresh(source);
    assertEquals(1.0, registry.get("vigil.vulndb.records").gauge().value());
    assertEquals(1.0, registry.get("vigil.vulndb.load.problems").gauge().value());
    assertEquals(1704067200.0, registry.get("vigil.vulndb.updated").gauge().value());
    assertEquals(0.0, registry.get("vigil.vulndb.last.failure").gauge().value());

    Files.delete(dir.resolve("X-1.json"));
    holder.refresh(source);
    assertEquals(1.0, registry.get("vigil.vulndb.load.failures").functionCounter().count());
    assertEquals(
        TestDbs.CLOCK.instant().getEpochSecond() * 1.0,
        registry.get("vigil.vulndb.last.failure").gauge().value());
    assertEquals(1.0, registry.get("vigil.vulndb.records").gauge().value());
  }
}
