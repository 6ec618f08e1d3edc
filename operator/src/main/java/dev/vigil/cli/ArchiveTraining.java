package dev.vigil.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.registry.Digest;
import dev.vigil.registry.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine;

/**
 * The training run for the class-data-sharing archive the build writes next to the jar
 * ({@code java -XX:ArchiveClassesAtExit=vigil.jsa -cp vigil.jar dev.vigil.cli.ArchiveTraining}):
 * runs {@code vigil scan} the way a CI job does, against a small Debian-like image it serves
 * itself on 127.0.0.1, so the archive holds the classes a scan loads. Offline, no files
 * outside a temporary directory, nothing on stdout; exits 1 with the reason when a scan does
 * not succeed, so a broken scan path fails the build instead of yielding an empty archive.
 */
public final class ArchiveTraining {

  private static final String REPOSITORY = "training/debian";

  private ArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    Map<String, Blob> blobs = new HashMap<>();
    byte[] layer = layer();
    String layerDigest = put(blobs, layer, MediaTypes.OCI_LAYER_GZIP);
    String diffId = Digest.sha256(gunzip(layer)).toString();
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
        + "\"config\":{\"User\":\"1000\",\"Env\":[\"PATH=/usr/bin:/bin\"],\"Cmd\":[\"bash\"]},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
        + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"training\"}]}")
        .getBytes(StandardCharsets.UTF_8);
    String configDigest = put(blobs, config, MediaTypes.OCI_CONFIG);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_GZIP + "\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Blob manifestBlob = new Blob(manifest, MediaTypes.OCI_MANIFEST);
    blobs.put("/v2/" + REPOSITORY + "/manifests/1", manifestBlob);
    blobs.put("/v2/" + REPOSITORY + "/manifests/" + Digest.sha256(manifest), manifestBlob);

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> serve(exchange, blobs));
    server.start();
    Path dir = Files.createTempDirectory("vigil-training");
    try {
      Path dockerConfig = Files.writeString(dir.resolve("config.json"), "{\"auths\":{}}");
      String image = "127.0.0.1:" + server.getAddress().getPort() + "/" + REPOSITORY + ":1";
      List<List<String>> runs = List.of(
          List.of("scan", "--vulndb", "none", "--quiet", "-o", "json", image),
          List.of("scan", "--vulndb", "none", "-o", "table", image),
          List.of("scan", "--vulndb", "none", "--quiet", "-o", "sarif", image),
          List.of("scan", "--help"));
      for (List<String> run : runs) {
        StringWriter err = new StringWriter();
        CommandLine cli = VigilCommand.commandLine();
        cli.setOut(new PrintWriter(OutputStream.nullOutputStream()));
        cli.setErr(new PrintWriter(err));
        String[] arguments = run.toArray(String[]::new);
        if (arguments[0].equals("scan") && arguments.length > 2) {
          arguments = withRegistryConfig(arguments, dockerConfig);
        }
        int exit = cli.execute(arguments);
        if (exit != 0) {
          System.err.println("vigil archive training: vigil " + String.join(" ", run) + " exited " + exit + ": " + err);
          System.exit(1);
        }
      }
      loadJdkDefaultClassList();
    } finally {
      server.stop(0);
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  /**
   * Loads (without initialising) the classes of the JDK's own default class list, so that a
   * class list dumped from this run holds them too: the static archive built from it replaces
   * the JDK's default archive, and should not start the operator or a JDK tool slower than it.
   */
  private static void loadJdkDefaultClassList() throws IOException {
    Path list = Path.of(System.getProperty("java.home"), "lib", "classlist");
    if (!Files.isReadable(list)) {
      return;
    }
    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("@")) {
        continue;
      }
      String name = line.split("\\s+", 2)[0].replace('/', '.');
      try {
        Class.forName(name, false, ArchiveTraining.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        // Not in this JVM build; the archive simply does not hold it.
      }
    }
  }

  private static String[] withRegistryConfig(String[] arguments, Path dockerConfig) {
    String[] out = new String[arguments.length + 2];
    out[0] = arguments[0];
    out[1] = "--registry-config";
    out[2] = dockerConfig.toString();
    System.arraycopy(arguments, 1, out, 3, arguments.length - 1);
    return out;
  }

  private record Blob(byte[] content, String mediaType) {}

  private static String put(Map<String, Blob> blobs, byte[] content, String mediaType) {
    String digest = Digest.sha256(content).toString();
    blobs.put("/v2/" + REPOSITORY + "/blobs/" + digest, new Blob(content, mediaType));
    return digest;
  }

  private static void serve(HttpExchange exchange, Map<String, Blob> blobs) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Blob blob = path.equals("/v2/") ? new Blob("{}".getBytes(StandardCharsets.UTF_8), "application/json")
          : blobs.get(path);
      if (blob == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", blob.mediaType());
      exchange.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256(blob.content()).toString());
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : blob.content().length);
      if (!head) {
        exchange.getResponseBody().write(blob.content());
      }
    }
  }

  /** A layer shaped like a small Debian image: os-release, a dpkg status, binaries, a setuid file. */
  private static byte[] layer() throws IOException {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(blob))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      directory(tar, "etc/");
      file(tar, "etc/os-release", 0644, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
          + "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n");
      file(tar, "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n");
      directory(tar, "usr/");
      directory(tar, "usr/bin/");
      for (int i = 0; i < 200; i++) {
        file(tar, "usr/bin/tool-" + i, 0755, "#!/bin/sh\necho tool " + i + "\n".repeat(1 + i % 7));
      }
      file(tar, "usr/bin/su", 04755, "setuid binary");
      // A real ELF executable (this JVM's launcher), so that the binary readers' classes are
      // trained too.
      Path launcher = Path.of(System.getProperty("java.home"), "bin", "java");
      if (Files.isReadable(launcher)) {
        file(tar, "usr/bin/java", 0755, Files.readAllBytes(launcher));
      }
      file(tar, "usr/share/doc/training/" + "long-".repeat(30) + "name", 0644, "a name longer than 100 bytes");
      directory(tar, "var/lib/dpkg/");
      StringBuilder status = new StringBuilder();
      for (String[] p : new String[][] {{"bash", "5.2.15-2+b7"}, {"libc6", "2.36-9+deb12u10"},
          {"openssl", "3.0.15-1~deb12u1"}, {"curl", "7.88.1-10+deb12u12"}}) {
        status.append("Package: ").append(p[0]).append("\nStatus: install ok installed\nPriority: required\n")
            .append("Architecture: amd64\nVersion: ").append(p[1]).append("\nSource: ").append(p[0])
            .append("\nDescription: ").append(p[0]).append("\n\n");
      }
      file(tar, "var/lib/dpkg/status", 0644, status.toString());
      tar.finish();
    }
    return blob.toByteArray();
  }

  private static void directory(TarArchiveOutputStream tar, String path) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setMode(040755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String path, int mode, String content) throws IOException {
    file(tar, path, mode, content.getBytes(StandardCharsets.UTF_8));
  }

  private static void file(TarArchiveOutputStream tar, String path, int mode, byte[] bytes) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(path);
    entry.setMode(mode);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static byte[] gunzip(byte[] gzip) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
