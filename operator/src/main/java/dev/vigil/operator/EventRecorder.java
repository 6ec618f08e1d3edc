package dev.vigil.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes core/v1 Events on objects. The same reason and message for the same object is
 * published at most once per {@code repeatInterval}, so a reconcile loop cannot flood etcd.
 */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "vigil";
  private static final int MAX_REMEMBERED = 10_000;

  /** Event types. */
  public enum Type {
    Normal,
    Warning
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration repeatInterval;
  private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock, Duration repeatInterval) {
    this.client = client;
    this.clock = clock;
    this.repeatInterval = repeatInterval;
  }

  /** Publishes an event unless the same one was published recently; never throws. */
  public void publish(HasMetadata target, Type type, String reason, String message) {
    Instant now = clock.instant();
    String key = target.getMetadata().getUid() + "|" + target.getMetadata().getName() + "|" + reason + "|" + message;
    Instant previous = lastSent.get(key);
    if (previous != null && Duration.between(previous, now).compareTo(repeatInterval) < 0) {
      return;
    }
    lastSent.put(key, now);
    forgetOld(now);
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = target.getMetadata().getNamespace();
    try {
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
              .withNewMetadata()
              .withGenerateName(target.getMetadata().getName() + ".")
              .withNamespace(namespace)
              .endMetadata()
              .withInvolvedObject(new ObjectReferenceBuilder()
                  .withApiVersion(target.getApiVersion())
                  .withKind(target.getKind())
                  .withName(target.getMetadata().getName())
                  .withNamespace(namespace)
                  .withUid(target.getMetadata().getUid())
                  .withResourceVersion(target.getMetadata().getResourceVersion())
                  .build())
              .withType(type.name())
              .withReason(reason)
              .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
              .withFirstTimestamp(time)
              .withLastTimestamp(time)
              .withCount(1)
              .withNewSource().withComponent(COMPONENT).endSource()
              .withReportingComponent(COMPONENT)
              .build())
          .create();
    } catch (KubernetesClientException e) {
      // Events are best effort: losing one must not fail the reconcile that wanted it.
      LOG.warn("could not publish event {} on {}/{}: {}", reason, namespace,
          target.getMetadata().getName(), e.getMessage());
    }
  }

  private void forgetOld(Instant now) {
    if (lastSent.size() <= MAX_REMEMBERED) {
      return;
    }
    for (Iterator<Instant> it = lastSent.values().iterator(); it.hasNext(); ) {
      if (Duration.between(it.next(), now).compareTo(repeatInterval) >= 0) {
        it.remove();
      }
    }
  }
}
