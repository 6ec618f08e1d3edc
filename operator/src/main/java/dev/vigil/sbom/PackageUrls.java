package dev.vigil.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURLBuilder;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Package URLs (purl) for what a scan found, in the forms the purl specification's type
 * definitions give (github.com/package-url/purl-spec, {@code types/*-definition.json}).
 *
 * <p>packageurl-java does the percent-encoding and the normalisations it knows (golang lower
 * case, pypi {@code _}); the rest of each type's rules, and the spec's rule that a colon is never
 * percent-encoded, are applied here. The output is the canonical form of the spec's test suite
 * ({@code tests/types/*-test.json}). A package that cannot
 * be named by a valid purl gets none (empty), never an invented one.
 */
public final class PackageUrls {

  /**
   * OS ids whose vendor, the purl namespace, is spelled differently from the os-release ID
   * (purl rpm: "the vendor such as fedora or opensuse").
   */
  private static final Map<String, String> VENDORS = Map.of(
      "rhel", "redhat",
      "amzn", "amazon",
      "ol", "oracle",
      "sles", "suse",
      "sle-micro", "suse",
      "opensuse-leap", "opensuse",
      "opensuse-tumbleweed", "opensuse");

  /** purl type per OSV ecosystem of a language package. */
  private static final Map<String, String> TYPES = Map.of(
      "Maven", "maven",
      "npm", "npm",
      "PyPI", "pypi",
      "Go", "golang",
      "RubyGems", "gem",
      "crates.io", "cargo",
      "NuGet", "nuget",
      "Packagist", "composer");

  private static final Pattern PEP_503_SEPARATORS = Pattern.compile("[-_.]+");
  private static final Pattern EPOCH = Pattern.compile("^(\\d+):(.+)$");

  private PackageUrls() {}

  /**
   * The purl of an OS package: {@code pkg:deb/<vendor>/<name>@<version>?arch=..&distro=..},
   * {@code pkg:apk/<vendor>/<name>@<version>?arch=..&distro=..}, {@code
   * pkg:rpm/<vendor>/<name>@<version-release>?arch=..&distro=..&epoch=..}.
   *
   * <p>An epoch (dpkg {@code 1:2.38.1-5+deb12u3}, rpm {@code 1:1.42.2-1.el9}) moves to an
   * {@code epoch} qualifier for deb and rpm alike, the form the issue asks for and Trivy writes
   * ({@code pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12&epoch=1}); the
   * deb type definition is silent on epochs and some of its examples keep them in the version, so
   * consumers that parse either form find the same package. The component's version keeps the
   * epoch exactly as the package manager writes it. {@code distro} is {@code <os id>-<release>} with the
   * release as precisely as the image states it (debian-12.15 from debian_version, alpine-3.20.3,
   * ubuntu-22.04, rhel-9.4), as Trivy writes it.
   *
   * @param os the image's OS, null when unknown (the namespace then falls back to the vendor the
   *     database format implies: debian for dpkg, alpine for apk; rpm gets none)
   */
  public static Optional<String> of(InstalledPackage pkg, OsInfo os) {
    if (isBlank(pkg.type()) || isBlank(pkg.name()) || isBlank(pkg.version())) {
      return Optional.empty();
    }
    String type = pkg.type();
    PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType(type);
    String vendor = os == null ? null : VENDORS.getOrDefault(os.family(), os.family());
    switch (type) {
      case "deb" -> {
        b.withNamespace(vendor == null ? "debian" : vendor).withName(pkg.name().toLowerCase(Locale.ROOT));
        withEpochQualifier(b, pkg.version());
      }
      case "apk" -> b.withNamespace(vendor == null ? "alpine" : vendor)
          .withName(pkg.name().toLowerCase(Locale.ROOT)).withVersion(pkg.version());
      case "rpm" -> {
        if (vendor != null) {
          b.withNamespace(vendor);
        }
        // rpm names are case sensitive: kept as written.
        b.withName(pkg.name());
        withEpochQualifier(b, pkg.version());
      }
      default -> {
        return Optional.empty();
      }
    }
    if (!isBlank(pkg.arch())) {
      b.withQualifier("arch", pkg.arch());
    }
    String release = os == null ? null : isBlank(os.release()) ? os.version() : os.release();
    if (!isBlank(release)) {
      b.withQualifier("distro", os.family() + "-" + release);
    }
    return build(b);
  }

  /** Version without its epoch, the epoch (unless 0) as the {@code epoch} qualifier. */
  private static void withEpochQualifier(PackageURLBuilder b, String version) {
    var epoch = EPOCH.matcher(version);
    if (epoch.matches()) {
      b.withVersion(epoch.group(2));
      if (!epoch.group(1).equals("0")) {
        b.withQualifier("epoch", epoch.group(1));
      }
    } else {
      b.withVersion(version);
    }
  }

  /**
   * The purl of a language package, by its OSV ecosystem: {@code pkg:maven/<group>/<artifact>},
   * {@code pkg:npm/%40scope/name}, {@code pkg:pypi/<PEP 503 name>}, {@code
   * pkg:golang/<module path>} (lower case, as the golang definition requires), {@code pkg:gem},
   * {@code pkg:cargo}, {@code pkg:nuget} (case kept), {@code pkg:composer/<vendor>/<name>} (lower
   * case). A Maven package whose groupId is unknown, or an ecosystem without a purl type, gets
   * none.
   */
  public static Optional<String> of(ApplicationPackage pkg) {
    String type = pkg.ecosystem() == null ? null : TYPES.get(pkg.ecosystem());
    if (type == null || isBlank(pkg.name())) {
      return Optional.empty();
    }
    String name = pkg.name();
    PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType(type);
    switch (type) {
      case "maven" -> {
        int colon = name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
          return Optional.empty();
        }
        b.withNamespace(name.substring(0, colon)).withName(name.substring(colon + 1));
      }
      case "npm" -> {
        int slash = name.indexOf('/');
        if (name.startsWith("@") && slash > 1) {
          b.withNamespace(name.substring(0, slash).toLowerCase(Locale.ROOT))
              .withName(name.substring(slash + 1).toLowerCase(Locale.ROOT));
        } else {
          b.withName(name.toLowerCase(Locale.ROOT));
        }
      }
      case "pypi" -> b.withName(PEP_503_SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT));
      case "golang" -> {
        int slash = name.lastIndexOf('/');
        if (slash > 0) {
          b.withNamespace(name.substring(0, slash)).withName(name.substring(slash + 1));
        } else {
          b.withName(name);
        }
      }
      case "composer" -> {
        int slash = name.indexOf('/');
        if (slash > 0) {
          b.withNamespace(name.substring(0, slash).toLowerCase(Locale.ROOT))
              .withName(name.substring(slash + 1).toLowerCase(Locale.ROOT));
        } else {
          b.withName(name.toLowerCase(Locale.ROOT));
        }
      }
      default -> b.withName(name);
    }
    if (!isBlank(pkg.version())) {
      b.withVersion(pkg.version());
    }
    return build(b);
  }

  /**
   * The purl of the scanned image: {@code pkg:oci/<last repository segment>@<manifest
   * digest>?arch=..&repository_url=<registry>/<repository>&tag=..} (the oci definition: the name
   * is the last fragment of the repository, the version the digest).
   */
  public static Optional<String> of(ImageReference image, String manifestDigest, Platform platform) {
    String repository = image.repository();
    String name = repository.substring(repository.lastIndexOf('/') + 1);
    PackageURLBuilder b = PackageURLBuilder.aPackageURL().withType("oci")
        .withName(name.toLowerCase(Locale.ROOT))
        .withVersion(manifestDigest)
        .withQualifier("repository_url", image.registry() + "/" + repository);
    if (image.tag() != null) {
      b.withQualifier("tag", image.tag());
    }
    if (platform != null && !isBlank(platform.architecture())) {
      b.withQualifier("arch", platform.architecture());
    }
    return build(b);
  }

  private static Optional<String> build(PackageURLBuilder b) {
    try {
      // ECMA-427 (the purl spec): "the colon ':', whether used as a Separator Character or
      // otherwise" must not be percent-encoded; packageurl-java 1.5 encodes it. Every %3A in its
      // output stands for a ':' of the input (a literal "%" is itself encoded as %25).
      return Optional.of(b.build().canonicalize().replace("%3A", ":"));
    } catch (MalformedPackageURLException e) {
      // A name the type cannot carry (e.g. an empty segment): no purl rather than a wrong one.
      return Optional.empty();
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
