package dev.vigil.workload;

import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;

/**
 * One container of a workload and the image it runs.
 *
 * @param workload the workload the container belongs to
 * @param container the container's name
 * @param containerType which pod-spec list the container is in
 * @param reference the image reference as written in the pod spec (not normalised)
 * @param imagePullPolicy the pull policy as written, or when the spec leaves it out the API
 *     server's default (Always for ":latest" and untagged references, else IfNotPresent);
 *     null only for an image reference that does not parse
 * @param digest the registry manifest digest ("sha256:...") the workload's current pods run, or
 *     null when no current pod reports one (none running yet, or the runtime reports only a
 *     local image id); the scanner then resolves {@code reference} in the registry
 */
public record ContainerImage(
    Workload workload,
    String container,
    ContainerType containerType,
    String reference,
    String imagePullPolicy,
    String digest) {}
