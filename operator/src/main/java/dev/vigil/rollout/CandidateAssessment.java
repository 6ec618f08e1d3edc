package dev.vigil.rollout;

import dev.vigil.api.ImageReportStatus.SignatureInfo;
import java.util.Objects;

/**
 * What the scan side found out about a candidate, compared with the running image.
 *
 * @param signature signature status of the candidate under the policy's authorities
 * @param fixes findings of the running image that the candidate no longer has
 * @param newFindings findings at or above the policy's failOn that the candidate adds
 * @param identicalContent true when the candidate has the same config and layers as the running
 *     image (a re-push under a new manifest digest): moving to it changes nothing
 */
public record CandidateAssessment(
    SignatureInfo.Status signature, int fixes, int newFindings, boolean identicalContent) {

  public CandidateAssessment {
    Objects.requireNonNull(signature, "signature");
    if (fixes < 0 || newFindings < 0) {
      throw new IllegalArgumentException(
          "finding counts cannot be negative (fixes "
              + fixes
              + ", newFindings "
              + newFindings
              + ")");
    }
  }
}
