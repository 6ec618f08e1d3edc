package dev.vigil.api;

/** The least severity that makes an image non-compliant; None never does. */
public enum SeverityThreshold {
  Critical,
  High,
  Medium,
  Low,
  None;

  /** True when a finding of {@code severity} reaches this threshold. */
  public boolean isReachedBy(Severity severity) {
    return switch (this) {
      case None -> false;
      case Critical -> severity == Severity.Critical;
      case High -> severity.atLeast(Severity.High);
      case Medium -> severity.atLeast(Severity.Medium);
      case Low -> severity.atLeast(Severity.Low);
    };
  }
}
