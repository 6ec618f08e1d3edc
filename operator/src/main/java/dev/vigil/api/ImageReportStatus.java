package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Pattern;
import java.util.ArrayList;
import java.util.List;

/** The report Vigil writes for one workload container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ConditionsByType.class, input = "conditions")
public class ImageReportStatus extends VigilStatus {

  public static final String DIGEST_PATTERN = "^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$";

  @JsonPropertyDescription("The workload container this report is about.")
  public WorkloadRef workload;

  @JsonPropertyDescription("The image the container runs.")
  public ImageInfo image;

  @JsonPropertyDescription("How and when the image was scanned.")
  public ScanInfo scan;

  @JsonPropertyDescription("Counts of vulnerabilities by severity and of check findings.")
  public Summary summary;

  @JsonPropertyDescription("Vulnerabilities sorted by severity then id, capped (see truncated).")
  public List<Vulnerability> vulnerabilities = new ArrayList<>();

  @JsonPropertyDescription("True when vulnerabilities was capped; summary still counts all.")
  public Boolean truncated;

  @JsonPropertyDescription("Image-content, workload-configuration and registry check findings.")
  public List<Finding> findings = new ArrayList<>();

  @JsonPropertyDescription("Signature verification result for the running digest.")
  public SignatureInfo signature;

  @JsonPropertyDescription("Whether the image meets every matching ImagePolicy.")
  public Compliance compliance;

  @JsonPropertyDescription("Rebuilt-image candidate and redeploy state.")
  public Update update;

  /** The workload container a report describes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class WorkloadRef {
    @JsonPropertyDescription("Workload kind.")
    public WorkloadKind kind;

    @JsonPropertyDescription("Workload name.")
    public String name;

    @JsonPropertyDescription("Container name.")
    public String container;

    @JsonPropertyDescription("Which list the container is in: containers, initContainers or ephemeralContainers.")
    public ContainerType containerType;

    /** The pod-spec list a container comes from. */
    public enum ContainerType {
      Container,
      InitContainer,
      EphemeralContainer
    }
  }

  /** The image and where it comes from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ImageInfo {
    @JsonPropertyDescription("Image reference as written in the pod spec.")
    public String reference;

    @Pattern(DIGEST_PATTERN)
    @JsonPropertyDescription("Digest of the platform manifest that runs (from the pod's imageID).")
    public String digest;

    @JsonPropertyDescription("First 12 hex characters of digest, for kubectl get.")
    public String shortDigest;

    @Pattern(DIGEST_PATTERN)
    @JsonPropertyDescription("Digest of the image index the platform manifest was chosen from, if any.")
    public String indexDigest;

    @JsonPropertyDescription("Registry host, e.g. registry.example.com or docker.io.")
    public String registry;

    @JsonPropertyDescription("Repository path inside the registry.")
    public String repository;

    @JsonPropertyDescription("Tag, if the reference has one.")
    public String tag;

    @JsonPropertyDescription("Platform of the manifest, e.g. linux/amd64.")
    public String platform;

    @JsonPropertyDescription("Build time from the image config (RFC 3339).")
    public String created;

    @JsonPropertyDescription("Operating system of the image.")
    public OsRef os;
  }

  /** Operating system facts. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class OsRef {
    @JsonPropertyDescription("Distribution id, e.g. debian, alpine, ubuntu.")
    public String family;

    @JsonPropertyDescription("Release, e.g. 12, 3.19, 22.04.")
    public String version;

    @JsonPropertyDescription("True when the release is past its end of security support.")
    public Boolean endOfLife;
  }

  /** Scan provenance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ScanInfo {
    @JsonPropertyDescription("When the image was scanned (RFC 3339).")
    public String time;

    @JsonPropertyDescription("How long the scan took, in milliseconds.")
    public Long durationMs;

    @JsonPropertyDescription("Scanner name and version, vigil/<version>.")
    public String scanner;

    @JsonPropertyDescription("The vulnerability database the findings come from.")
    public VulnerabilityDbRef vulnerabilityDb;
  }

  /** Vulnerability database provenance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class VulnerabilityDbRef {
    @JsonPropertyDescription("Where the database was loaded from.")
    public String source;

    @JsonPropertyDescription("Snapshot id of the database.")
    public String snapshot;

    @JsonPropertyDescription("When the database was last updated (RFC 3339).")
    public String updated;
  }

  /** Counts. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Summary {
    @JsonPropertyDescription("Critical vulnerabilities.")
    public Integer critical = 0;

    @JsonPropertyDescription("High vulnerabilities.")
    public Integer high = 0;

    @JsonPropertyDescription("Medium vulnerabilities.")
    public Integer medium = 0;

    @JsonPropertyDescription("Low vulnerabilities.")
    public Integer low = 0;

    @JsonPropertyDescription("Vulnerabilities of unknown severity.")
    public Integer unknown = 0;

    @JsonPropertyDescription("Vulnerabilities with a fixed version available.")
    public Integer fixable = 0;

    @JsonPropertyDescription("Check findings.")
    public Integer findings = 0;
  }

  /** One vulnerability in one package. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Vulnerability {
    @JsonPropertyDescription("Primary id, e.g. CVE-2024-1234.")
    public String id;

    @JsonPropertyDescription("Other ids of the same vulnerability, e.g. DSA-5678-1.")
    public List<String> aliases = new ArrayList<>();

    @JsonProperty("package")
    @JsonPropertyDescription(
        "Installed package: the OS binary package, or the language package's name as its"
            + " ecosystem writes it (Maven groupId:artifactId, npm @scope/name, Go module path).")
    public String packageName;

    @JsonPropertyDescription("Source package the advisory names (OS packages).")
    public String sourcePackage;

    @JsonPropertyDescription(
        "For a language package its OSV ecosystem: Maven, PyPI, npm, Go, crates.io, NuGet,"
            + " Packagist or RubyGems; absent for an OS package.")
    public String ecosystem;

    @JsonPropertyDescription(
        "For a language package where in the image it was found, e.g."
            + " /app/app.jar!/BOOT-INF/lib/x.jar; absent for an OS package.")
    public String path;

    @JsonPropertyDescription("Installed version.")
    public String installedVersion;

    @JsonPropertyDescription("First fixed version; absent when no fix exists.")
    public String fixedVersion;

    @JsonPropertyDescription("Severity.")
    public Severity severity;

    @JsonPropertyDescription("CVSS base score when known.")
    public Double score;

    @JsonPropertyDescription("Short title.")
    public String title;

    @JsonPropertyDescription("Digest of the layer that installed the package (or added its file).")
    public String layer;

    @JsonPropertyDescription("Advisory link.")
    public String link;
  }

  /** Signature verification result. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SignatureInfo {
    /** Outcome of verification. */
    public enum Status {
      Verified,
      Unsigned,
      Invalid,
      NotRequired,
      Error
    }

    @JsonPropertyDescription("Verified, Unsigned, Invalid, NotRequired or Error.")
    public Status status;

    @JsonPropertyDescription("Name of the policy authority that verified the image.")
    public String authority;

    @JsonPropertyDescription("Signer identity (certificate subject) for keyless signatures.")
    public String identity;

    @JsonPropertyDescription("OIDC issuer of the signer's certificate.")
    public String issuer;

    @JsonPropertyDescription("When verification succeeded (RFC 3339).")
    public String verifiedAt;

    @JsonPropertyDescription("Why verification failed or errored.")
    public String reason;
  }

  /** Policy verdict. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Compliance {
    @JsonPropertyDescription("True when every matching policy is satisfied.")
    public Boolean compliant;

    @JsonPropertyDescription("Names of the ImagePolicies applied (namespace/name when not local).")
    public List<String> policies = new ArrayList<>();

    @JsonPropertyDescription("Why the image is not compliant.")
    public List<String> reasons = new ArrayList<>();
  }

  /** Rebuilt-image candidate and redeploy state. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Update {
    /** Where a redeploy stands. */
    public enum State {
      None,
      Available,
      Blocked,
      Waiting,
      RollingOut,
      RolledOut,
      RolledBack,
      Failed
    }

    @JsonPropertyDescription("True when a candidate better than the running image exists.")
    public Boolean available;

    @JsonPropertyDescription("The candidate image.")
    public Candidate candidate;

    @JsonPropertyDescription("Redeploy state.")
    public State state;

    @JsonPropertyDescription("Why the state is what it is, e.g. 'Blocked: candidate unsigned'.")
    public String reason;

    @JsonPropertyDescription("The last 10 redeploy changes, newest last.")
    public List<HistoryEntry> history = new ArrayList<>();
  }

  /** A candidate image. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Candidate {
    @JsonPropertyDescription("Candidate tag.")
    public String tag;

    @Pattern(DIGEST_PATTERN)
    @JsonPropertyDescription("Candidate digest.")
    public String digest;

    @JsonPropertyDescription("Candidate build time (RFC 3339).")
    public String created;

    @JsonPropertyDescription("Findings of the running image that the candidate no longer has.")
    public Integer fixes;

    @JsonPropertyDescription("Findings at or above failOn that the candidate adds.")
    public Integer newFindings;

    @JsonPropertyDescription("Signature status of the candidate.")
    public SignatureInfo.Status signature;
  }

  /** One redeploy change. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HistoryEntry {
    @JsonPropertyDescription("When (RFC 3339).")
    public String time;

    @JsonPropertyDescription("Digest before.")
    public String from;

    @JsonPropertyDescription("Digest after (or attempted).")
    public String to;

    @JsonPropertyDescription("RolledOut, RolledBack or Failed.")
    public Update.State result;
  }
}
