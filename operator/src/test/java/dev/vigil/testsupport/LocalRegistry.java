package dev.vigil.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.registry.Credential;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import dev.vigil.registry.RegistryCredentials;
import dev.vigil.registry.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real CNCF distribution registry ({@code /usr/bin/docker-registry}, Debian package
 * "docker-registry") on 127.0.0.1 with its storage in a temporary directory, for tests.
 *
 * <pre>{@code
 * try (LocalRegistry registry = LocalRegistry.start()) {
 *   PushedImage pushed = registry.pusher().push("team/app", "1.0", TestImages.image()...build());
 * }
 * }</pre>
 *
 * Variants: {@link Builder#tokenAuth(String, String)} puts a {@link TokenServer} in front
 * (Bearer token flow, Basic credentials at the token endpoint); {@link
 * Builder#basicAuth(String, String)} uses htpasswd; {@link
 * Builder#notification(NotificationEndpoint)} makes it POST events to webhook endpoints.
 * {@link #close()} stops the process and deletes the storage.
 */
public final class LocalRegistry implements AutoCloseable {

  /** Where Debian installs the registry binary. */
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path workDir;
  private final Process process;
  private final int port;
  private final TokenServer tokenServer;
  private final Credential credential;
  private final boolean basicAuth;

  private LocalRegistry(
      Path workDir, Process process, int port, TokenServer tokenServer, Credential credential,
      boolean basicAuth) {
    this.workDir = workDir;
    this.process = process;
    this.port = port;
    this.tokenServer = tokenServer;
    this.credential = credential;
    this.basicAuth = basicAuth;
  }

  /** An anonymous registry (no auth, deletes enabled). */
  public static LocalRegistry start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** "127.0.0.1:&lt;port&gt;", the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** "http://127.0.0.1:&lt;port&gt;". */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  public int port() {
    return port;
  }

  /** A repository on this registry. */
  public Repository repository(String name) {
    return new Repository(host(), name);
  }

  /** A reference on this registry, e.g. {@code reference("team/app:1.0")}. */
  public ImageReference reference(String repositoryAndTagOrDigest) {
    return ImageReference.parse(host() + "/" + repositoryAndTagOrDigest);
  }

  /** The user and password this registry (or its token server) accepts; null when anonymous. */
  public Credential credential() {
    return credential;
  }

  /** The token server of a token-auth registry, null otherwise. */
  public TokenServer tokenServer() {
    return tokenServer;
  }

  /** The temporary directory holding config, storage and log. */
  public Path workDir() {
    return workDir;
  }

  private static final java.util.regex.Pattern ACCESS_LINE =
      java.util.regex.Pattern.compile("\"([A-Z]+) (/v2/[^ \"]*) HTTP/[0-9.]+\" ([0-9]{3}) ");

  /**
   * Every request served so far as "METHOD path code" (e.g. "GET /v2/app/blobs/sha256:... 200"),
   * from the access log; needs {@link Builder#accessLog()}.
   */
  public java.util.List<String> requests() {
    java.util.List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = ACCESS_LINE.matcher(log());
    while (m.find()) {
      out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    return out;
  }

  /** The registry's combined stdout/stderr so far (for diagnosing test failures). */
  public String log() {
    try {
      return Files.readString(workDir.resolve("registry.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * A client configured for this registry: plain HTTP (loopback) and, for the auth variants,
   * this registry's credential.
   */
  public RegistryClient client() {
    RegistryClientConfig.Builder config = RegistryClientConfig.builder();
    if (credential != null) {
      config.credentials(RegistryCredentials.of(host(), credential));
    }
    return new RegistryClient(config.build());
  }

  /** A pusher authorised for every repository on this registry. */
  public RegistryPusher pusher() {
    return new RegistryPusher(baseUri(), this::pushAuthorization);
  }

  /** The Authorization header value that allows pushing to and pulling from a repository. */
  public String pushAuthorization(String repository) {
    if (tokenServer != null) {
      return "Bearer "
          + tokenServer.mint(
              credential.username(),
              List.of("repository:" + repository + ":pull,push,delete"));
    }
    if (basicAuth) {
      return credential.basicAuthorization();
    }
    return null;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (tokenServer != null) {
      tokenServer.close();
    }
    deleteRecursively(workDir);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete registry work dir " + dir, e);
    }
  }

  /** How to start a local registry. */
  public static final class Builder {
    private String tokenUser;
    private String tokenPassword;
    private long tokenLifetimeSeconds = 300;
    private String basicUser;
    private String basicPassword;
    private final List<NotificationEndpoint> notifications = new ArrayList<>();
    private boolean accessLog;

    private Builder() {}

    /** Require Bearer tokens from a local {@link TokenServer} that accepts this user. */
    public Builder tokenAuth(String username, String password) {
      this.tokenUser = username;
      this.tokenPassword = password;
      return this;
    }

    /** Lifetime of the token server's tokens (default 300 s). */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetimeSeconds = lifetime.toSeconds();
      return this;
    }

    /** Require HTTP Basic credentials (htpasswd, bcrypt) for this user. */
    public Builder basicAuth(String username, String password) {
      this.basicUser = username;
      this.basicPassword = password;
      return this;
    }

    /** Logs every request (see {@link LocalRegistry#requests()}). */
    public Builder accessLog() {
      this.accessLog = true;
      return this;
    }

    /** Send event notifications to this endpoint as well. */
    public Builder notification(NotificationEndpoint endpoint) {
      notifications.add(endpoint);
      return this;
    }

    /** Starts the registry and waits until /v2/ answers. */
    public LocalRegistry start() {
      if (tokenUser != null && basicUser != null) {
        throw new IllegalStateException("choose token auth or basic auth, not both");
      }
      if (!Files.isExecutable(BINARY)) {
        throw new IllegalStateException(
            BINARY + " is missing: install the Debian package docker-registry");
      }
      Path workDir;
      try {
        workDir = Files.createTempDirectory("vigil-registry-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create registry work dir", e);
      }
      TokenServer tokenServer = null;
      try {
        Credential credential = null;
        if (tokenUser != null) {
          tokenServer = new TokenServer(Map.of(tokenUser, tokenPassword), tokenLifetimeSeconds);
          credential = new Credential(tokenUser, tokenPassword);
        } else if (basicUser != null) {
          credential = new Credential(basicUser, basicPassword);
        }
        // A port picked by the OS may be taken again before the registry binds it: retry.
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
          int port = freePort();
          Path config = writeConfig(workDir, port, tokenServer);
          Process process = launch(workDir, config);
          try {
            awaitReady(process, port, workDir);
            return new LocalRegistry(workDir, process, port, tokenServer, credential, basicUser != null);
          } catch (IllegalStateException e) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            last = e;
          }
        }
        throw last;
      } catch (IOException e) {
        cleanUp(workDir, tokenServer);
        throw new UncheckedIOException("cannot start local registry", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cleanUp(workDir, tokenServer);
        throw new IllegalStateException("interrupted while starting local registry", e);
      } catch (RuntimeException e) {
        cleanUp(workDir, tokenServer);
        throw e;
      }
    }

    private static void cleanUp(Path workDir, TokenServer tokenServer) {
      if (tokenServer != null) {
        tokenServer.close();
      }
      deleteRecursively(workDir);
    }

    private Path writeConfig(Path workDir, int port, TokenServer tokenServer) throws IOException {
      ObjectNode root = YAML.createObjectNode();
      root.put("version", "0.1");
      ObjectNode log = root.putObject("log");
      log.put("level", "warn");
      log.putObject("accesslog").put("disabled", !accessLog);
      ObjectNode storage = root.putObject("storage");
      storage.putObject("filesystem").put("rootdirectory", workDir.resolve("storage").toString());
      storage.putObject("delete").put("enabled", true);
      ObjectNode http = root.putObject("http");
      http.put("addr", "127.0.0.1:" + port);
      // A fixed secret silences the startup warning and keeps upload state valid.
      http.put("secret", randomSecret());
      if (tokenServer != null) {
        Path bundle = workDir.resolve("token-ca.pem");
        Files.writeString(bundle, tokenServer.certificatePem(), StandardCharsets.US_ASCII);
        ObjectNode token = root.putObject("auth").putObject("token");
        token.put("realm", tokenServer.realm().toString());
        token.put("service", TokenServer.SERVICE);
        token.put("issuer", TokenServer.ISSUER);
        token.put("rootcertbundle", bundle.toString());
      } else if (basicUser != null) {
        Path htpasswd = workDir.resolve("htpasswd");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2a", basicPassword.toCharArray(), salt, 4);
        Files.writeString(htpasswd, basicUser + ":" + hash + "\n", StandardCharsets.US_ASCII);
        ObjectNode basic = root.putObject("auth").putObject("htpasswd");
        basic.put("realm", "vigil-test-basic");
        basic.put("path", htpasswd.toString());
      }
      if (!notifications.isEmpty()) {
        ArrayNode endpoints = root.putObject("notifications").putArray("endpoints");
        for (NotificationEndpoint endpoint : notifications) {
          ObjectNode node = endpoints.addObject();
          node.put("name", endpoint.name());
          node.put("url", endpoint.url().toString());
          ObjectNode headers = node.putObject("headers");
          Map<String, List<String>> sorted = new LinkedHashMap<>(endpoint.headers());
          sorted.forEach(
              (name, values) -> {
                ArrayNode list = headers.putArray(name);
                values.forEach(list::add);
              });
          node.put("timeout", endpoint.timeout().toMillis() + "ms");
          node.put("threshold", endpoint.threshold());
          node.put("backoff", endpoint.backoff().toMillis() + "ms");
        }
      }
      Path config = workDir.resolve("config.yml");
      YAML.writeValue(config.toFile(), root);
      return config;
    }

    private static String randomSecret() {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      return java.util.HexFormat.of().formatHex(bytes);
    }

    private static Process launch(Path workDir, Path config) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(BINARY.toString(), "serve", config.toString());
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("registry.log").toFile()));
      return builder.start();
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        return socket.getLocalPort();
      }
    }

    /** Polls GET /v2/ until it answers 200 or 401 (auth variants). */
    private static void awaitReady(Process process, int port, Path workDir)
        throws InterruptedException {
      long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
      URI ping = URI.create("http://127.0.0.1:" + port + "/v2/");
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "docker-registry exited with " + process.exitValue() + ": " + readLog(workDir));
        }
        try {
          HttpURLConnection connection = (HttpURLConnection) ping.toURL().openConnection();
          connection.setConnectTimeout(500);
          connection.setReadTimeout(1000);
          int status = connection.getResponseCode();
          connection.disconnect();
          if (status == 200 || status == 401) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException(
          "docker-registry did not answer on port " + port + " within " + STARTUP_TIMEOUT + ": "
              + readLog(workDir));
    }

    private static String readLog(Path workDir) {
      try {
        return Files.readString(workDir.resolve("registry.log"), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(no log)";
      }
    }
  }
}
