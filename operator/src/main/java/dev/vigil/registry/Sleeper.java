package dev.vigil.registry;

import java.time.Duration;

/** Waits between retries. Replaceable so tests can see the waits without spending them. */
@FunctionalInterface
public interface Sleeper {

  /** Thread.sleep. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  void sleep(Duration duration) throws InterruptedException;
}
