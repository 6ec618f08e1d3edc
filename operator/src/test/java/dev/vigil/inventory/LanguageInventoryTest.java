package dev.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.image.ImageFacts;
import dev.vigil.image.LayerFacts;
import dev.vigil.image.LayerWalker;
import dev.vigil.inventory.app.LanguagePackageReader;
import dev.vigil.inventory.app.LanguagePackages;
import dev.vigil.inventory.app.PackageEvidence;
import dev.vigil.testsupport.TestImages;
import dev.vigil.testsupport.TestLanguageReaders;
import dev.vigil.testsupport.TestLayer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Language packages through the single layer pass into the inventory: only files of the final
 * view count, each package keeps the layer that added its file, and files the OS package manager
 * owns (real dpkg, apk and rpm databases) are not reported again.
 */
class LanguageInventoryTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T00:00:00Z"), ZoneOffset.UTC);
  private static final Path RESOURCES = Path.of("src/test/resources");
  private static final String DIST_INFO =
      "usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA";
  private static final String EGG_INFO = "usr/lib/python3/dist-packages/cryptography.egg-info/PKG-INFO";
  private static final String PIP_DIST_INFO =
      "usr/local/lib/python3.11/dist-packages/cryptography-41.0.0.dist-info/METADATA";

  private static byte[] resource(String path) throws Exception {
    return Files.readAllBytes(RESOURCES.resolve(path));
  }

  private static TestLayer layer(Consumer<TestLayer.Builder> content) {
    TestLayer.Builder builder = TestImages.layer();
    content.accept(builder);
    return builder.build();
  }

  private record Walked(ImageFacts facts, List<LayerFacts> layers) {}

  private static Walked walk(LanguagePackages languages, TestLayer... layers) throws Exception {
    LayerWalker walker = new LayerWalker();
    List<LayerFacts> facts = new ArrayList<>();
    for (TestLayer layer : layers) {
      facts.add(walker.walk(layer.digest(), "application/vnd.oci.image.layer.v1.tar+gzip",
          new ByteArrayInputStream(layer.blob()), layer.diffId(), InventoryAnalyzer.SELECTORS,
          languages.entryReaders()));
    }
    return new Walked(ImageFacts.assemble(facts), facts);
  }

  private static Inventory inventory(LanguagePackages languages, TestLayer... layers) throws Exception {
    return new InventoryAnalyzer(CLOCK, languages).analyze(walk(languages, layers).facts());
  }

  private static List<String> described(Inventory inventory, List<TestLayer> layers) {
    return inventory.applications().stream()
        .map(p -> p.ecosystem() + " " + p.name() + " " + p.version() + " " + p.path() + " layer"
            + layers.stream().map(TestLayer::digest).toList().indexOf(p.layerDigest()))
        .toList();
  }

  @Test
  void onlyPackagesWhoseFileIsInTheFinalViewAreReportedWithTheLayerThatAddedIt() throws Exception {
    TestLayer base = layer(l -> l
        .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.20\"}")
        .file("app/node_modules/left-pad/package.json", "{\"name\":\"left-pad\",\"version\":\"1.3.0\"}")
        .file("app/node_modules/express/package.json", "{\"name\":\"express\",\"version\":\"4.18.2\"}")
        .file("srv/node_modules/old/package.json", "{\"name\":\"old\",\"version\":\"1.0.0\"}")
        .file("app/node_modules/qs/package.json", "{\"name\":\"qs\",\"version\":\"6.11.0\"}"));
    TestLayer middle = layer(l -> l
        .whiteout("app/node_modules/left-pad")
        .opaque("srv/node_modules")
        .file("app/node_modules/@types/node/package.json", "{\"name\":\"@types/node\",\"version\":\"20.1.0\"}")
        .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.19\"}"));
    TestLayer top = layer(l -> l
        .file("app/node_modules/lodash/package.json", "{\"name\":\"lodash\",\"version\":\"4.17.21\"}")
        .symlink("app/node_modules/qs/package.json", "../express/package.json"));
    Inventory inventory = inventory(TestLanguageReaders.npm(), base, middle, top);

    assertEquals(List.of(
        "npm express 4.18.2 /app/node_modules/express/package.json layer0",
        "npm @types/node 20.1.0 /app/node_modules/@types/node/package.json layer1",
        "npm lodash 4.17.21 /app/node_modules/lodash/package.json layer2"),
        described(inventory, List.of(base, middle, top)).stream().sorted(
            java.util.Comparator.comparing((String s) -> s.substring(s.indexOf("layer")))).toList());
    assertTrue(inventory.problems().isEmpty(), inventory.problems().toString());
    assertEquals(null, inventory.os());
  }

  @Test
  void debianOwnedDistInfoAndEggInfoAreNotPyPIPackagesButAPipInstalledCopyIs() throws Exception {
    String pkg = "PyPI cryptography ";
    TestLayer debian = layer(l -> {
      try {
        l.file("var/lib/dpkg/status", resource("appseam/debian-python3-cryptography/var/lib/dpkg/status"), 0644)
            .file("var/lib/dpkg/info/python3-cryptography.list",
                resource("appseam/debian-python3-cryptography/var/lib/dpkg/info/python3-cryptography.list"), 0644)
            .file(DIST_INFO, pkg + "38.0.4")
            .file(EGG_INFO, pkg + "38.0.4");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    TestLayer pip = layer(l -> l.file(PIP_DIST_INFO, pkg + "41.0.0"));
    LanguagePackages languages = TestLanguageReaders.both(Set.of(DIST_INFO, EGG_INFO, PIP_DIST_INFO));
    Inventory inventory = inventory(languages, debian, pip);

    assertEquals(List.of("python3-cryptography 38.0.4-3+deb12u1"),
        inventory.packages().stream().map(p -> p.name() + " " + p.version()).toList());
    assertEquals(List.of("PyPI cryptography 41.0.0 /" + PIP_DIST_INFO + " layer1"),
        described(inventory, List.of(debian, pip)));

    Inventory withoutList = inventory(languages, layer(l -> l
        .file(DIST_INFO, pkg + "38.0.4")
        .file("var/lib/dpkg/info/python3-other.list", "/usr/lib/python3/dist-packages\n")));
    assertEquals(1, withoutList.applications().size(),
        "without a file list that names it, a file is not the OS's: a listed parent directory does not count");
  }

  @Test
  void alpineFilesListedInTheApkDatabaseAreOwnedAlsoThroughASymlinkedDirectory() throws Exception {
    byte[] installed = resource("inventory/trivy-apk/lib/apk/db/installed");
    TestLayer alpine = layer(l -> l
        .file("lib/apk/db/installed", installed, 0644)
        .symlink("bin", "usr/bin")
        .file("usr/bin/busybox", "Go example.com/busybox 1.0.0")
        .file("app/busybox", "Go example.com/busybox 1.0.0"));
    Inventory inventory = inventory(
        TestLanguageReaders.both(Set.of("usr/bin/busybox", "app/busybox")), alpine);

    assertTrue(inventory.packages().stream().anyMatch(p -> p.name().equals("busybox")));
    assertEquals(List.of("Go example.com/busybox 1.0.0 /app/busybox layer0"),
        described(inventory, List.of(alpine)), "apk lists bin/busybox, and bin leads to usr/bin");
  }

  @Test
  void rpmFileListsAndDistrolessMd5sumsMarkOwnedFiles() throws Exception {
    byte[] rpmdb = resource("inventory/go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
    TestLayer mariner = layer(l -> l
        .file("var/lib/rpm/rpmdb.sqlite", rpmdb, 0644)
        .file("usr/bin/curl", "Go example.com/curl 8.0.0")
        .file("usr/local/bin/curl", "Go example.com/curl 8.0.0"));
    Inventory rpm = inventory(TestLanguageReaders.both(Set.of("usr/bin/curl", "usr/local/bin/curl")), mariner);
    assertTrue(rpm.packages().stream().anyMatch(p -> p.name().equals("curl")));
    assertEquals(List.of("Go example.com/curl 8.0.0 /usr/local/bin/curl layer0"), described(rpm, List.of(mariner)));

    String distroless = "inventory/syft-debian/image-distroless-deb/var/lib/dpkg/status.d/";
    String library = "usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6";
    TestLayer image = layer(l -> {
      try {
        l.file("var/lib/dpkg/status.d/libsqlite3-0", resource(distroless + "libsqlite3-0"), 0644)
            .file("var/lib/dpkg/status.d/libsqlite3-0.md5sums", resource(distroless + "libsqlite3-0.md5sums"), 0644)
            .file(library, "crates.io sqlite 3.0.0")
            .file("app/libsqlite3.so.0.8.6", "crates.io sqlite 3.0.0");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Inventory deb = inventory(TestLanguageReaders.both(Set.of(library, "app/libsqlite3.so.0.8.6")), image);
    assertEquals(List.of("libsqlite3-0"), deb.packages().stream().map(InstalledPackage::name).toList());
    assertEquals(List.of("crates.io sqlite 3.0.0 /app/libsqlite3.so.0.8.6 layer0"), described(deb, List.of(image)),
        "distroless has no .list files, but its md5sums name the package's files");
  }

  @Test
  void readerFailuresAndReportedProblemsBecomeInventoryProblemsAndTheRestIsStillRead() throws Exception {
    LanguagePackageReader crashing = new LanguagePackageReader() {
      @Override
      public String name() {
        return "crashing";
      }

      @Override
      public int version() {
        return 1;
      }

      @Override
      public boolean wants(String path, int mode, long size) {
        return path.endsWith(".crash");
      }

      @Override
      public PackageEvidence read(String path, InputStream content, long size) {
        throw new ArrayIndexOutOfBoundsException("Index 9 out of bounds for length 4");
      }
    };
    LanguagePackages languages = new LanguagePackages(
        List.of(crashing, new TestLanguageReaders.NpmPackageJson(), new TestLanguageReaders.Lines(Set.of())));
    TestLayer layer = layer(l -> l
        .file("opt/a.crash", "x")
        .file("app/node_modules/broken/package.json", "{not json")
        .file("app/node_modules/ok/package.json", "{\"name\":\"ok\",\"version\":\"1.0.0\"}")
        .file("app/many.pkgs", "garbage\n".repeat(30)));
    Inventory inventory = inventory(languages, layer);

    assertEquals(List.of("npm ok 1.0.0 /app/node_modules/ok/package.json layer0"),
        described(inventory, List.of(layer)));
    List<String> problems = inventory.problems();
    assertTrue(problems.contains("/opt/a.crash: crashing could not read it: "
        + "java.lang.ArrayIndexOutOfBoundsException: Index 9 out of bounds for length 4"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("/app/node_modules/broken/package.json: not JSON")),
        problems.toString());
    assertEquals(InventoryAnalyzer.MAX_PROBLEMS_PER_FILE + 1,
        problems.stream().filter(p -> p.startsWith("/app/many.pkgs: ")).count(), "capped, then counted");
    assertTrue(problems.contains("/app/many.pkgs: 10 more problems not listed"), problems.toString());
  }

  @Test
  void duplicateReaderNamesAreRefused() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new LanguagePackages(
        List.of(new TestLanguageReaders.NpmPackageJson(), new TestLanguageReaders.NpmPackageJson())));
  }
}
