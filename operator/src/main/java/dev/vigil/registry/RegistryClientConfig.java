package dev.vigil.registry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Settings of a {@link RegistryClient}. Immutable; build with {@link #builder()}. */
public final class RegistryClientConfig {

  private final Platform defaultPlatform;
  private final long maxManifestBytes;
  private final long maxConfigBytes;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration readTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final int maxConcurrentRequestsPerRegistry;
  private final Set<String> insecureRegistries;
  private final boolean plainHttpForLoopback;
  private final Path caBundle;
  private final RegistryCredentials credentials;
  private final RegistryRequestListener listener;
  private final int tagPageSize;
  private final String userAgent;
  private final Clock clock;
  private final Sleeper sleeper;

  private RegistryClientConfig(Builder b) {
    this.defaultPlatform = b.defaultPlatform;
    this.maxManifestBytes = b.maxManifestBytes;
    this.maxConfigBytes = b.maxConfigBytes;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.readTimeout = b.readTimeout;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.maxConcurrentRequestsPerRegistry = b.maxConcurrentRequestsPerRegistry;
    this.insecureRegistries = Set.copyOf(b.insecureRegistries);
    this.plainHttpForLoopback = b.plainHttpForLoopback;
    this.caBundle = b.caBundle;
    this.credentials = b.credentials;
    this.listener = b.listener;
    this.tagPageSize = b.tagPageSize;
    this.userAgent = b.userAgent;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All defaults: linux/amd64, 4 MiB manifests, 8 MiB configs, 4 attempts, 8 requests per registry. */
  public static RegistryClientConfig defaults() {
    return builder().build();
  }

  public Platform defaultPlatform() {
    return defaultPlatform;
  }

  public long maxManifestBytes() {
    return maxManifestBytes;
  }

  public long maxConfigBytes() {
    return maxConfigBytes;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The whole body of bounded reads (manifest, config, token), and the wait for one of a
   * registry's concurrent request slots.
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Longest silence on a connection before the request fails: waiting for the response headers,
   * and between the reads of a body.
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Tries per request, the first included, on 429, 5xx and network errors. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Longest wait a Retry-After header can ask for; longer requests are cut to this. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  public int maxConcurrentRequestsPerRegistry() {
    return maxConcurrentRequestsPerRegistry;
  }

  /** Registries (host or host:port, lower case) spoken to over plain HTTP. */
  public Set<String> insecureRegistries() {
    return insecureRegistries;
  }

  public boolean plainHttpForLoopback() {
    return plainHttpForLoopback;
  }

  /** Extra trusted CA certificates (PEM), or null. */
  public Path caBundle() {
    return caBundle;
  }

  public RegistryCredentials credentials() {
    return credentials;
  }

  public RegistryRequestListener listener() {
    return listener;
  }

  /** The "n" asked for per tag list page; 0 lets the registry choose. */
  public int tagPageSize() {
    return tagPageSize;
  }

  public String userAgent() {
    return userAgent;
  }

  public Clock clock() {
    return clock;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  /** True when a registry host is reached over plain HTTP rather than HTTPS. */
  public boolean usesPlainHttp(String hostAndPort) {
    String lower = hostAndPort.toLowerCase(Locale.ROOT);
    if (insecureRegistries.contains(lower)
        || insecureRegistries.contains(RegistryHosts.hostOnly(lower))) {
      return true;
    }
    return plainHttpForLoopback && RegistryHosts.isLoopback(lower);
  }

  /** Builder with the defaults listed on each setter. */
  public static final class Builder {
    private Platform defaultPlatform = Platform.LINUX_AMD64;
    private long maxManifestBytes = 4L << 20;
    private long maxConfigBytes = 8L << 20;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private int maxConcurrentRequestsPerRegistry = 8;
    private Set<String> insecureRegistries = Set.of();
    private boolean plainHttpForLoopback = true;
    private Path caBundle;
    private RegistryCredentials credentials = RegistryCredentials.none();
    private RegistryRequestListener listener = RegistryRequestListener.NONE;
    private int tagPageSize = 0;
    private String userAgent = "vigil";
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    /** Platform for {@link ImageSource#resolve(ImageReference)}; default linux/amd64. */
    public Builder defaultPlatform(Platform platform) {
      this.defaultPlatform = Objects.requireNonNull(platform);
      return this;
    }

    /** Default 4 MiB. */
    public Builder maxManifestBytes(long bytes) {
      this.maxManifestBytes = positive(bytes, "maxManifestBytes");
      return this;
    }

    /** Default 8 MiB. */
    public Builder maxConfigBytes(long bytes) {
      this.maxConfigBytes = positive(bytes, "maxConfigBytes");
      return this;
    }

    /** Default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Default 30 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Default 30 s. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** Default 4 (one try and three retries). */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = (int) positive(attempts, "maxAttempts");
      return this;
    }

    /** First retry wait, doubled per retry; default 500 ms. */
    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = positive(backoff, "initialBackoff");
      return this;
    }

    /** Default 10 s. */
    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = positive(backoff, "maxBackoff");
      return this;
    }

    /** Default 60 s. */
    public Builder maxRetryAfter(Duration cap) {
      this.maxRetryAfter = positive(cap, "maxRetryAfter");
      return this;
    }

    /** Default 8. */
    public Builder maxConcurrentRequestsPerRegistry(int limit) {
      this.maxConcurrentRequestsPerRegistry = (int) positive(limit, "maxConcurrentRequestsPerRegistry");
      return this;
    }

    /** Registries (host or host:port) to reach over plain HTTP; default none. */
    public Builder insecureRegistries(Set<String> registries) {
      this.insecureRegistries =
          registries.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      return this;
    }

    /** Whether localhost/127.0.0.0/8/::1 registries use plain HTTP; default true. */
    public Builder plainHttpForLoopback(boolean plain) {
      this.plainHttpForLoopback = plain;
      return this;
    }

    /** PEM file of CA certificates trusted in addition to the JDK's; default none. */
    public Builder caBundle(Path pemFile) {
      this.caBundle = pemFile;
      return this;
    }

    /** Default none (anonymous). */
    public Builder credentials(RegistryCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    public Builder listener(RegistryRequestListener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /** Page size asked for when listing tags; default 0 (registry's choice). */
    public Builder tagPageSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("tagPageSize must not be negative");
      }
      this.tagPageSize = size;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent);
      return this;
    }

    /** Clock for token expiry and Retry-After dates; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** How retries wait; default Thread.sleep. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    public RegistryClientConfig build() {
      return new RegistryClientConfig(this);
    }

    private static long positive(long value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
      }
      return value;
    }
  }
}
