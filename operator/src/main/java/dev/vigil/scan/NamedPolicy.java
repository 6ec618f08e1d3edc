package dev.vigil.scan;

import dev.vigil.api.ImagePolicySpec;

/**
 * A policy that applies to an image, with the name reports show for it.
 *
 * @param name "name" for a policy in the workload's namespace, "namespace/name" otherwise
 * @param spec the policy's spec
 */
public record NamedPolicy(String name, ImagePolicySpec spec) {}
