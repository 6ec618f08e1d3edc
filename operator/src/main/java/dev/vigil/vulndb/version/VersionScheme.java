package dev.vigil.vulndb.version;

import java.util.Comparator;

/**
 * The ordering rules of one package ecosystem's version strings.
 *
 * <p>{@link #compare} accepts any string, however malformed, and never throws for non-null
 * input: malformed versions get a deterministic place in the order (documented per scheme), and
 * {@link #isValid} tells whether a string is well-formed under the scheme's own tool, so callers
 * can decide how far to trust a comparison.
 *
 * <p>Implementations are stateless, thread-safe singletons. The OS package schemes (dpkg, apk,
 * rpm) and SemVer do not allocate per comparison; they are meant to be called millions of times.
 * The other language schemes (Maven, PEP 440, RubyGems, NuGet, Packagist) parse both versions per
 * comparison, bounded to their first 256 characters ({@link BoundedVersionScheme}): an image has
 * few language packages and each few advisories.
 */
public interface VersionScheme extends Comparator<String> {

  /** Short name of the scheme, for logs and reports (e.g. "dpkg"). */
  String name();

  /** True when the version is well-formed under this scheme's rules. */
  boolean isValid(String version);
}
