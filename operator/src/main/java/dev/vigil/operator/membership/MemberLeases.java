package dev.vigil.operator.membership;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica membership from Leases: every replica renews a Lease of its own ({@value #PREFIX}
 * plus its identity, label {@value #LABEL}) in the operator namespace and watches the others'
 * through an informer. The members are the replicas whose Lease this replica saw renewed within
 * its duration; a digest belongs to the member {@link Rendezvous} picks.
 *
 * <p>Expiry is judged by this replica's own clock from when it saw a Lease change, not from the
 * renew time written by another pod's clock (as client-go's leader election does), so clock skew
 * between nodes cannot make a live replica look dead. This replica counts itself a member only
 * while its own last successful renew is younger than 4/5 of the duration: cut off from the API
 * server, it gives its share up before the others take it over, never after.
 */
public final class MemberLeases implements Ownership, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemberLeases.class);

  public static final String LABEL = "vigil.dev/member";
  public static final String PREFIX = "vigil-member-";
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(15);
  /** A Lease nobody renewed for this many durations is deleted by whichever replica sees it. */
  private static final int ABANDONED_AFTER = 10;
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final String namespace;
  private final String identity;
  private final String leaseName;
  private final Duration duration;
  private final Clock clock;
  private final SharedIndexInformer<Lease> informer;
  private final ScheduledExecutorService timer;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** Per Lease name: its resourceVersion when last seen to change, and when (this clock). */
  private final Map<String, Seen> seen = new HashMap<>();
  private volatile Set<String> members = Set.of();
  private volatile Instant lastRenew = Instant.EPOCH;
  private volatile boolean released;

  private record Seen(String identity, String resourceVersion, Instant at, Duration duration) {}

  public MemberLeases(KubernetesClient client, String namespace, String identity, Duration duration, Clock clock) {
    if (duration.toSeconds() < 1) {
      throw new IllegalArgumentException("member lease duration must be at least 1s, not " + duration);
    }
    this.client = client;
    this.namespace = namespace;
    this.identity = identity;
    this.leaseName = leaseName(identity);
    this.duration = duration;
    this.clock = clock;
    this.informer = client.resources(Lease.class).inNamespace(namespace).withLabel(LABEL, "true")
        .runnableInformer(0);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-membership");
      t.setDaemon(true);
      return t;
    });
  }

  /** The Lease name for an identity: a DNS subdomain, hash-shortened when too long. */
  static String leaseName(String identity) {
    String clean = identity.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
        .replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    String name = PREFIX + clean;
    if (name.length() > 253 || clean.isEmpty()) {
      name = PREFIX + sha256(identity).substring(0, 32);
    }
    return name;
  }

  /**
   * Creates this replica's Lease, starts watching the others and waits for the first list, then
   * renews every third of the duration. Fails when the Lease cannot be created (no grant).
   */
  public void start(Duration timeout) {
    renew();
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Lease lease) {
        evaluate();
      }

      @Override
      public void onUpdate(Lease before, Lease after) {
        evaluate();
      }

      @Override
      public void onDelete(Lease lease, boolean unknownFinalState) {
        evaluate();
      }
    });
    try {
      informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("member Leases in " + namespace + " not listed within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing member Leases", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot watch member Leases in " + namespace + ": " + e.getCause().getMessage(),
          e.getCause());
    }
    evaluate();
    long renewEvery = Math.max(200, duration.toMillis() / 3);
    timer.scheduleWithFixedDelay(this::renewQuietly, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    // Expiry happens without any event: look again often.
    long look = Math.max(100, Math.min(1000, duration.toMillis() / 5));
    timer.scheduleWithFixedDelay(this::evaluateQuietly, look, look, TimeUnit.MILLISECONDS);
    LOG.info("member Lease {}/{} (identity {}, duration {} s)", namespace, leaseName, identity, duration.toSeconds());
  }

  public String identity() {
    return identity;
  }

  /** The live members (identities), this replica included while its own Lease is fresh. */
  public Set<String> members() {
    return members;
  }

  @Override
  public boolean owns(String key) {
    Set<String> now = members;
    return now.contains(identity) && identity.equals(Rendezvous.owner(key, now));
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (RuntimeException e) {
      LOG.warn("could not renew member Lease {}/{}: {}", namespace, leaseName, e.getMessage());
    }
  }

  private void renew() {
    if (released) {
      return;
    }
    Instant sent = clock.instant();
    String now = MICRO_TIME.format(sent);
    try {
      client.resources(Lease.class).inNamespace(namespace).withName(leaseName)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"renewTime\":\"" + now + "\"}}");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      // First start, or deleted while this replica was cut off as abandoned: create it again.
      Lease lease = new Lease();
      lease.setMetadata(new ObjectMetaBuilder().withName(leaseName).withNamespace(namespace)
          .withLabels(Map.of(LABEL, "true", "app.kubernetes.io/part-of", "vigil")).build());
      ZonedDateTime at = ZonedDateTime.ofInstant(sent, ZoneOffset.UTC);
      lease.setSpec(new LeaseSpecBuilder().withHolderIdentity(identity)
          .withLeaseDurationSeconds((int) duration.toSeconds()).withAcquireTime(at).withRenewTime(at).build());
      try {
        client.resource(lease).create();
      } catch (KubernetesClientException conflict) {
        if (conflict.getCode() != 409) {
          throw conflict;
        }
      }
    }
    lastRenew = sent;
  }

  private void evaluateQuietly() {
    try {
      evaluate();
    } catch (RuntimeException e) {
      LOG.warn("membership evaluation failed: {}", e.toString());
    }
  }

  private synchronized void evaluate() {
    Instant now = clock.instant();
    Set<String> live = new TreeSet<>();
    Set<String> present = new TreeSet<>();
    for (Lease lease : informer.getStore().list()) {
      String name = lease.getMetadata().getName();
      present.add(name);
      if (lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null) {
        continue;
      }
      String holder = lease.getSpec().getHolderIdentity();
      Duration leaseDuration = lease.getSpec().getLeaseDurationSeconds() == null ? duration
          : Duration.ofSeconds(lease.getSpec().getLeaseDurationSeconds());
      String rv = lease.getMetadata().getResourceVersion();
      Seen before = seen.get(name);
      Seen current;
      if (before == null) {
        // First sight: trust the written renew time, but never as later than now.
        Instant renewed = lease.getSpec().getRenewTime() == null ? Instant.EPOCH
            : lease.getSpec().getRenewTime().toInstant();
        current = new Seen(holder, rv, renewed.isAfter(now) ? now : renewed, leaseDuration);
      } else if (!before.resourceVersion().equals(rv)) {
        current = new Seen(holder, rv, now, leaseDuration);
      } else {
        current = before;
      }
      seen.put(name, current);
      Instant expires = current.at().plus(current.duration());
      if (!holder.equals(identity) && now.isBefore(expires)) {
        live.add(holder);
      }
      if (!holder.equals(identity) && now.isAfter(current.at().plus(current.duration().multipliedBy(ABANDONED_AFTER)))) {
        deleteAbandoned(lease);
      }
    }
    seen.keySet().retainAll(present);
    if (!released && Duration.between(lastRenew, now).compareTo(duration.multipliedBy(4).dividedBy(5)) < 0) {
      live.add(identity);
    }
    Set<String> next = Set.copyOf(live);
    if (!next.equals(members)) {
      Set<String> previous = members;
      members = next;
      LOG.info("members now {} (were {})", new TreeSet<>(next), new TreeSet<>(previous));
      for (Runnable listener : listeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          LOG.warn("membership listener failed: {}", e.toString());
        }
      }
    }
  }

  /** A dead replica's Lease, left behind by a SIGKILL: removed only if nobody renewed it meanwhile. */
  private void deleteAbandoned(Lease lease) {
    try {
      client.resources(Lease.class).inNamespace(namespace).withName(lease.getMetadata().getName())
          .lockResourceVersion(lease.getMetadata().getResourceVersion()).delete();
      LOG.info("deleted abandoned member Lease {}/{}", namespace, lease.getMetadata().getName());
    } catch (KubernetesClientException e) {
      LOG.debug("abandoned member Lease {} not deleted: {}", lease.getMetadata().getName(), e.getMessage());
    }
  }

  /**
   * Leaves the membership at once (a clean stop, once no work runs any more): stops renewing and
   * deletes this replica's Lease, so the others take its share over now rather than after the
   * Lease expired.
   */
  public void release() {
    released = true;
    timer.shutdownNow();
    synchronized (this) {
      members = Set.of();
    }
    try {
      client.resources(Lease.class).inNamespace(namespace).withName(leaseName).delete();
      LOG.info("released member Lease {}/{}", namespace, leaseName);
    } catch (KubernetesClientException e) {
      LOG.warn("could not delete member Lease {}/{} (it expires by itself): {}", namespace, leaseName, e.getMessage());
    }
  }

  /** Stops renewing and watching; the Lease stays and expires unless {@link #release()} ran. */
  @Override
  public void close() {
    timer.shutdownNow();
    informer.close();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
