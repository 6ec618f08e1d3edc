package dev.vigil.policy;

import java.util.regex.Pattern;

/**
 * A glob over normalised image references ("registry.example.com/payments/web:1.4"):
 * {@code *} matches within one path segment, {@code **} across segments, {@code ?} one
 * character. A pattern without a tag or digest part also matches any tag or digest of the
 * repositories it names, so "docker.io/library/*" covers "docker.io/library/nginx:1.27".
 */
public final class ImageGlob {

  private static final Pattern ALLOWED = Pattern.compile("^[a-zA-Z0-9._:/@*?+-]+$");

  private final String text;
  private final Pattern regex;

  private ImageGlob(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  /**
   * Compiles a glob.
   *
   * @throws IllegalArgumentException with the reason when the glob cannot match an image
   */
  public static ImageGlob compile(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("an image glob must not be empty");
    }
    if (glob.length() > 512) {
      throw new IllegalArgumentException("image glob '" + glob.substring(0, 40) + "...' is too long");
    }
    if (!ALLOWED.matcher(glob).matches()) {
      throw new IllegalArgumentException(
          "image glob '" + glob + "' may only contain letters, digits, . _ - : / @ + and * ?");
    }
    if (glob.contains("***")) {
      throw new IllegalArgumentException("image glob '" + glob + "' has '***'; use * or **");
    }
    if (glob.startsWith("/") || glob.contains("//")) {
      throw new IllegalArgumentException("image glob '" + glob + "' has an empty path segment");
    }
    StringBuilder re = new StringBuilder("^");
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    // A glob naming only repositories also covers their tags and digests.
    String last = glob.substring(glob.lastIndexOf('/') + 1);
    if (!last.contains(":") && !last.contains("@")) {
      re.append("([:@].*)?");
    }
    re.append('$');
    return new ImageGlob(glob, Pattern.compile(re.toString()));
  }

  public boolean matches(String normalisedReference) {
    return regex.matcher(normalisedReference).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
