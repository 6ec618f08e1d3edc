package dev.vigil.vulndb.version;

import java.util.Objects;
import org.apache.maven.artifact.versioning.ComparableVersion;

/**
 * Maven's version order: {@link ComparableVersion} of maven-artifact 3.8.6 itself, the
 * implementation OSV's Maven ordering was checked against (osv-scalibr's generated vectors). Later
 * maven-artifact releases (3.8.7, 3.9.x) order qualifiers after a dot differently (MNG-7559) and
 * disagree with 18 real advisory pairs, so the version is pinned.
 *
 * <p>ComparableVersion accepts any string: numbers of any size, qualifiers (alpha, beta,
 * milestone, rc/cr, snapshot, ga/final/release, sp, then any other word), separators {@code .}
 * and {@code -}, and transitions between digits and letters. It nests one list per separator or
 * transition and compares recursively, so a hostile string of thousands of them would exhaust the
 * stack: only the first 256 characters are parsed ({@link BoundedVersionScheme}).
 *
 * <p>Unlike the OS schemes this one parses both strings per comparison (about half a microsecond);
 * language packages are few per image and their advisories few per package.
 */
public final class MavenVersionScheme extends BoundedVersionScheme {

  public static final MavenVersionScheme INSTANCE = new MavenVersionScheme();

  private MavenVersionScheme() {}

  @Override
  public String name() {
    return "maven";
  }

  @Override
  int compareBounded(String a, String b) {
    return new ComparableVersion(a).compareTo(new ComparableVersion(b));
  }

  /**
   * Maven itself accepts any string as a version; here a version is valid when it is not empty,
   * at most 256 characters long and has no blank or control character.
   */
  @Override
  public boolean isValid(String version) {
    Objects.requireNonNull(version, "version");
    return isPlausible(version);
  }
}
