package dev.vigil.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.packageurl.PackageURL;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The purl forms of github.com/package-url/purl-spec types/*-definition.json: the spec's own
 * examples where it has them, and the normalisation rules each type states.
 */
class PackageUrlsTest {

  static final OsInfo DEBIAN_12 = new OsInfo("debian", "12", "Debian GNU/Linux 12 (bookworm)", false, null);

  static String os(String type, String name, String version, String arch, OsInfo os) {
    return PackageUrls.of(new InstalledPackage(type, name, version, name, version, arch, null), os).orElseThrow();
  }

  static Optional<String> app(String ecosystem, String name, String version) {
    return PackageUrls.of(new ApplicationPackage(ecosystem, name, version, "/x", null));
  }

  @Test
  void debMovesTheDpkgEpochToAQualifierAndEncodesPlus() throws Exception {
    String purl = os("deb", "bsdutils", "1:2.38.1-5+deb12u3", "amd64", DEBIAN_12);
    assertEquals("pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12&epoch=1", purl);
    PackageURL parsed = new PackageURL(purl);
    assertEquals("2.38.1-5+deb12u3", parsed.getVersion());
    assertEquals("1", parsed.getQualifiers().get("epoch"));
    assertEquals("pkg:deb/debian/bash@5.2.15-2%2Bb7?arch=amd64&distro=debian-12",
        os("deb", "bash", "5.2.15-2+b7", "amd64", DEBIAN_12), "no epoch, no qualifier");
  }

  @Test
  void distroNamesThePointReleaseWhenTheImageStatesIt() {
    OsInfo bookworm = new OsInfo("debian", "12", "Debian GNU/Linux 12 (bookworm)", false, null, "12.15");
    assertEquals("pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1",
        os("deb", "bsdutils", "1:2.38.1-5+deb12u3", "amd64", bookworm), "the form the issue names");
  }

  @Test
  void outputIsTheCanonicalFormOfTheSpecTestSuite() {
    // purl-spec tests/types/oci-test.json, "build" case: a colon is never percent-encoded, '/' in
    // a qualifier value is. (Its deb-test.json keeps a dpkg epoch in the version; Vigil writes the
    // epoch qualifier instead, as the issue and Trivy do; see PackageUrls.of.)
    assertEquals("pkg:oci/debian@sha256:244fd47e07d10?arch=amd64&repository_url=docker.io%2Flibrary%2Fdebian&tag=latest",
        PackageUrls.of(ImageReference.parse("debian:latest"), "sha256:244fd47e07d10", Platform.LINUX_AMD64)
            .orElseThrow());
  }

  @Test
  void debVendorIsTheDistributionAndDistroNamesTheRelease() {
    OsInfo ubuntu = new OsInfo("ubuntu", "22.04", null, false, null);
    assertEquals("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?arch=amd64&distro=ubuntu-22.04",
        os("deb", "libc6", "2.35-0ubuntu3.1", "amd64", ubuntu));
    assertEquals("pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all",
        os("deb", "tzdata", "2024a-0+deb12u1", "all", null), "no OS known: dpkg implies Debian, no distro");
  }

  @Test
  void rpmMovesTheEpochToAQualifierAndKeepsTheNameCase() {
    OsInfo rhel = new OsInfo("rhel", "9", null, false, null);
    assertEquals("pkg:rpm/redhat/NetworkManager-libnm@1.42.2-1.el9?arch=x86_64&distro=rhel-9&epoch=1",
        os("rpm", "NetworkManager-libnm", "1:1.42.2-1.el9", "x86_64", rhel));
    OsInfo mariner = new OsInfo("mariner", "2.0", null, false, null);
    assertEquals("pkg:rpm/mariner/curl@7.76.0-6.cm2?arch=x86_64&distro=mariner-2.0",
        os("rpm", "curl", "7.76.0-6.cm2", "x86_64", mariner));
    assertEquals("pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25",
        os("rpm", "curl", "7.50.3-1.fc25", "i386", new OsInfo("fedora", "25", null, false, null)),
        "the spec's example");
    assertEquals("pkg:rpm/opensuse/glibc@2.31-150300.9.3?arch=x86_64&distro=opensuse-leap-15.3",
        os("rpm", "glibc", "2.31-150300.9.3", "x86_64", new OsInfo("opensuse-leap", "15.3", null, false, null)));
  }

