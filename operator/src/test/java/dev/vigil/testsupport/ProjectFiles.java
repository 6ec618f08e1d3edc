package dev.vigil.testsupport;

import java.nio.file.Path;

/** Paths into the checkout, as Surefire passes them. */
public final class ProjectFiles {

  private ProjectFiles() {}

  public static Path root() {
    String root = System.getProperty("vigil.projectRoot");
    return root != null ? Path.of(root).normalize() : Path.of("..").toAbsolutePath().normalize();
  }

  public static Path generatedCrds() {
    String dir = System.getProperty("vigil.generatedCrds");
    return dir != null ? Path.of(dir) : root().resolve("operator/target/classes/META-INF/fabric8");
  }
}
