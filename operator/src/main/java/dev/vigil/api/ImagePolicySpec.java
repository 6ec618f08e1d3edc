package dev.vigil.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Desired state of an ImagePolicy. The schema carries what a static check can; the
 * reconciler checks the rest (globs, regular expressions, cron, time zones, references).
 *
 * <p>Objects whose fields have defaults default to {@code {}} themselves: the API server applies
 * a field's default only inside an object that is present, so without it a policy that leaves out
 * {@code vulnerabilities} would be stored without the failOn it is judged by.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = DefaultEmptyObjects.class, input = "vulnerabilities,signatures,updates")
public class ImagePolicySpec {

  /** Go-style durations with day and week units, e.g. 90d, 6h, 1h30m. */
  public static final String DURATION_PATTERN = "^([0-9]+(ms|s|m|h|d|w))+$";

  public static final String CHECK_ID_PATTERN = "^VIG-(IMG|WL|REG)-[0-9]{3}$";

  @JsonPropertyDescription("Which workloads and images this policy governs.")
  public Match match = new Match();

  @JsonPropertyDescription("Where images may come from.")
  public Registries registries = new Registries();

  @JsonPropertyDescription("When vulnerabilities make an image non-compliant.")
  public Vulnerabilities vulnerabilities = new Vulnerabilities();

  @JsonPropertyDescription("Image-content and workload-configuration checks (ids in docs/checks.md).")
  public Checks checks = new Checks();

  @JsonPropertyDescription("Which cosign signatures images must carry.")
  public Signatures signatures = new Signatures();

  @JsonPropertyDescription("Whether and how Vigil may move workloads to rebuilt images.")
  public Updates updates = new Updates();

  /** Workload and image selection. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @SchemaCustomizer(value = ListSets.class, input = "images")
  public static class Match {
    @JsonPropertyDescription(
        "Label selector on namespaces. Honoured only for policies in the operator's namespace;"
            + " a policy elsewhere governs only its own namespace.")
    public LabelSelector namespaceSelector;

    @JsonPropertyDescription("Label selector on workloads (Deployments, StatefulSets, ...); empty = all.")
    public LabelSelector workloadSelector;

    @Size(max = 100)
    @JsonPropertyDescription(
        "Globs on the normalised image reference, e.g. registry.example.com/payments/*; empty = all.")
    public List<String> images = new ArrayList<>();
  }

  /** Trusted image sources. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @SchemaCustomizer(value = ListSets.class, input = "allowed")
  public static class Registries {
    @Size(max = 100)
    @JsonPropertyDescription(
        "Globs on the normalised image reference that count as trusted, e.g. docker.io/library/*;"
            + " empty = any source.")
    public List<String> allowed = new ArrayList<>();
  }

  /** Vulnerability threshold and exceptions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Vulnerabilities {
    @Default("High")
    @JsonPropertyDescription(
        "Findings at or above this severity make the image non-compliant; None never does.")
    public SeverityThreshold failOn = SeverityThreshold.High;

    @Default("false")
    @JsonPropertyDescription("Do not count findings for which no fixed version exists.")
    public Boolean ignoreUnfixed = false;

    @Size(max = 500)
    @JsonPropertyDescription("Explicit, expiring exceptions.")
    public List<Ignore> ignore = new ArrayList<>();
  }

  /**
   * One vulnerability exception. The list stays atomic: one id may be ignored several times, for
   * different packages or until different dates, so no field of an exception is a key.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @SchemaCustomizer(value = ListSets.class, input = "packages")
  public static class Ignore {
    @Required
    @Pattern("^[A-Za-z0-9][A-Za-z0-9._:-]{1,127}$")
    @JsonPropertyDescription("Vulnerability id or alias, e.g. CVE-2023-12345 or DSA-5678-1.")
    public String id;

    @JsonPropertyDescription(
        "Only for these packages: an OS binary or source package name, a language package's name"
            + " (e.g. lodash, org.apache.logging.log4j:log4j-core), or ECOSYSTEM/name for one"
            + " ecosystem only (e.g. npm/lodash, PyPI/requests); empty = any package.")
    public List<String> packages = new ArrayList<>();

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("Why the exception is acceptable; shown in reports.")
    public String reason;

    @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    @JsonPropertyDescription(
        "Date (YYYY-MM-DD, UTC) from which the exception no longer applies; absent = never expires.")
    public String expires;
  }

  /** Image-content and workload check settings. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @SchemaCustomizer(
      value = ListSets.class,
      input = "exclude,requiredLabels,forbiddenPorts,forbiddenBinaries")
  public static class Checks {
    // The reconciler checks that the ids are check ids (ImagePolicyValidator).
    @Size(max = 200)
    @JsonPropertyDescription("Check ids that are not run, e.g. VIG-IMG-006.")
    public List<String> exclude = new ArrayList<>();

    @JsonPropertyDescription("Severity overrides per check id, e.g. VIG-IMG-002: Critical.")
    public Map<String, Severity> severity = new LinkedHashMap<>();

    @Size(max = 100)
    @JsonPropertyDescription("Image config labels that must be present, e.g. org.opencontainers.image.source.")
    public List<String> requiredLabels = new ArrayList<>();

    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("Images built longer ago than this are reported, e.g. 90d.")
    public String maxImageAge;

    @Size(max = 100)
    @JsonPropertyDescription("Exposed ports that are reported, e.g. 22 and 23.")
    @ValidationRule(
        value = "self.all(p, p >= 1 && p <= 65535)",
        message = "checks.forbiddenPorts must be between 1 and 65535")
    public List<Integer> forbiddenPorts = new ArrayList<>();

    @Size(max = 500)
    @JsonPropertyDescription(
        "File names that must not be in the image, e.g. nc, curl, gcc; empty = the built-in list.")
    public List<String> forbiddenBinaries = new ArrayList<>();
  }

  /** Signature requirements. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // !has(self.mode): the API server also checks the rule against the schema's default {} (to
  // which it has not yet added mode: Off); every stored object has a mode.
  @ValidationRule(
      value = "!has(self.mode) || self.mode == 'Off' || (has(self.authorities) && size(self.authorities) > 0)",
      message = "signatures.authorities needs at least one authority unless mode is Off")
  // Unique names by list-map keys, not CEL: a rule comparing every pair of authorities costs
  // quadratically and a real API server rejects the CRD for exceeding its CEL cost budget.
  @SchemaCustomizer(value = ListMapKeys.class, input = "authorities=name")
  public static class Signatures {
    /** What a missing or invalid signature does. */
    public enum Mode {
      Enforce,
      Audit,
      Off
    }

