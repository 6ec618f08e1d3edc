package dev.vigil.image.checks;

import java.util.Set;

/**
 * Splits forbidden executable names between the two checks that report them: build toolchains and
 * package managers (VIG-IMG-006: a build stage leaked into the runtime image) and everything else —
 * shells, network/download tools, privilege tools and names a policy adds (VIG-IMG-005: tools an
 * intruder uses once inside).
 */
final class BinaryKinds {

  private static final Set<String> BUILD_TOOLS_AND_PACKAGE_MANAGERS =
      Set.of(
          // compilers, linkers and build drivers
          "gcc",
          "cc",
          "c++",
          "g++",
          "clang",
          "clang++",
          "ld",
          "as",
          "make",
          "cmake",
          "ninja",
          "go",
          "javac",
          "mvn",
          "gradle",
          "rustc",
          "cargo",
          // language package managers
          "pip",
          "pip3",
          "npm",
          "yarn",
          "pnpm",
          "gem",
          "bundle",
          "composer",
          // OS package managers
          "apt",
          "apt-get",
          "aptitude",
          "dpkg",
          "apk",
          "yum",
          "dnf",
          "microdnf",
          "rpm",
          "zypper",
          "pacman");

  private BinaryKinds() {}

  static boolean isBuildToolOrPackageManager(String name) {
    return BUILD_TOOLS_AND_PACKAGE_MANAGERS.contains(name);
  }
}
