package dev.vigil.api;

/** Severity of a vulnerability or a check finding, most severe first. */
public enum Severity {
  Critical,
  High,
  Medium,
  Low,
  Unknown;

  /** True when this severity is at least as severe as {@code threshold}. */
  public boolean atLeast(Severity threshold) {
    return this.ordinal() <= threshold.ordinal();
  }
}
