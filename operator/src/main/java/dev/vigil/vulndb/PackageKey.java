package dev.vigil.vulndb;

/** Which name and version of an installed package an ecosystem's advisories are keyed by. */
public enum PackageKey {
  /** Source package and source version (Debian, Ubuntu) or origin (Alpine, Wolfi, Chainguard). */
  SOURCE,
  /** Binary package name and installed version (Red Hat, AlmaLinux). */
  BINARY,
  /** Binary name first, then the source name (Rocky Linux: the schema says source, data differ). */
  BINARY_THEN_SOURCE
}
