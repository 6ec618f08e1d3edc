package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.FileEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VIG-IMG-016. Package indexes and download caches left by the build: megabytes every node pulls,
 * and stale indexes that make a later package install inside the container pick old versions. Only
 * regular files count: the empty directories (and apt's lock file) that base images ship are not a
 * cache.
 */
final class PackageCacheCheck implements ImageCheck {

  /** Group 1 is the cache directory reported as evidence. */
  private static final List<Pattern> CACHES =
      List.of(
          Pattern.compile("(var/lib/apt/lists)/(?!lock$).+"),
          Pattern.compile("(var/cache/apt)/.+\\.(?:deb|bin)"),
          Pattern.compile("(var/cache/apk)/.+"),
          Pattern.compile("(var/cache/(?:yum|dnf))/.+"),
          Pattern.compile("((?:root|home/[^/]+)/\\.cache/pip)/.+"),
          Pattern.compile("((?:root|home/[^/]+)/\\.npm/_cacache)/.+"));

  @Override
  public String id() {
    return "VIG-IMG-016";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Package manager caches left in the image";
  }

  @Override
  public String remediation() {
    return "Clean up in the same RUN step that installs (rm -rf /var/lib/apt/lists/*, apk add"
        + " --no-cache, dnf clean all, pip install --no-cache-dir, npm cache clean --force) or"
        + " use a cache mount (RUN --mount=type=cache).";
  }

  /** Every pattern starts under one of these: most paths of an image need no regex at all. */
  private static boolean underCacheRoot(String path) {
    return path.startsWith("var/") || path.startsWith("root/") || path.startsWith("home/");
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    Map<String, long[]> perCache = new TreeMap<>();
    for (FileEntry e : context.files().entries()) {
      if (e.type() != FileEntry.Type.FILE || !underCacheRoot(e.path())) {
        continue;
      }
      for (Pattern cache : CACHES) {
        Matcher m = cache.matcher(e.path());
        if (m.matches()) {
          long[] countAndSize = perCache.computeIfAbsent(m.group(1), k -> new long[2]);
          countAndSize[0]++;
          countAndSize[1] += e.size();
          break;
        }
      }
    }
    List<String> evidence = new ArrayList<>();
    perCache.forEach(
        (dir, cs) ->
            evidence.add(
                Evidence.path(dir)
                    + ": "
                    + cs[0]
                    + (cs[0] == 1 ? " file, " : " files, ")
                    + size(cs[1])));
    return evidence;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
