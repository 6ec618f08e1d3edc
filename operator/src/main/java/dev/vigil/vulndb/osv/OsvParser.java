package dev.vigil.vulndb.osv;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.regex.Pattern;

/** Reads one OSV JSON document into an {@link OsvRecord}. Thread-safe. */
public final class OsvParser {

  /** Ids are short tokens such as "DSA-3029-1" or "ALSA-2022:0951"; anything else is garbage. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+\\-]{0,199}");

  private final ObjectReader reader;

  public OsvParser() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(4 * 1024 * 1024)
                    .build())
            .build();
    ObjectMapper mapper =
        new ObjectMapper(factory)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    this.reader = mapper.readerFor(OsvRecord.class);
  }

  /**
   * Parses a document.
   *
   * @throws MalformedOsvRecordException when the bytes are not JSON, not an object of the OSV
   *     shape, or lack a usable id
   */
  public OsvRecord parse(byte[] document) throws MalformedOsvRecordException {
    OsvRecord record;
    try {
      record = reader.readValue(document);
    } catch (JacksonException e) {
      throw new MalformedOsvRecordException("not an OSV JSON object: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedOsvRecordException("unreadable document: " + e.getMessage(), e);
    }
    if (record == null) {
      throw new MalformedOsvRecordException("empty document");
    }
    if (record.id() == null || !ID.matcher(record.id()).matches()) {
      throw new MalformedOsvRecordException("missing or invalid id: " + abbreviate(record.id()));
    }
    return record;
  }

  private static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= 60 ? '"' + value + '"' : '"' + value.substring(0, 60) + "…\"";
  }
}
