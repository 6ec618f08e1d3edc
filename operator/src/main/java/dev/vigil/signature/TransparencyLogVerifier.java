package dev.vigil.signature;

import dev.sigstore.rekor.client.ImmutableInclusionProof;
import dev.sigstore.rekor.client.ImmutableRekorEntry;
import dev.sigstore.rekor.client.ImmutableVerification;
import dev.sigstore.rekor.client.RekorVerificationException;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.trustroot.TransparencyLog;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Proves that a Rekor v1 entry was accepted by a log of the trusted root, and returns the
 * time the log recorded it. An entry with an inclusion proof is checked by sigstore-java
 * (Merkle proof, signed checkpoint, and the SET when present); an entry with only a Signed
 * Entry Timestamp (cosign's annotation, v0.1 bundles) is checked here, because sigstore-java
 * 2.0.0 insists on an inclusion proof.
 */
final class TransparencyLogVerifier {

  private TransparencyLogVerifier() {}

  /**
   * @return the integrated time the log vouches for
   * @throws VerificationFailure naming the failing check
   */
  static Instant verify(TransparencyLogEntry entry, List<TransparencyLog> logs)
      throws VerificationFailure {
    if (entry.integratedTime() <= 0) {
      throw new VerificationFailure("transparency log entry carries no integrated time");
    }
    Instant integrated = Instant.ofEpochSecond(entry.integratedTime());
    byte[] logId = HexFormat.of().parseHex(entry.logIdHex());
    Optional<TransparencyLog> log = TransparencyLog.find(logs, logId, integrated);
    if (log.isEmpty()) {
      if (TransparencyLog.find(logs, logId).isPresent()) {
        throw new VerificationFailure(
            "transparency log " + shortId(entry) + " was not valid at the entry's integrated time "
                + integrated);
      }
      throw new VerificationFailure(
          "transparency log entry comes from log " + shortId(entry)
              + ", which the trusted root does not list");
    }
    if (entry.inclusionProof() != null) {
      verifyWithProof(entry, logs);
    } else {
      verifySignedEntryTimestamp(entry, log.get());
    }
    return integrated;
  }

  private static void verifyWithProof(TransparencyLogEntry entry, List<TransparencyLog> logs)
      throws VerificationFailure {
    TransparencyLogEntry.InclusionProof proof = entry.inclusionProof();
    ImmutableRekorEntry rekorEntry;
    try {
      var verification =
          ImmutableVerification.builder()
              .inclusionProof(
                  ImmutableInclusionProof.builder()
                      .logIndex(proof.logIndex())
                      .rootHash(proof.rootHashHex())
                      .treeSize(proof.treeSize())
                      .hashes(proof.hashesHex())
                      .checkpoint(proof.checkpoint())
                      .build());
      if (entry.signedEntryTimestamp() != null) {
        verification.signedEntryTimestamp(entry.signedEntryTimestamp());
      }
      rekorEntry =
          ImmutableRekorEntry.builder()
              .body(entry.body())
              .integratedTime(entry.integratedTime())
              .logID(entry.logIdHex())
              .logIndex(entry.logIndex())
              .verification(verification.build())
              .build();
    } catch (RuntimeException e) {
      throw new VerificationFailure(
          "transparency log inclusion proof is incomplete: " + TrustedRoots.messageOf(e), e);
    }
    try {
      RekorVerifier.newRekorVerifier(logs).verifyEntry(rekorEntry);
    } catch (RekorVerificationException e) {
      throw new VerificationFailure(
          "transparency log entry did not verify: " + TrustedRoots.messageOf(e), e);
    } catch (RuntimeException e) {
      throw new VerificationFailure(
          "transparency log entry could not be checked: " + TrustedRoots.messageOf(e), e);
    }
  }

  private static void verifySignedEntryTimestamp(TransparencyLogEntry entry, TransparencyLog log)
      throws VerificationFailure {
    if (entry.signedEntryTimestamp() == null) {
      throw new VerificationFailure(
          "transparency log entry has neither an inclusion proof nor a Signed Entry Timestamp");
    }
    byte[] set;
    try {
      set = Base64.getDecoder().decode(entry.signedEntryTimestamp());
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("Signed Entry Timestamp is not base64", e);
    }
    PublicKey key;
    try {
      key = log.getPublicKey().toJavaPublicKey();
    } catch (Exception e) {
      throw new VerificationFailure(
          "transparency log key in the trusted root is unusable: " + TrustedRoots.messageOf(e), e);
    }
    if (!PublicKeys.verify(key, entry.signedEntryTimestampPayload(), set)) {
      throw new VerificationFailure(
          "Signed Entry Timestamp does not verify with the key of log " + shortId(entry)
              + " (the entry's body, time, index or log id was altered, or the SET belongs to"
              + " another entry)");
    }
  }

  private static String shortId(TransparencyLogEntry entry) {
    return entry.logIdHex().substring(0, Math.min(16, entry.logIdHex().length()));
  }
}
