package dev.vigil.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Images several end-to-end tests scan: an Ubuntu 22.04 image whose curl is fixed by
 * USN-6237-1 (in the OSV fixtures), with the classic image mistakes in it, and a two-platform
 * Alpine 3.16 index whose amd64 mariadb is fixed by CVE-2022-27449's record.
 */
public final class SampleImages {

  /** The OSV fixture records (copied from shared/testdata/osv; origins in its README). */
  public static final Path OSV = Path.of("src/test/resources/osv").toAbsolutePath();

  public static final String PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
      + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
      + "-----END OPENSSH PRIVATE KEY-----\n";

  public static final String UBUNTU_RELEASE = """
      PRETTY_NAME="Ubuntu 22.04.3 LTS"
      NAME="Ubuntu"
      VERSION_ID="22.04"
      VERSION="22.04.3 LTS (Jammy Jellyfish)"
      VERSION_CODENAME=jammy
      ID=ubuntu
      ID_LIKE=debian
      """;

  public static String dpkgStatus(String curlVersion) {
    return """
        Package: base-files
        Status: install ok installed
        Architecture: amd64
        Version: 12ubuntu4.3
        Description: Debian base system miscellaneous files

        Package: curl
        Status: install ok installed
        Architecture: amd64
        Version: %1$s
        Description: command line tool for transferring data with URL syntax

        Package: libcurl4
        Status: install ok installed
        Architecture: amd64
        Source: curl
        Version: %1$s
        Description: easy-to-use client-side URL transfer library
        """.formatted(curlVersion);
  }

  private SampleImages() {}

  private static Instant recent() {
    return Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Three layers (gzip, zstd, plain) with curl 7.81.0-1ubuntu1.10 and the usual mistakes. */
  public static TestImage ubuntuWithCurl() {
    return ubuntuWithCurl("7.81.0-1ubuntu1.10", "binary");
  }

  /** The same image with another curl version and app binary (a rebuild). */
  public static TestImage ubuntuWithCurl(String curlVersion, String appContent) {
    return ubuntuWithCurl(curlVersion, appContent, null);
  }

  /**
   * The same image with another curl version and app binary, and, when {@code extraKeyPath} is
   * not null, a private key at that path in the top layer (a rebuild that adds a Critical finding).
   */
  public static TestImage ubuntuWithCurl(String curlVersion, String appContent, String extraKeyPath) {
    TestLayer base = TestImages.layer()
        .file("etc/os-release", UBUNTU_RELEASE)
        .file("var/lib/dpkg/status", dpkgStatus(curlVersion))
        .file("bin/sh", "#!shell".getBytes(StandardCharsets.UTF_8), 0755)
        .file("usr/bin/curl", "curl".getBytes(StandardCharsets.UTF_8), 0755)
        .file("usr/bin/passwd", "passwd".getBytes(StandardCharsets.UTF_8), 04755)
        .file("root/.ssh/id_rsa", PRIVATE_KEY.getBytes(StandardCharsets.UTF_8), 0600)
        .file("app/old/config.yaml", "old: true")
        .build(Compression.GZIP);
    TestLayer upper = TestImages.layer()
        .whiteout("root/.ssh/id_rsa")
        .opaque("app/old")
        .file("app/old/new.yaml", "new: true")
        .build(Compression.ZSTD);
    TestLayer.Builder topContent = TestImages.layer()
        .file("app/server", appContent.getBytes(StandardCharsets.UTF_8), 0755);
    if (extraKeyPath != null) {
      topContent.file(extraKeyPath, PRIVATE_KEY.getBytes(StandardCharsets.UTF_8), 0600);
    }
    TestLayer top = topContent.build(Compression.NONE);
    return TestImages.image()
        .layer(base).layer(upper).layer(top)
        .created(recent())
        .env("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .env("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        .exposedPort("22/tcp")
        .history("/bin/sh -c #(nop) ADD file:base in / ", false)
        .history("|1 NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789 /bin/sh -c rm /root/.ssh/id_rsa", false)
        .history("COPY server /app/server # buildkit", false)
        .build();
  }

  /** linux/amd64 (mariadb 10.6.7-r0, vulnerable) and linux/arm64/v8 (10.6.8-r0, fixed). */
  /**
   * Build {@code n} of an application on Alpine: one gzip layer with an os-release and a file
   * of its own, so that every build has its own digest (the scale benchmarks push hundreds).
   */
  public static TestImage alpineBuild(int n) {
    return TestImages.image().user("1000")
        .layer(TestImages.layer()
            .file("etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n")
            .file("app/build-" + n + ".txt", "build " + n + "\n")
            .build(Compression.GZIP))
        .build();
  }

  public static TestIndex alpineMariadbIndex() {
    return TestImages.index(ImageFormat.DOCKER)
        .image(alpine("linux/amd64", "10.6.7-r0", "x86_64"))
        .image(alpine("linux/arm64/v8", "10.6.8-r0", "aarch64"))
        .build();
  }

  private static TestImage alpine(String platform, String mariadb, String arch) {
    return TestImages.image().format(ImageFormat.DOCKER).platform(platform).created(recent()).user("1000")
        .layer(l -> l.file("etc/alpine-release", "3.16.2\n")
            .file("etc/os-release", "ID=alpine\nVERSION_ID=3.16.2\nPRETTY_NAME=\"Alpine Linux v3.16\"\n")
            .file("lib/apk/db/installed", "P:mariadb\nV:" + mariadb + "\nA:" + arch + "\no:mariadb\n\n"))
        .build();
  }
}
