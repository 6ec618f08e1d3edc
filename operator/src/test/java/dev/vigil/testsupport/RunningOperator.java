package dev.vigil.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.vigil.operator.OperatorSettings;
import dev.vigil.operator.ScanSettings;
import dev.vigil.operator.UpdateSettings;
import dev.vigil.operator.VigilOperator;
import dev.vigil.registry.Platform;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * The operator in-process (JOSDK controllers, informers, scan loop, HTTP endpoint) against the
 * real test API server, authenticated as the ServiceAccount an {@link OperatorInstall} bound to
 * the shipped RBAC, with status written by server-side apply as {@code --patch-style ssa} does.
 *
 * <p>Every request the API server answers with 403, and every warning the operator logs about
 * one, is recorded; {@link #close()} fails when there was any, so a grant missing from
 * {@code config/} fails the test that needed it even where the product only logs the failure.
 */
public final class RunningOperator implements AutoCloseable {

  /** The stop budget of a restarted pod (the manager's default --shutdown-timeout). */
  private static final Duration GRACEFUL_STOP = Duration.ofSeconds(25);

  /**
   * How a refusal by the API server shows in a log line: fabric8's exception text ("... is
   * forbidden: User ...", "code=403"). A registry's "HTTP 403" is not the API server's business.
   */
  private static final Pattern FORBIDDEN = Pattern.compile("(?i)\\bforbidden\\b|\\bcode[=:] ?403\\b");

  private final Builder settings;
  private final KubernetesClient client;
  private final VigilOperator operator;
  private final List<String> forbidden;
  private final List<Pattern> expected = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender;

  private RunningOperator(Builder settings, KubernetesClient client, VigilOperator operator,
      List<String> forbidden, AppenderBase<ILoggingEvent> appender) {
    this.settings = settings;
    this.client = client;
    this.operator = operator;
    this.forbidden = forbidden;
    this.appender = appender;
  }

  /** An operator running in the install's namespace as its ServiceAccount. */
  public static Builder in(OperatorInstall install) {
    return new Builder(install);
  }

  /** How to start one. */
  public static final class Builder {
    private final OperatorInstall install;
    private Duration minScanInterval = Duration.ofSeconds(1);
    private ScanSettings scan;
    private UpdateSettings updates = UpdateSettings.defaults();
    private Interceptor requestObserver;
    private boolean replica;

    private Builder(OperatorInstall install) {
      this.install = install;
    }

    public Builder minScanInterval(Duration value) {
      this.minScanInterval = value;
      return this;
    }

    public Builder scan(ScanSettings value) {
      this.scan = value;
      return this;
    }

    public Builder updates(UpdateSettings value) {
      this.updates = value;
      return this;
    }

    /** Sees every request of the operator's client too, e.g. an {@link ApiRequestCounter}. */
    public Builder observeRequests(Interceptor value) {
      this.requestObserver = value;
      return this;
    }

    /**
     * Runs as one of several replicas, as in a cluster: with leader election and a member Lease,
     * scanning only this replica's share of the images.
     */
    public Builder asReplica() {
      this.replica = true;
      return this;
    }

    public RunningOperator start() throws IOException {
      ScanSettings scanSettings = scan != null ? scan : scanSettings("none");
      List<String> forbidden = new CopyOnWriteArrayList<>();
      AppenderBase<ILoggingEvent> appender = forbiddenLog(forbidden);
      KubernetesClient client = serviceAccountClient(install, forbidden, requestObserver);
      try {
        OperatorSettings operatorSettings =
            new OperatorSettings(install.namespace(), minScanInterval, Duration.ofMinutes(10), Clock.systemUTC());
        VigilOperator operator = VigilOperator.start(client, new VigilOperator.Options(
            new InetSocketAddress("127.0.0.1", 0), replica, true, operatorSettings, scanSettings, updates));
        return new RunningOperator(this, client, operator, forbidden, appender);
      } catch (IOException | RuntimeException e) {
        client.close();
        detach(appender);
        throw e;
      }
    }
  }

  /** The operator's namespace. */
  public String namespace() {
    return settings.install.namespace();
  }

  public VigilOperator operator() {
    return operator;
  }

  public int httpPort() {
    return operator.httpPort();
  }

  /** The client the operator uses: the ServiceAccount's. */
  public KubernetesClient client() {
    return client;
  }

  /** Requests answered 403 and log lines about one, so far, each once. */
  public List<String> forbidden() {
    return forbidden.stream().distinct().toList();
  }

  /** How many requests and log lines about a refusal started with this text. */
  public long refusals(String prefix) {
    return forbidden.stream().filter(line -> line.startsWith(prefix)).count();
  }

  /**
   * Refusals a test provokes on purpose (e.g. a rollout on a read-only install): lines of
   * {@link #forbidden()} containing a match are not failures.
   */
  public RunningOperator expectForbidden(String regex) {
    expected.add(Pattern.compile(regex));
    return this;
  }

  /** Fails when the API server refused the operator anything not {@linkplain #expectForbidden expected}. */
  public void assertNoForbidden() {
    List<String> unexpected = forbidden().stream()
        .filter(line -> expected.stream().noneMatch(p -> p.matcher(line).find())).toList();
    if (!unexpected.isEmpty()) {
      throw new AssertionError("the operator was refused by RBAC (" + settings.install.serviceAccount()
          + " in " + namespace() + "):\n  " + String.join("\n  ", unexpected));
    }
  }

  /**
   * Stops this operator (checking it was never refused) and starts a new one with the same
   * settings, as a restarted pod would.
   */
  public RunningOperator restart() throws IOException {
    close();
    RunningOperator next = settings.start();
    next.expected.addAll(expected);
    return next;
  }

  /**
   * Stops the operator as SIGTERM would (running scans and update steps get a bounded chance to
   * finish); fails when the API server refused it anything while it ran.
   */
  @Override
  public void close() {
    try {
      operator.stop(GRACEFUL_STOP);
    } finally {
      client.close();
      detach(appender);
    }
    assertNoForbidden();
  }

  /** Scan settings for tests: no vulnerability data unless named, a throw-away data dir. */
  public static ScanSettings scanSettings(String vulnDb) throws IOException {
    return scanSettings(vulnDb, Set.of());
  }

  /** The same, watching only the workloads of the given namespaces (empty = all). */
  public static ScanSettings scanSettings(String vulnDb, Set<String> watchNamespaces) throws IOException {
    Path dataDir = Files.createTempDirectory("vigil-data");
    dataDir.toFile().deleteOnExit();
    return new ScanSettings(vulnDb, Duration.ofHours(6), dataDir, Platform.LINUX_AMD64, 4,
        256L * 1024 * 1024, Set.of(), false, "vigil/test", watchNamespaces);
  }

  private static KubernetesClient serviceAccountClient(OperatorInstall install, List<String> forbidden,
      Interceptor observer) throws IOException {
    // The ServiceAccount's token kubeconfig (as install.client() and the jar use), plus a hook
    // that sees every response, also those the product catches and only logs.
    Config config = Config.fromKubeconfig(Files.readString(install.kubeconfig()));
    Interceptor recorder = new Interceptor() {
      @Override
      public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> body) {
        record(request.method(), request.uri(), response.code());
      }

      @Override
      public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response,
          RequestTags tags) {
        record(response.request().method(), response.request().uri(), response.code());
        return CompletableFuture.completedFuture(false);
      }

      private void record(String method, URI uri, int code) {
        if (code == 403) {
          forbidden.add("403 " + method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
      }
    };
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> {
          b.addOrReplaceInterceptor("vigil-test-forbidden", recorder);
          if (observer != null) {
            b.addOrReplaceInterceptor("vigil-test-observer", observer);
          }
        })
        .build();
  }

  private static AppenderBase<ILoggingEvent> forbiddenLog(List<String> forbidden) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
          return;
        }
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
          text.append(" / ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        if (FORBIDDEN.matcher(text).find()) {
          forbidden.add("log " + event.getLevel() + " " + event.getLoggerName() + ": " + text);
        }
      }
    };
    appender.setContext(context);
    appender.setName("vigil-test-forbidden-" + System.identityHashCode(appender));
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return appender;
  }

  private static void detach(AppenderBase<ILoggingEvent> appender) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
  }
}
