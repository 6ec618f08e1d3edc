package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.List;

/**
 * One image-content check with a stable id (documented in docs/checks.md). A check reports at most
 * one finding; its evidence lines say what exactly failed.
 */
public interface ImageCheck {

  /** Stable id, "VIG-IMG-" and three digits. Never reused for another meaning. */
  String id();

  Severity defaultSeverity();

  /** One line saying what was found. */
  String title();

  String remediation();

  /**
   * Evidence lines when the check fails, in the check's own meaningful order (paths sorted, history
   * steps in build order); empty when the image passes. Never contains a secret value.
   */
  List<String> evaluate(ImageCheckContext context);
}
