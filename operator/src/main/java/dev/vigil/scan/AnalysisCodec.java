package dev.vigil.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.api.Finding;
import dev.vigil.image.ImageConfig;
import dev.vigil.image.checks.ImageCheckSettings;
import dev.vigil.inventory.Inventory;
import dev.vigil.registry.ImageReference;
import dev.vigil.registry.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The stored form of an analysis: JSON, gzipped, base64, capped. Image findings depend on the
 * image-check settings, the rest does not, so one document per digest keeps the inventory once and
 * the findings once per settings hash (the newest {@link #MAX_FINDING_SETS}).
 */
public final class AnalysisCodec {

  /**
   * The encoded text (base64) may be at most this long: well under etcd's 1.5 MiB request
   * limit, leaving room for metadata and the managedFields the API server adds.
   */
  public static final int DEFAULT_MAX_ENCODED_CHARS = 768 * 1024;

  /** Decompressed documents larger than this are refused (a gzip bomb in a hostile object). */
  public static final int MAX_DECODED_BYTES = 32 * 1024 * 1024;

  /** Findings of this many distinct check settings are kept per digest, newest first. */
  public static final int MAX_FINDING_SETS = 8;

  /** The maximum-image-age check, the only one whose result depends on the time it runs. */
  static final String IMAGE_AGE = "VIG-IMG-015";

  /** Evidence lines a finding keeps when the document must shrink to fit the cap. */
  static final int TRIMMED_EVIDENCE = 3;

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Findings computed under one check-settings hash. */
  public record FindingSet(String settings, List<Finding> findings) {
    public FindingSet {
      findings = List.copyOf(findings);
    }
  }

  /**
   * The stored document.
   *
   * @param digest the digest the analysis is filed under (what was asked for)
   * @param requestedPlatform the platform an index digest was resolved for
   * @param manifestDigest the platform manifest read
   * @param indexDigest the index it came from, or null
   * @param platform the manifest's platform
   * @param config the image config (checks, candidate comparison and reports read it)
   * @param inventory OS, OS packages, application packages, problems
   * @param layerDigests layer blob digests, base first
   * @param scannedAt when the image was read
   * @param durationMillis how long reading it took
   * @param findingSets image findings per check-settings hash, newest first
   */
  public record Document(
      String digest,
      String requestedPlatform,
      String manifestDigest,
      String indexDigest,
      Platform platform,
      ImageConfig config,
      Inventory inventory,
      List<String> layerDigests,
      Instant scannedAt,
      long durationMillis,
      List<FindingSet> findingSets) {

    public Document {
      layerDigests = List.copyOf(layerDigests);
      findingSets = List.copyOf(findingSets);
    }

    /** A document with one finding set, for a fresh analysis. */
    public static Document of(String digest, Platform requested, ImageAnalysis analysis, ImageCheckSettings settings) {
      return new Document(digest, requested == null ? null : requested.toString(), analysis.manifestDigest(),
          analysis.indexDigest(), analysis.platform(), analysis.config(), analysis.inventory(),
          analysis.layerDigests(), analysis.scannedAt(), analysis.duration().toMillis(),
          List.of(new FindingSet(settingsHash(settings), analysis.findings())));
    }

    /** The findings under these settings, or null when this document has none for them. */
    public List<Finding> findingsFor(ImageCheckSettings settings) {
      String hash = settingsHash(settings);
      return findingSets.stream().filter(s -> s.settings().equals(hash)).map(FindingSet::findings)
          .findFirst().orElse(null);
    }

    /**
     * The findings under these settings as they still hold at {@code now}, or null when there
     * are none or they may have changed: the one time-dependent check, the maximum image age,
     * would fire now but could not when the image was read. Such a document is read again once,
     * when the image crosses the age; a memory-only cache never lived that long.
     */
    public List<Finding> findingsFor(ImageCheckSettings settings, Instant now) {
      List<Finding> findings = findingsFor(settings);
      Duration max = settings.maxImageAge();
      Instant created = config.created();
      if (findings == null || max == null || created == null || settings.excludedIds().contains(IMAGE_AGE)) {
        return findings;
      }
      boolean youngWhenRead = Duration.between(created, scannedAt).compareTo(max) <= 0;
      boolean oldNow = Duration.between(created, now).compareTo(max) > 0;
      return youngWhenRead && oldNow ? null : findings;
    }

    /**
     * This document with the other's finding sets added after its own (same image, same
     * analyzer), newest first, at most {@link #MAX_FINDING_SETS}.
     */
    public Document withFindingsOf(Document older) {
      List<FindingSet> sets = new ArrayList<>(findingSets);
      for (FindingSet set : older.findingSets()) {
        if (sets.size() < MAX_FINDING_SETS && sets.stream().noneMatch(s -> s.settings().equals(set.settings()))) {
          sets.add(set);
        }
      }
      return new Document(digest, requestedPlatform, manifestDigest, indexDigest, platform, config, inventory,
          layerDigests, scannedAt, durationMillis, sets);
    }

    /** The in-memory analysis for a request naming the image by {@code reference}. */
    public ImageAnalysis toAnalysis(ImageReference reference, List<Finding> findings) {
      return new ImageAnalysis(reference, manifestDigest, indexDigest, platform, config, inventory, findings,
          layerDigests, layerDigests.size(), scannedAt, Duration.ofMillis(durationMillis));
    }
  }

  /**
   * The encoded form.
   *
   * @param data base64 of the gzipped JSON
   * @param uncompressedBytes JSON size
   * @param partial true when finding evidence was shortened to fit
   */
  public record Encoded(String data, long uncompressedBytes, boolean partial) {}

  /** Why a stored document cannot be used. */
  public static final class UnreadableException extends Exception {
    public UnreadableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final int maxEncodedChars;

  public AnalysisCodec() {
    this(DEFAULT_MAX_ENCODED_CHARS);
  }

  public AnalysisCodec(int maxEncodedChars) {
    this.maxEncodedChars = maxEncodedChars;
  }

  /**
   * Encodes a document; when it is over the cap, finding evidence is shortened (the packages the
   * matcher needs are never dropped: a shorter inventory would hide vulnerabilities).
   *
   * @return the encoded form, or null when even the shortened document is over the cap (the
   *     analysis then stays in memory only)
   */
  public Encoded encode(Document document) {
    Encoded full = encodeAsIs(document);
    if (full.data().length() <= maxEncodedChars) {
      return full;
    }
    Encoded trimmed = encodeAsIs(trimEvidence(document));
    if (trimmed.data().length() <= maxEncodedChars) {
      return new Encoded(trimmed.data(), trimmed.uncompressedBytes(), true);
    }
    return null;
  }

  /** Decodes stored data, checking it is the document of {@code digest}. */
  public Document decode(String data, String digest) throws UnreadableException {
    if (data == null || data.isEmpty()) {
      throw new UnreadableException("no data", null);
    }
    if (data.length() > maxEncodedChars * 2L) {
      throw new UnreadableException("data is " + data.length() + " characters, more than the cap of "
          + maxEncodedChars, null);
    }
    byte[] gzipped;
    try {
      gzipped = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new UnreadableException("data is not base64: " + e.getMessage(), e);
    }
    byte[] json;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      json = in.readNBytes(MAX_DECODED_BYTES + 1);
    } catch (IOException e) {
      throw new UnreadableException("data is not gzip: " + e.getMessage(), e);
    }
    if (json.length > MAX_DECODED_BYTES) {
      throw new UnreadableException("data decompresses to more than " + MAX_DECODED_BYTES + " bytes", null);
    }
    Document document;
    try {
      document = JSON.readValue(json, Document.class);
    } catch (IOException | RuntimeException e) {
      throw new UnreadableException("data is not an analysis document: " + e.getMessage(), e);
    }
    if (!digest.equals(document.digest())) {
      throw new UnreadableException("data is the analysis of " + document.digest() + ", not " + digest, null);
    }
    if (document.manifestDigest() == null || document.config() == null || document.inventory() == null
        || document.platform() == null || document.scannedAt() == null) {
      throw new UnreadableException("data lacks the manifest digest, config, inventory, platform or scan time", null);
    }
    return document;
  }

  /**
   * A stable hash of the check settings: findings computed under equal settings are equal, so
   * they are stored once per hash.
   */
  public static String settingsHash(ImageCheckSettings settings) {
    Map<String, Object> canonical = new TreeMap<>();
    canonical.put("excludedIds", new TreeSet<>(settings.excludedIds()));
    canonical.put("severityOverrides", new TreeMap<>(settings.severityOverrides()));
    canonical.put("requiredLabels", settings.requiredLabels());
    canonical.put("maxImageAge", settings.maxImageAge() == null ? null : settings.maxImageAge().toString());
    canonical.put("forbiddenPorts", new TreeSet<>(settings.forbiddenPorts()));
    canonical.put("forbiddenBinaries", new TreeSet<>(settings.forbiddenBinaries()));
    try {
      byte[] bytes = JSON.writeValueAsBytes(canonical);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash check settings", e);
    }
  }

  private static Encoded encodeAsIs(Document document) {
    try {
      byte[] json = JSON.writeValueAsBytes(document);
      ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 4 + 64);
      try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
        gzip.write(json);
      }
      return new Encoded(Base64.getEncoder().encodeToString(out.toByteArray()), json.length, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the analysis of " + document.digest(), e);
    }
  }

  private static Document trimEvidence(Document document) {
    List<FindingSet> sets = new ArrayList<>();
    for (FindingSet set : document.findingSets()) {
      List<Finding> findings = new ArrayList<>();
      for (Finding f : set.findings()) {
        List<String> evidence = f.getEvidence() == null ? List.of() : f.getEvidence();
        if (evidence.size() > TRIMMED_EVIDENCE) {
          List<String> kept = new ArrayList<>(evidence.subList(0, TRIMMED_EVIDENCE));
          kept.add("... " + (evidence.size() - TRIMMED_EVIDENCE) + " more (shortened for storage)");
          evidence = kept;
        }
        findings.add(new Finding(f.getId(), f.getCategory(), f.getSeverity(), f.getTitle(), evidence,
            f.getRemediation()));
      }
      sets.add(new FindingSet(set.settings(), findings));
    }
    return new Document(document.digest(), document.requestedPlatform(), document.manifestDigest(),
        document.indexDigest(), document.platform(), document.config(), document.inventory(),
        document.layerDigests(), document.scannedAt(), document.durationMillis(), sets);
  }
}
