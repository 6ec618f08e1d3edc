package dev.vigil.operator;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings the reconcilers share.
 *
 * @param operatorNamespace namespace the operator runs in; only policies and schedules there
 *     may reach into other namespaces
 * @param minScanInterval shortest interval a ScanSchedule may ask for
 * @param eventRepeatInterval how often the same event may repeat for one object
 * @param clock time source
 */
public record OperatorSettings(
    String operatorNamespace, Duration minScanInterval, Duration eventRepeatInterval, Clock clock) {}
