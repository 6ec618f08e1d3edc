package dev.vigil.operator;

import dev.vigil.api.ScanSchedule;
import dev.vigil.api.ScanScheduleStatus;
import java.util.concurrent.CompletableFuture;

/** Carries out one scheduled run over a ScanSchedule's scope. */
public interface ScanRunner {

  CompletableFuture<ScanScheduleStatus.LastRun> run(ScanSchedule schedule);
}
