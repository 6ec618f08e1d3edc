package dev.vigil.signature;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A log checkpoint: a signed note (C2SP signed-note) whose text is a C2SP tlog-checkpoint.
 *
 * <pre>
 * origin
 * tree size (decimal)
 * root hash (base64)
 * [extension lines]
 *
 * — signer-name base64(4-byte key hint || signature)
 * — …
 * </pre>
 *
 * <p>A checkpoint counts as signed by a log when at least one signature line carries the log's
 * name (the host of its base URL) and key hint, and every such line verifies over the note
 * text with the log's key. Lines of other signers (witness cosignatures, keys not in the
 * trusted root) are ignored; they neither help nor hurt. The note must be well formed: a
 * missing origin, size or root hash, or a malformed signature line, rejects it.
 */
final class Checkpoint {

  private static final String SEPARATOR = "\n\n";
  private static final String SIGNATURE_PREFIX = "\u2014 ";
  private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");
  private static final int MAX_SIGNATURES = 100;

  record SignatureLine(String name, byte[] keyHint, byte[] signature) {}

  final String origin;
  final long size;
  final byte[] rootHash;
  final String noteText;
  final List<SignatureLine> signatures;

  private Checkpoint(String origin, long size, byte[] rootHash, String noteText, List<SignatureLine> signatures) {
    this.origin = origin;
    this.size = size;
    this.rootHash = rootHash;
    this.noteText = noteText;
    this.signatures = signatures;
  }

  static Checkpoint parse(String envelope) throws VerificationFailure {
    int split = envelope.indexOf(SEPARATOR);
    if (split < 0) {
      throw malformed("it has no blank line between the note and its signatures");
    }
    String noteText = envelope.substring(0, split + 1);
    String signatureBlock = envelope.substring(split + SEPARATOR.length());
    String[] lines = noteText.split("\n", -1);
    // lines ends with "" because noteText ends with a newline
    if (lines.length < 4) {
      throw malformed("its note has " + (lines.length - 1) + " lines; origin, size and root hash are required");
    }
    String origin = lines[0];
    if (origin.isEmpty()) {
      throw malformed("its origin line is empty");
    }
    if (!SIZE.matcher(lines[1]).matches()) {
      throw malformed("its second line '" + lines[1] + "' is not a tree size");
    }
    long size = Long.parseLong(lines[1]);
    byte[] rootHash;
    try {
      rootHash = java.util.Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw malformed("its third line is not a base64 root hash");
    }
    if (rootHash.length != 32) {
      throw malformed("its root hash is " + rootHash.length + " bytes, not 32");
    }
    for (int i = 3; i < lines.length - 1; i++) {
      if (lines[i].isEmpty()) {
        throw malformed("its note has an empty extension line");
      }
    }
    return new Checkpoint(origin, size, rootHash, noteText, signatureLines(signatureBlock));
  }

  private static List<SignatureLine> signatureLines(String block) throws VerificationFailure {
    if (block.isEmpty() || !block.endsWith("\n")) {
      throw malformed("it has no signature lines, or they do not end with a newline");
    }
    List<SignatureLine> signatures = new ArrayList<>();
    for (String line : block.substring(0, block.length() - 1).split("\n", -1)) {
      if (!line.startsWith(SIGNATURE_PREFIX)) {
        throw malformed("line '" + line + "' is not a signature line (— name signature)");
      }
      String rest = line.substring(SIGNATURE_PREFIX.length());
      int space = rest.lastIndexOf(' ');
      if (space <= 0 || rest.substring(0, space).contains(" ")) {
        throw malformed("signature line '" + line + "' does not have a name and a signature");
      }
      byte[] decoded;
      try {
        decoded = java.util.Base64.getDecoder().decode(rest.substring(space + 1));
      } catch (IllegalArgumentException e) {
        throw malformed("signature line of " + rest.substring(0, space) + " is not base64");
      }
      if (decoded.length < 5) {
        throw malformed("signature line of " + rest.substring(0, space) + " is too short");
      }
      signatures.add(
          new SignatureLine(
              rest.substring(0, space),
              Arrays.copyOf(decoded, 4),
              Arrays.copyOfRange(decoded, 4, decoded.length)));
      if (signatures.size() > MAX_SIGNATURES) {
        throw malformed("it has more than " + MAX_SIGNATURES + " signature lines");
      }
    }
    return List.copyOf(signatures);
  }

  /** See the class comment for when a checkpoint counts as signed by {@code log}. */
  void requireSignedBy(TrustRoot.LogInstance log) throws VerificationFailure {
    byte[] hint = log.keyHint();
    byte[] text = noteText.getBytes(StandardCharsets.UTF_8);
    int verified = 0;
    for (SignatureLine line : signatures) {
      if (!line.name().equals(log.name()) || !Arrays.equals(line.keyHint(), hint)) {
        continue;
      }
      if (!log.key().verify(text, line.signature())) {
        throw new VerificationFailure(
            "checkpoint signature of " + line.name() + " does not verify with the key of log "
                + log.baseUrl());
      }
      verified++;
    }
    if (verified == 0) {
      throw new VerificationFailure(
          "checkpoint carries no signature by log " + log.baseUrl() + " (expected a line '— "
              + log.name() + "' with key hint " + HexFormat.of().formatHex(hint) + "; found "
              + describe() + ")");
    }
  }

  private String describe() {
    if (signatures.isEmpty()) {
      return "none";
    }
    List<String> found = new ArrayList<>();
    for (SignatureLine line : signatures) {
      found.add(line.name() + " " + HexFormat.of().formatHex(line.keyHint()));
    }
    return String.join(", ", found);
  }

  private static VerificationFailure malformed(String reason) {
    return new VerificationFailure("transparency log checkpoint is malformed: " + reason);
  }
}
