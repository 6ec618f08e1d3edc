package dev.vigil.vulndb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises CVE ids, directly ("CVE-2014-3616") or inside the ids distributions derive from
 * them ("DEBIAN-CVE-2014-3616", "UBUNTU-CVE-2019-3462"): those databases name their per-CVE
 * records after the CVE, so the id itself says which CVE the record is about.
 */
final class CveIds {
  private static final Pattern CVE = Pattern.compile("(?:[A-Z][A-Z0-9]*-)?(CVE-\\d{4}-\\d{4,})");

  private CveIds() {}

  /** The CVE an id names, or null. */
  static String named(String id) {
    Matcher matcher = CVE.matcher(id);
    return matcher.matches() ? matcher.group(1) : null;
  }
}
