package dev.vigil.api;

/** Kinds of workload Vigil discovers. */
public enum WorkloadKind {
  Deployment,
  StatefulSet,
  DaemonSet,
  CronJob,
  Job,
  Pod
}
