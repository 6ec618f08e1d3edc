package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * VIG-IMG-015. An old build carries old packages, including fixes no advisory database has caught
 * up with yet and libraries no scanner inventories. The age counts from the config's "created".
 * Reproducible builds write a fixed placeholder there (1970-01-01 from SOURCE_DATE_EPOCH=0,
 * 0001-01-01 from Go's zero time), so any time before 1970-01-02 is taken as unknown, like a
 * missing "created": no finding, since the age cannot be known.
 */
final class ImageAgeCheck implements ImageCheck {

  /** Builds stamped earlier than this carry a placeholder rather than their build time. */
  static final Instant PLACEHOLDER_BEFORE = Instant.parse("1970-01-02T00:00:00Z");

  @Override
  public String id() {
    return "VIG-IMG-015";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Image older than the maximum age";
  }

  @Override
  public String remediation() {
    return "Rebuild the image regularly (e.g. a scheduled CI job) so base image and package"
        + " updates reach it, and let Vigil roll out the rebuilt digest.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    Duration max = context.settings().maxImageAge();
    Instant created = context.config().created();
    if (max == null || created == null || created.isBefore(PLACEHOLDER_BEFORE)) {
      return List.of();
    }
    Duration age = Duration.between(created, context.clock().instant());
    if (age.compareTo(max) <= 0) {
      return List.of();
    }
    return List.of(
        "created " + created + ", " + age.toDays() + " days ago (maximum " + describe(max) + ")");
  }

  private static String describe(Duration d) {
    return d.toDaysPart() > 0 && d.minusDays(d.toDays()).isZero()
        ? d.toDays() + " days"
        : d.toString();
  }
}