    @Default("Off")
    @JsonPropertyDescription(
        "Enforce: unverified images are non-compliant and never rolled out to;"
            + " Audit: only reported; Off: not checked.")
    public Mode mode = Mode.Off;

    @Size(max = 20)
    @JsonPropertyDescription("Trusted signers; any one of them may satisfy the policy.")
    public List<Authority> authorities = new ArrayList<>();
  }

  /** A trusted signer: a public key or a keyless (Fulcio certificate) identity. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.key) != has(self.keyless)",
      message = "an authority needs exactly one of key or keyless")
  public static class Authority {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    @JsonPropertyDescription("Name of the authority, reported as status.signature.authority.")
    public String name;

    @JsonPropertyDescription("A public key (ECDSA, RSA or Ed25519, PEM).")
    public KeyRef key;

    @JsonPropertyDescription("Fulcio-certified identities, logged in Rekor.")
    public Keyless keyless;

    @Default("false")
    @JsonPropertyDescription(
        "Require a valid transparency-log entry (Rekor SET or bundle inclusion) for key signatures.")
    public Boolean requireTransparencyLog = false;
  }

  /** Where a public key comes from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "[has(self.secretRef), has(self.configMapRef), has(self.data)].filter(x, x).size() == 1",
      message = "key needs exactly one of secretRef, configMapRef or data")
  public static class KeyRef {
    @JsonPropertyDescription("Secret key holding the PEM public key.")
    public LocalObjectKeyRef secretRef;

    @JsonPropertyDescription("ConfigMap key holding the PEM public key.")
    public LocalObjectKeyRef configMapRef;

    @Pattern("^-----BEGIN PUBLIC KEY-----[\\s\\S]+-----END PUBLIC KEY-----\\s*$")
    @JsonPropertyDescription("The PEM public key inline.")
    public String data;
  }

  /** Keyless (Fulcio certificate) signing identities. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Keyless {
    @Required
    @Size(min = 1, max = 50)
    @JsonPropertyDescription("Accepted identities; an empty list is invalid (never 'any identity').")
    public List<Identity> identities = new ArrayList<>();

    @JsonPropertyDescription(
        "Sigstore trusted root (trusted_root.json) for private or air-gapped Sigstore;"
            + " absent = the public-good instance.")
    public TrustedRootRef trustedRootRef;
  }

  /** One accepted OIDC identity. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.subject) != has(self.subjectRegExp)",
      message = "an identity needs exactly one of subject or subjectRegExp")
  public static class Identity {
    @Required
    @JsonPropertyDescription("OIDC issuer, matched exactly, e.g. https://token.actions.githubusercontent.com.")
    public String issuer;

    @JsonPropertyDescription("Certificate subject (email or URI SAN), matched exactly.")
    public String subject;

    @JsonPropertyDescription("Certificate subject as an anchored regular expression.")
    public String subjectRegExp;
  }

  /** Where a Sigstore trusted root comes from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class TrustedRootRef {
    @Required
    @JsonPropertyDescription("ConfigMap key holding trusted_root.json.")
    public LocalObjectKeyRef configMapRef;
  }

  /** Redeploy behaviour. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @SchemaCustomizer(value = DefaultEmptyObjects.class, input = "require,rollback")
  public static class Updates {
    /** What Vigil does when a better image appears. */
    public enum Mode {
      Off,
      Notify,
      Rollout
    }

    /** Which candidates count. */
    public enum Strategy {
      Digest,
      SemverPatch,
      SemverMinor
    }

    /** How a workload is moved to the candidate. */
    public enum Method {
      Auto,
      PinDigest,
      Restart
    }

    @Default("Off")
    @JsonPropertyDescription(
        "Off: nothing; Notify: report, event and metric; Rollout: also patch the workload.")
    public Mode mode = Mode.Off;

    @Default("Digest")
    @JsonPropertyDescription(
        "Digest: same tag rebuilt; SemverPatch/SemverMinor: a newer tag within that range.")
    public Strategy strategy = Strategy.Digest;

    @Default("Auto")
    @JsonPropertyDescription(
        "PinDigest: set image to repo:tag@digest; Restart: pod-template annotation (needs"
            + " imagePullPolicy Always); Auto: PinDigest unless Restart is equivalent.")
    public Method method = Method.Auto;

    @JsonPropertyDescription("What a candidate must satisfy.")
      public Require require = new Require();

    @Default("1")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Rollouts this policy may run at the same time.")
    public Integer maxConcurrentRollouts = 1;

    @JsonPropertyDescription("Maintenance window; absent = any time.")
    public Window window;

    @JsonPropertyDescription("What happens when a rollout fails.")
      public Rollback rollback = new Rollback();
  }

  /** Conditions a candidate image must meet. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Require {
    @Default("true")
    @JsonPropertyDescription(
        "The candidate must verify under this policy's authorities (always, when signatures.mode is Enforce).")
    public Boolean signature = true;

    @Default("true")
    @JsonPropertyDescription("The candidate may not add findings at or above vulnerabilities.failOn.")
    public Boolean noNewVulnerabilities = true;
  }

  /** A recurring maintenance window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Window {
    @Required
    @Pattern("^\\S+( \\S+){4}$")
    @JsonPropertyDescription("Five-field cron expression for when the window opens, e.g. '0 2 * * *'.")
    public String schedule;

    @Required
    @Pattern(DURATION_PATTERN)
    @JsonPropertyDescription("How long the window stays open, e.g. 3h.")
    public String duration;

    @Default("UTC")
    @JsonPropertyDescription("IANA time zone of the schedule, e.g. Europe/Berlin.")
    public String timeZone = "UTC";
  }

  /** Rollback on failure. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Rollback {
    @Default("true")
    @JsonPropertyDescription("Restore the previous image exactly when the rollout fails.")
    public Boolean onFailure = true;

    @Default("600")
    @Min(30)
    @Max(86400)
    @JsonPropertyDescription("How long a rollout may take before it counts as failed.")
    public Integer progressDeadlineSeconds = 600;
  }
}
