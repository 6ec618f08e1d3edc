package dev.vigil.workload;

import dev.vigil.registry.RegistryCredentials;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry credentials a workload's pods pull with: the pod spec's {@code
 * imagePullSecrets}, then those of its ServiceAccount ({@code default} when the spec names
 * none), in that order, each secret read once. The ServiceAccount's secrets are added here
 * because the admission plugin copies them only into pods, never into a Deployment's template.
 *
 * <p>Secrets and ServiceAccounts are read with single GETs in the workload's namespace (RBAC
 * grants {@code get} on secrets, not list or watch) and cached for a short while, missing ones
 * too. A missing secret or ServiceAccount is skipped with a debug log naming it; one that
 * cannot be read or parsed is skipped with a warning. Secret contents stay in the returned
 * credentials: they are never logged or stored elsewhere.
 */
public final class PullSecretResolver {

  private static final Logger LOG = LoggerFactory.getLogger(PullSecretResolver.class);

  /** How long secrets and ServiceAccounts are cached by default. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

  private record Key(String namespace, String name) {}

  private record Cached<T>(Optional<T> value, Instant expires) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration ttl;
  private final Map<Key, Cached<RegistryCredentials>> secrets = new ConcurrentHashMap<>();
  private final Map<Key, Cached<List<String>>> serviceAccounts = new ConcurrentHashMap<>();

  public PullSecretResolver(KubernetesClient client) {
    this(client, Clock.systemUTC(), DEFAULT_TTL);
  }

  public PullSecretResolver(KubernetesClient client, Clock clock, Duration ttl) {
    this.client = client;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** The workload's pull credentials, pod spec's secrets first; none when it has none. */
  public RegistryCredentials credentialsFor(Workload workload) {
    String namespace = workload.namespace();
    PodSpec spec = workload.podSpec() == null ? new PodSpec() : workload.podSpec();
    Set<String> names = new LinkedHashSet<>(names(spec.getImagePullSecrets()));
    names.addAll(serviceAccountSecrets(namespace, serviceAccountName(spec)));
    RegistryCredentials credentials = RegistryCredentials.none();
    for (String name : names) {
      Optional<RegistryCredentials> secret = secret(namespace, name);
      if (secret.isPresent()) {
        credentials = credentials.and(secret.get());
      }
    }
    return credentials;
  }

  /** Forgets everything cached, e.g. after a secret was known to change. */
  public void clear() {
    secrets.clear();
    serviceAccounts.clear();
  }

  @SuppressWarnings("deprecation")
  private static String serviceAccountName(PodSpec spec) {
    String name = spec.getServiceAccountName();
    if (name == null || name.isEmpty()) {
      name = spec.getServiceAccount();
    }
    return name == null || name.isEmpty() ? "default" : name;
  }

  private static List<String> names(List<LocalObjectReference> references) {
    List<String> out = new ArrayList<>();
    if (references != null) {
      for (LocalObjectReference reference : references) {
        if (reference != null && reference.getName() != null && !reference.getName().isEmpty()) {
          out.add(reference.getName());
        }
      }
    }
    return out;
  }

  private List<String> serviceAccountSecrets(String namespace, String name) {
    Key key = new Key(namespace, name);
    Cached<List<String>> cached = serviceAccounts.get(key);
    if (cached != null && clock.instant().isBefore(cached.expires())) {
      return cached.value().orElse(List.of());
    }
    ServiceAccount account;
    try {
      account = client.serviceAccounts().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read ServiceAccount {}/{} for its image pull secrets (HTTP {}): {}",
          namespace, name, e.getCode(), reason(e));
      return List.of();
    }
    Optional<List<String>> value;
    if (account == null) {
      LOG.debug("ServiceAccount {}/{} does not exist; no pull secrets from it", namespace, name);
      value = Optional.empty();
    } else {
      value = Optional.of(List.copyOf(names(account.getImagePullSecrets())));
    }
    serviceAccounts.put(key, new Cached<>(value, clock.instant().plus(ttl)));
    return value.orElse(List.of());
  }

  /** The API server's own message (e.g. who is forbidden what), not the client's request dump. */
  private static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  private Optional<RegistryCredentials> secret(String namespace, String name) {
    Key key = new Key(namespace, name);
    Cached<RegistryCredentials> cached = secrets.get(key);
    if (cached != null && clock.instant().isBefore(cached.expires())) {
      return cached.value();
    }
    Secret secret;
    try {
      secret = client.secrets().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      // Not cached: a permission or server problem may be fixed by the next attempt.
      LOG.warn("cannot read image pull secret {}/{} (HTTP {}); pulling without it",
          namespace, name, e.getCode());
      return Optional.empty();
    }
    Optional<RegistryCredentials> value;
    if (secret == null) {
      LOG.debug("image pull secret {}/{} does not exist; skipped", namespace, name);
      value = Optional.empty();
    } else {
      value = parse(namespace, name, secret);
    }
    secrets.put(key, new Cached<>(value, clock.instant().plus(ttl)));
    return value;
  }

  private static Optional<RegistryCredentials> parse(String namespace, String name, Secret secret) {
    Map<String, byte[]> data = new HashMap<>();
    if (secret.getData() != null) {
      for (Map.Entry<String, String> entry : secret.getData().entrySet()) {
        try {
          data.put(entry.getKey(), entry.getValue() == null
              ? new byte[0] : Base64.getDecoder().decode(entry.getValue()));
        } catch (IllegalArgumentException e) {
          LOG.warn("image pull secret {}/{}: data key {} is not base64; skipped",
              namespace, name, entry.getKey());
          return Optional.empty();
        }
      }
    }
    try {
      return Optional.of(RegistryCredentials.fromSecret(secret.getType(), data));
    } catch (IllegalArgumentException e) {
      // A JSON parser's message may quote the secret's text: then say only that it is malformed.
      String reason = e.getCause() instanceof IOException ? "malformed JSON" : e.getMessage();
      LOG.warn("image pull secret {}/{} (type {}) holds no usable registry credentials: {}; skipped",
          namespace, name, secret.getType(), reason);
      return Optional.empty();
    }
  }
}