  @Test
  void apkCarriesVendorArchAndDistro() {
    assertEquals("pkg:apk/alpine/curl@7.83.0-r0?arch=x86&distro=alpine-3.16",
        os("apk", "curl", "7.83.0-r0", "x86", new OsInfo("alpine", "3.16", null, false, null)));
    assertEquals("pkg:apk/wolfi/glibc@2.39-r1?arch=x86_64",
        os("apk", "glibc", "2.39-r1", "x86_64", new OsInfo("wolfi", null, null, false, null)),
        "a rolling distribution has no release to name");
  }

  @Test
  void languagePackagesFollowTheirTypeDefinitions() {
    Map<String, String> expected = Map.ofEntries(
        Map.entry("Maven|org.apache.logging.log4j:log4j-core|2.14.1", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        Map.entry("npm|lodash|4.17.20", "pkg:npm/lodash@4.17.20"),
        Map.entry("npm|@angular/animation|12.3.1", "pkg:npm/%40angular/animation@12.3.1"),
        Map.entry("PyPI|Django_Allauth|0.50.0", "pkg:pypi/django-allauth@0.50.0"),
        Map.entry("PyPI|zope.interface|5.4.0", "pkg:pypi/zope-interface@5.4.0"),
        Map.entry("Go|github.com/Azure/go-autorest|v14.2.0+incompatible",
            "pkg:golang/github.com/azure/go-autorest@v14.2.0%2Bincompatible"),
        Map.entry("Go|stdlib|go1.22.1", "pkg:golang/stdlib@go1.22.1"),
        Map.entry("RubyGems|ruby-advisory-db-check|0.12.4", "pkg:gem/ruby-advisory-db-check@0.12.4"),
        Map.entry("crates.io|rand|0.7.2", "pkg:cargo/rand@0.7.2"),
        Map.entry("NuGet|EnterpriseLibrary.Common|6.0.1304", "pkg:nuget/EnterpriseLibrary.Common@6.0.1304"),
        Map.entry("Packagist|Laravel/Laravel|5.5.0", "pkg:composer/laravel/laravel@5.5.0"),
        // syft's expectations (shared testdata appdeps/java/syft-jar-metadata/expected.json) and
        // the npm form the appdeps node README gives.
        Map.entry("Maven|org.jenkins-ci.plugins:gradle|2.11", "pkg:maven/org.jenkins-ci.plugins/gradle@2.11"),
        Map.entry("Maven|io.micronaut:micronaut-aop|4.9.11", "pkg:maven/io.micronaut/micronaut-aop@4.9.11"),
        Map.entry("npm|@babel/parser|7.23.6", "pkg:npm/%40babel/parser@7.23.6"));
    expected.forEach((input, purl) -> {
      String[] p = input.split("\\|");
      assertEquals(purl, app(p[0], p[1], p[2]).orElseThrow(), input);
    });
  }

  @Test
  void noPurlIsInventedForAMavenPackageWithoutGroupIdOrAnUnknownEcosystem() {
    assertEquals(Optional.empty(), app("Maven", "commons-lang", "2.6"), "file-name fallback: groupId unknown");
    assertEquals(Optional.empty(), app("Hex", "phoenix", "1.7.0"));
  }

  @Test
  void imageIsAnOciPurlPinnedToItsDigest() {
    ImageReference ref = ImageReference.parse("ghcr.io/acme/tools/app:1.0");
    String digest = "sha256:" + "ab".repeat(32);
    String purl = PackageUrls.of(ref, digest, Platform.LINUX_AMD64).orElseThrow();
    assertEquals("pkg:oci/app@sha256:" + "ab".repeat(32)
        + "?arch=amd64&repository_url=ghcr.io%2Facme%2Ftools%2Fapp&tag=1.0", purl);
  }
}
