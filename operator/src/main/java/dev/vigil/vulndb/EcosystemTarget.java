package dev.vigil.vulndb;

/**
 * One OSV ecosystem to look an OS's packages up in.
 *
 * @param ecosystem the ecosystem string as the records spell it, e.g. "Ubuntu:Pro:18.04:LTS"
 * @param key which of the installed package's names and versions to use
 */
public record EcosystemTarget(String ecosystem, PackageKey key) {}
