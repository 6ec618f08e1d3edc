package dev.vigil.signature;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Proves that an entry was accepted by a transparency log of the trusted root.
 *
 * <ul>
 *   <li>The log is the one the entry names by log id; it must be listed in the trusted root.
 *   <li>Signed Entry Timestamp (Rekor v1): the log's signature over the canonical JSON {@code
 *       {body, integratedTime, logID, logIndex}}. Only a verified SET makes the integrated
 *       time a trusted time: without it, the time is unsigned data.
 *   <li>Inclusion proof: the RFC 9162 Merkle audit path from the entry's leaf hash {@code
 *       SHA-256(0x00 || body)} to the proof's root hash, which must be the root hash and tree
 *       size of a checkpoint signed by the log (see {@link Checkpoint}).
 *   <li>Rekor v1 entries: the log must have been valid at the integrated time. Rekor v2
 *       entries have no integrated time and no SET; the caller checks the log's validity at
 *       the RFC 3161 timestamps, which are then the only time source.
 * </ul>
 */
final class TransparencyLogVerifier {

  private TransparencyLogVerifier() {}

  /**
   * @param log the trusted log the entry comes from
   * @param trustedTime the integrated time when a SET vouched for it, else null
   * @param rekorV2 whether the entry is a Rekor v2 entry (no integrated time of its own)
   */
  record Verified(TrustRoot.LogInstance log, Instant trustedTime, boolean rekorV2) {}

  /**
   * @param requirePromise the bundle version requires a SET (v0.1, cosign's annotation)
   * @param requireProof the bundle version requires an inclusion proof (v0.2 and later)
   * @throws VerificationFailure naming the failing check
   */
  static Verified verify(
      TransparencyLogEntry entry,
      LogEntryBody body,
      TrustRoot root,
      boolean requirePromise,
      boolean requireProof)
      throws VerificationFailure {
    TrustRoot.LogInstance log =
        root.tlog(entry.logId())
            .orElseThrow(
                () ->
                    new VerificationFailure(
                        "transparency log entry comes from log " + shortId(entry)
                            + ", which the trusted root does not list"));
    boolean rekorV2 = body.isRekorV2();
    if (rekorV2) {
      if (entry.signedEntryTimestamp() != null) {
        throw new VerificationFailure(
            "transparency log entry of kind " + body.kindVersion()
                + " (Rekor v2) carries a Signed Entry Timestamp, which Rekor v2 logs do not issue");
      }
      if (entry.inclusionProof() == null) {
        throw new VerificationFailure(
            "Rekor v2 transparency log entry has no inclusion proof (its only proof of inclusion)");
      }
      if (entry.inclusionProof().logIndex() != entry.logIndex()) {
        throw new VerificationFailure(
            "Rekor v2 inclusion proof is for index " + entry.inclusionProof().logIndex()
                + ", not the entry's index " + entry.logIndex());
      }
    } else {
      if (entry.integratedTime() <= 0) {
        throw new VerificationFailure(
            "transparency log entry of kind " + body.kindVersion() + " carries no integrated time");
      }
      Instant integrated = Instant.ofEpochSecond(entry.integratedTime());
      if (!log.validFor().contains(integrated)) {
        throw new VerificationFailure(
            "transparency log " + log.baseUrl() + " was not valid at the entry's integrated time "
                + integrated + " (valid " + log.validFor() + ")");
      }
    }
    if (entry.signedEntryTimestamp() == null && requirePromise) {
      throw new VerificationFailure("transparency log entry has no Signed Entry Timestamp");
    }
    if (entry.inclusionProof() == null && requireProof) {
      throw new VerificationFailure("transparency log entry has no inclusion proof");
    }
    if (entry.signedEntryTimestamp() == null && entry.inclusionProof() == null) {
      throw new VerificationFailure(
          "transparency log entry has neither an inclusion proof nor a Signed Entry Timestamp");
    }
    Instant trustedTime = null;
    if (entry.signedEntryTimestamp() != null) {
      verifySignedEntryTimestamp(entry, log);
      trustedTime = Instant.ofEpochSecond(entry.integratedTime());
    }
    if (entry.inclusionProof() != null) {
      verifyInclusion(entry, log, entry.signedEntryTimestamp() != null);
    }
    return new Verified(log, trustedTime, rekorV2);
  }

