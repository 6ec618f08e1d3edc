package dev.vigil.testsupport;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests a client sends to the API server, by verb (GET, LIST, WATCH, POST,
 * PATCH, PUT, DELETE) and resource, for benchmarks that report API requests per run.
 */
public final class ApiRequestCounter implements Interceptor {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** A client for the config whose every request is counted here. */
  public KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("vigil-request-counter", this))
        .build();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    counts.computeIfAbsent(key(request), k -> new LongAdder()).increment();
  }

  /** "VERB resource", e.g. "LIST pods", "PATCH imagereports/status". */
  static String key(HttpRequest request) {
    String path = request.uri().getPath();
    String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
    String[] parts = path.replaceFirst("^/(api/v1|apis/[^/]+/[^/]+)/?", "").split("/");
    // namespaces/NS/RESOURCE[/NAME[/SUB]] or RESOURCE[/NAME[/SUB]]
    int i = parts.length > 2 && "namespaces".equals(parts[0]) ? 2 : 0;
    String resource = i < parts.length ? parts[i] : path;
    boolean named = i + 1 < parts.length;
    if (i + 2 < parts.length) {
      resource = resource + "/" + parts[i + 2];
    }
    String verb = request.method();
    if ("GET".equals(verb)) {
      verb = query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST";
    }
    return verb + " " + resource;
  }

  /** Counts so far, by "VERB resource", sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The difference between two snapshots, without zero entries. */
  public static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        out.put(k, d);
      }
    });
    return out;
  }
}
