package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** What an ImageAnalysis holds: a few facts for kubectl and the compressed analysis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StoredImageAnalysisSpec {

  /** The only encoding written and read. */
  public static final String ENCODING = "gzip+base64/json";

  @Required
  @Pattern("^[a-z0-9]+:[a-f0-9]{32,128}$")
  @JsonPropertyDescription("The image digest analysed: a platform manifest, or an index resolved for the"
      + " operator's platform.")
  public String digest;

  @Required
  @Min(0)
  @JsonPropertyDescription("Version of the analyzer that wrote this; an operator whose analyzer is newer"
      + " re-reads the image and replaces the object.")
  public Integer analyzerVersion;

  @Required
  @JsonPropertyDescription("How data is encoded: 'gzip+base64/json' (base64 of the gzip of a JSON document).")
  public String encoding;

  @Required
  @JsonPropertyDescription("The analysis: platform, image config facts, OS, OS packages with their layer,"
      + " application packages with their path and layer, inventory problems, layer digests and image"
      + " findings per check-settings hash; encoded as 'encoding' says.")
  public String data;

  @Min(0)
  @JsonPropertyDescription("Size of data once decoded and decompressed (JSON bytes).")
  public Long uncompressedBytes;

  @Min(0)
  @Max(1048576)
  @JsonPropertyDescription("Length of data (base64 characters): what the object costs in etcd, roughly.")
  public Long storedBytes;

  @JsonPropertyDescription("True when finding evidence was shortened to stay under the size cap; packages"
      + " are never dropped.")
  public Boolean partial;

  @JsonPropertyDescription("Operating system as 'family version', for kubectl get.")
  public String os;

  @Min(0)
  @JsonPropertyDescription("Number of OS packages in data.")
  public Integer packages;

  @Min(0)
  @JsonPropertyDescription("Number of application (language) packages in data.")
  public Integer applications;
}
