package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.testsupport.ImageFormat;
import dev.vigil.testsupport.LocalRegistry;
import dev.vigil.testsupport.NotificationEndpoint;
import dev.vigil.testsupport.PushedImage;
import dev.vigil.testsupport.TestImage;
import dev.vigil.testsupport.TestImages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End to end: a real distribution registry whose notifications endpoint is the receiver (with the
 * Bearer secret as a configured header) reports pushes to the listener.
 */
class WebhookLocalRegistryTest {

  private static final String SECRET = "registry-notification-secret-42";

  @Test
  void pushToARealRegistryReachesTheListenerWithRepositoryTagAndDigest() throws Exception {
    LinkedBlockingQueue<PushEvent> received = new LinkedBlockingQueue<>();
    RecordingStats stats = new RecordingStats();
    WebhookSettings settings =
        WebhookSettings.defaults(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    try (WebhookServer server =
            WebhookServer.start(
                settings,
                WebhookSecret.of(SECRET.getBytes(StandardCharsets.UTF_8)),
                received::add,
                stats);
        LocalRegistry registry =
            LocalRegistry.builder()
                .notification(
                    NotificationEndpoint.of(
                        "vigil",
                        server.uri(WebhookFormat.DISTRIBUTION),
                        Map.of("Authorization", List.of("Bearer " + SECRET))))
                .start()) {
      TestImage image = TestImages.image().layer(l -> l.file("app/version", "1")).build();
      PushedImage pushed = registry.pusher().push("team/app", "1.0", image);
      TestImage arm =
          TestImages.image().platform("linux/arm64").layer(l -> l.file("app/version", "1")).build();
      PushedImage index =
          registry
              .pusher()
              .push(
                  "team/multi",
                  "2.0",
                  TestImages.index(ImageFormat.OCI).image(image).image(arm).build());

      // Listener threads may deliver in any order: collect what arrives, then compare.
      Set<String> expected = new TreeSet<>();
      expected.add(registry.host() + "/team/app:1.0@" + pushed.digest());
      for (String child : index.manifestDigests()) {
        // Children of the index are pushed by digest, without a tag.
        expected.add(registry.host() + "/team/multi@" + child);
      }
      expected.add(registry.host() + "/team/multi:2.0@" + index.digest());
      Set<String> seen = new TreeSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (seen.size() < expected.size() && System.nanoTime() < deadline) {
        PushEvent event = received.poll(200, TimeUnit.MILLISECONDS);
        if (event != null) {
          assertEquals(WebhookFormat.DISTRIBUTION, event.source());
          seen.add(event.reference().canonical());
        }
      }
      // Layer and config uploads are not events; nothing beyond the manifests arrives.
      assertNull(received.poll(300, TimeUnit.MILLISECONDS));
      assertEquals(expected, seen, "registry log: " + registry.log());
      assertEquals(0, stats.snapshot().getOrDefault("unauthorized", 0));
      assertEquals(0, stats.snapshot().getOrDefault("rejected", 0));
    }
  }
}
