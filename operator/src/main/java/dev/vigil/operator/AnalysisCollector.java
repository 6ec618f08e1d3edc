package dev.vigil.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.ImagePolicy;
import dev.vigil.api.StoredImageAnalysis;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored analyses no ImageReport has referred to for the retention period. A
 * cluster-scoped ImageAnalysis cannot be owned by namespaced reports, so the Kubernetes garbage
 * collector cannot do it: each sweep lists the analyses' metadata only (never their data), marks
 * an unreferenced one with {@link StoredImageAnalysis#UNREFERENCED_SINCE}, unmarks one a report
 * refers to again, and deletes one marked longer ago than the retention, on the condition that
 * it was not rewritten meanwhile (resourceVersion precondition). The mark lives on the object, so
 * the clock survives restarts and a change of leader, and concurrent sweeps are harmless.
 */
final class AnalysisCollector {

  private static final Logger LOG = LoggerFactory.getLogger(AnalysisCollector.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
  private static final int PAGE = 500;

  /** What one sweep did. */
  record Sweep(int seen, int marked, int unmarked, int deleted) {}

  private final KubernetesClient client;
  private final Supplier<Set<String>> referencedDigests;
  private final Duration retention;
  private final Clock clock;

  /**
   * @param referencedDigests every digest a report names now (running, index and candidate
   *     digests), or null while the reports are not known yet (then nothing is swept)
   */
  AnalysisCollector(KubernetesClient client, Supplier<Set<String>> referencedDigests, Duration retention,
      Clock clock) {
    this.client = client;
    this.referencedDigests = referencedDigests;
    this.retention = retention;
    this.clock = clock;
  }

  /** How often a sweep runs for a retention: a quarter of it, between 1 s and 10 min. */
  static Duration interval(Duration retention) {
    Duration quarter = retention.dividedBy(4);
    if (quarter.compareTo(Duration.ofSeconds(1)) < 0) {
      return Duration.ofSeconds(1);
    }
    return quarter.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : quarter;
  }

  /** One sweep; never throws (a failed sweep is retried by the next). */
  Sweep sweepQuietly() {
    try {
      return sweep();
    } catch (KubernetesClientException | IOException e) {
      LOG.warn("stored-analysis garbage collection failed, retrying at the next sweep: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("stored-analysis garbage collection failed, retrying at the next sweep", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Sweep(0, 0, 0, 0);
  }

  Sweep sweep() throws IOException, InterruptedException {
    Set<String> referenced = referencedDigests.get();
    if (referenced == null) {
      return new Sweep(0, 0, 0, 0);
    }
    Instant now = clock.instant();
    int seen = 0;
    int marked = 0;
    int unmarked = 0;
    int deleted = 0;
    String continueToken = null;
    do {
      JsonNode page = listMetadata(continueToken);
      for (JsonNode item : page.path("items")) {
        JsonNode metadata = item.path("metadata");
        String name = metadata.path("name").asText();
        String resourceVersion = metadata.path("resourceVersion").asText();
        String since = metadata.path("annotations").path(StoredImageAnalysis.UNREFERENCED_SINCE).asText(null);
        String digest = KubernetesAnalysisStore.digestOf(name);
        seen++;
        if (digest != null && referenced.contains(digest)) {
          if (since != null && annotate(name, resourceVersion, null)) {
            unmarked++;
          }
        } else {
          Instant markedAt = parse(since);
          if (markedAt == null) {
            if (annotate(name, resourceVersion, now.truncatedTo(ChronoUnit.SECONDS).toString())) {
              marked++;
            }
          } else if (!markedAt.plus(retention).isAfter(now) && delete(name, resourceVersion)) {
            deleted++;
            LOG.info("deleted the stored analysis {}: no report has referred to it since {}", name, since);
          }
        }
      }
      continueToken = page.path("metadata").path("continue").asText("");
    } while (!continueToken.isEmpty());
    return new Sweep(seen, marked, unmarked, deleted);
  }

  private static Instant parse(String since) {
    if (since == null) {
      return null;
    }
    try {
      return Instant.parse(since);
    } catch (DateTimeParseException e) {
      // A mark someone mangled: marked again from now, so nothing goes early.
      return null;
    }
  }

  /** Sets or (value null) removes the mark, unless the object changed since listed. */
  private boolean annotate(String name, String resourceVersion, String value) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(StoredImageAnalysis.UNREFERENCED_SINCE, value);
    Map<String, Object> metadata = new HashMap<>();
    metadata.put("resourceVersion", resourceVersion);
    metadata.put("annotations", annotations);
    try {
      client.resources(StoredImageAnalysis.class).withName(name)
          .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              JSON.writeValueAsString(Map.of("metadata", metadata)));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        return false;
      }
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean delete(String name, String resourceVersion) {
    try {
      return !client.resources(StoredImageAnalysis.class).withName(name).lockResourceVersion(resourceVersion)
          .delete().isEmpty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private JsonNode listMetadata(String continueToken) throws IOException, InterruptedException {
    String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/apis/" + ImagePolicy.GROUP + "/"
        + ImagePolicy.VERSION + "/imageanalyses?limit=" + PAGE
        + (continueToken == null ? "" : "&continue=" + URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url).header("Accept", METADATA_ONLY)
        .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("listing stored analyses: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("listing stored analyses timed out", e);
    }
    if (response.code() != 200) {
      throw new KubernetesClientException("listing stored analyses: HTTP " + response.code() + " "
          + response.body(), response.code(), null);
    }
    return JSON.readTree(response.body());
  }
}
