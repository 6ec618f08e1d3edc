package dev.vigil.vulndb;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the state of a {@link VulnDbHolder}: records in the snapshot, when its newest
 * record was modified, the load problems counted, failed refreshes, and when the last failure
 * happened (0 while the last refresh succeeded). NaN values mean "no snapshot yet".
 */
public final class VulnDbMetrics implements MeterBinder {

  private final VulnDbHolder holder;

  public VulnDbMetrics(VulnDbHolder holder) {
    this.holder = holder;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("vigil.vulndb.records", holder, h -> h.current().map(db -> (double) db.recordCount()).orElse(Double.NaN))
        .description("Records in the vulnerability database snapshot in use")
        .register(registry);
    Gauge.builder(
            "vigil.vulndb.updated",
            holder,
            h -> h.current().map(db -> db.updated().getEpochSecond() * 1.0).orElse(Double.NaN))
        .description("Newest record modification time in the snapshot (Unix seconds)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder(
            "vigil.vulndb.load.problems",
            holder,
            h -> h.current().map(db -> (double) db.loadReport().problemCount()).orElse(Double.NaN))
        .description("Entries skipped as unreadable, malformed or invalid when the snapshot was loaded")
        .register(registry);
    FunctionCounter.builder("vigil.vulndb.load.failures", holder, h -> h.failureCount())
        .description("Refreshes that could not load the vulnerability database")
        .register(registry);
    Gauge.builder(
            "vigil.vulndb.last.failure",
            holder,
            h -> h.lastFailure().map(f -> f.time().getEpochSecond() * 1.0).orElse(0.0))
        .description("Time of the last failed refresh (Unix seconds), 0 when the last refresh worked")
        .baseUnit("seconds")
        .register(registry);
  }
}
