package dev.vigil.inventory.app;

/**
 * The artifactId and version a Java archive's file name suggests ("log4j-core-2.14.1.jar"). Only
 * evidence that confirms or completes other metadata: a file name never carries a groupId, and
 * people rename jars ("app.jar", tomcat's "jasper-el.jar").
 *
 * <p>The split follows osv-scalibr's rule: the first "-" whose remainder starts with a digit,
 * "build" and a digit, or "r"/"rc" and digits not followed by a letter; failing that the same with
 * "_", then ".".
 *
 * @param artifactId the part before the version, or the whole stem when there is no version
 * @param version the version, or null when the name has none
 */
public record JarFileName(String artifactId, String version) {

  /** Parses the last path segment (also after "!/"), without its extension. */
  public static JarFileName parse(String path) {
    String name = path;
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('!'));
    name = name.substring(slash + 1);
    int colon = name.lastIndexOf(':');
    name = name.substring(colon + 1);
    int dot = name.lastIndexOf('.');
    if (dot > 0 && isArchiveExtension(name.substring(dot + 1))) {
      name = name.substring(0, dot);
    }
    for (char separator : new char[] {'-', '_', '.'}) {
      int from = 0;
      while (true) {
        int at = name.indexOf(separator, from);
        if (at < 0) {
          break;
        }
        String rest = name.substring(at + 1);
        if (at > 0 && startsLikeVersion(rest)) {
          return new JarFileName(name.substring(0, at), rest);
        }
        from = at + 1;
      }
    }
    return new JarFileName(name, null);
  }

  private static boolean isArchiveExtension(String ext) {
    return ext.chars().allMatch(Character::isLetter) && ext.length() <= 5;
  }

  private static boolean startsLikeVersion(String rest) {
    if (rest.isEmpty()) {
      return false;
    }
    if (Character.isDigit(rest.charAt(0))) {
      return true;
    }
    if (rest.startsWith("build") && rest.length() > 5 && Character.isDigit(rest.charAt(5))) {
      return true;
    }
    int i;
    if (rest.startsWith("rc")) {
      i = 2;
    } else if (rest.startsWith("r")) {
      i = 1;
    } else {
      return false;
    }
    int digits = i;
    while (i < rest.length() && Character.isDigit(rest.charAt(i))) {
      i++;
    }
    return i > digits && (i == rest.length() || !Character.isLetter(rest.charAt(i)));
  }
}
