package dev.vigil.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The webhook payloads under src/test/resources/webhooks. */
final class WebhookFixtures {

  private static final String FOLDER = "webhooks/";

  private WebhookFixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in =
        WebhookFixtures.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + FOLDER + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** File names of every JSON payload in the folder. */
  static List<String> all() {
    URL url = WebhookFixtures.class.getClassLoader().getResource(FOLDER);
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
