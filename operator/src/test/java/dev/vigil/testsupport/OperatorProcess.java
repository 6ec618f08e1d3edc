package dev.vigil.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar vigil.jar operator ...} as a separate, cold process, the way a container runs
 * it: a kubeconfig holding only the ServiceAccount's token, logs to a file, SIGTERM to stop.
 * Only in {@code *IT} tests (Failsafe), which run after the shaded jar is built.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int httpPort;

  private OperatorProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** The shaded jar Maven built ({@code vigil.jar} system property from Failsafe). */
  public static Path jar() {
    String jar = System.getProperty("vigil.jar");
    Path path = jar != null ? Path.of(jar) : ProjectFiles.root().resolve("operator/target/vigil.jar");
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(path + " does not exist: run the *IT tests with mvn verify");
    }
    return path;
  }

  /**
   * Starts {@code java -jar vigil.jar operator --kubeconfig-less ARGS} with KUBECONFIG set, on a
   * free port for /metrics, /healthz and /readyz. Extra environment variables may be given.
   */
  public static OperatorProcess start(Path kubeconfig, Map<String, String> env, String... args) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar().toString(), "operator",
        "--http-address", "127.0.0.1", "--http-port", Integer.toString(port)));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("vigil-operator-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().remove("KUBERNETES_SERVICE_HOST");
    builder.environment().putAll(env);
    return new OperatorProcess(builder.start(), log, port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public Process process() {
    return process;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path logFile() {
    return log;
  }

  /** Everything the process has written so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** GET on the operator's HTTP port; status -1 while it does not answer. */
  public HttpResponse<String> get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The status code of GET path, or -1 when nothing answers. */
  public int status(String path) {
    HttpResponse<String> response = get(path);
    return response == null ? -1 : response.statusCode();
  }

  /** Sends SIGTERM (what the kubelet sends) and waits up to the timeout; the exit code, or null. */
  public Integer terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return waitFor(timeout);
  }

  /** Waits for the process to exit by itself; its exit code, or null on time-out. */
  public Integer waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** A thread dump on stdout (into the log), for a process that does not exit. */
  public void threadDump() throws IOException, InterruptedException {
    new ProcessBuilder("jcmd", Long.toString(process.pid()), "Thread.print")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start().waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