  private static void verifySignedEntryTimestamp(TransparencyLogEntry entry, TrustRoot.LogInstance log)
      throws VerificationFailure {
    byte[] set;
    try {
      set = TrustRoot.Base64Json.decode(entry.signedEntryTimestamp());
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure("Signed Entry Timestamp is not base64", e);
    }
    if (!log.key().verify(entry.signedEntryTimestampPayload(), set)) {
      throw new VerificationFailure(
          "Signed Entry Timestamp does not verify with the key of log " + log.baseUrl()
              + " (the entry's body, time, index or log id was altered, or the SET belongs to"
              + " another entry)");
    }
  }

  /**
   * @param promised a verified SET already proves inclusion, so a proof without a checkpoint
   *     (early v0.1 bundles) is accepted when its audit path is right; without a SET the
   *     unsigned root hash of such a proof proves nothing and it is refused
   */
  private static void verifyInclusion(TransparencyLogEntry entry, TrustRoot.LogInstance log, boolean promised)
      throws VerificationFailure {
    TransparencyLogEntry.InclusionProof proof = entry.inclusionProof();
    if (proof.rootHash().length != 32) {
      throw new VerificationFailure("inclusion proof root hash is not 32 bytes");
    }
    byte[] leaf = hash((byte) 0, entry.bodyBytes(), null);
    byte[] computed = rootFromAuditPath(proof.logIndex(), proof.treeSize(), leaf, proof);
    if (!Arrays.equals(computed, proof.rootHash())) {
      throw new VerificationFailure(
          "inclusion proof does not lead to its root hash (computed "
              + HexFormat.of().formatHex(computed) + ", proof says "
              + HexFormat.of().formatHex(proof.rootHash()) + "): the proof is not for this entry");
    }
    if (proof.checkpoint() == null) {
      if (promised) {
        return;
      }
      throw new VerificationFailure(
          "inclusion proof has no checkpoint, so nothing signed by the log vouches for its root hash");
    }
    Checkpoint checkpoint = Checkpoint.parse(proof.checkpoint());
    if (checkpoint.size != proof.treeSize() || !Arrays.equals(checkpoint.rootHash, proof.rootHash())) {
      throw new VerificationFailure(
          "checkpoint (tree size " + checkpoint.size + ", root "
              + Base64.getEncoder().encodeToString(checkpoint.rootHash)
              + ") is not the tree the inclusion proof is for (size " + proof.treeSize() + ", root "
              + Base64.getEncoder().encodeToString(proof.rootHash()) + ")");
    }
    checkpoint.requireSignedBy(log);
  }

  /** RFC 9162 section 2.1.3.2: the root hash an audit path leads to. */
  private static byte[] rootFromAuditPath(
      long index, long size, byte[] leaf, TransparencyLogEntry.InclusionProof proof)
      throws VerificationFailure {
    if (index >= size) {
      throw new VerificationFailure(
          "inclusion proof index " + index + " is outside the tree of size " + size);
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : proof.hashes()) {
      if (p.length != 32) {
        throw new VerificationFailure("inclusion proof holds a hash that is not 32 bytes");
      }
      if (sn == 0) {
        throw new VerificationFailure("inclusion proof has more hashes than the tree has levels");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = hash((byte) 1, p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = hash((byte) 1, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new VerificationFailure("inclusion proof has fewer hashes than the tree has levels");
    }
    return r;
  }

  private static byte[] hash(byte prefix, byte[] first, byte[] second) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(prefix);
      digest.update(first);
      if (second != null) {
        digest.update(second);
      }
      return digest.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String shortId(TransparencyLogEntry entry) {
    return entry.logIdHex().substring(0, Math.min(16, entry.logIdHex().length())) + "…";
  }
}
