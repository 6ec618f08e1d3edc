package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.LocalObjectKeyRef;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePolicyValidatorTest {

  private static final ReferenceLookup ALL_EXIST = (kind, name, key) -> null;

  @Test
  void defaultSpecIsValid() {
    assertEquals(List.of(), ImagePolicyValidator.validate(new ImagePolicySpec(), ALL_EXIST));
  }

  @Test
  void everyProblemNamesItsField() {
    ImagePolicySpec spec = new ImagePolicySpec();
    spec.match.images = List.of("registry.example.com/[x]");
    spec.match.workloadSelector = new LabelSelectorBuilder().addNewMatchExpression()
        .withKey("app").withOperator("Equals").withValues("x").endMatchExpression().build();
    spec.registries.allowed = List.of("");
    ImagePolicySpec.Ignore ignore = new ImagePolicySpec.Ignore();
    ignore.id = "CVE-2023-1";
    ignore.reason = "x";
    ignore.expires = "2027-02-30";
    spec.vulnerabilities.ignore = List.of(ignore);
    spec.checks.exclude = List.of("VIG-IMG-6");
    spec.checks.severity = Map.of("IMG-002", dev.vigil.api.Severity.High);
    spec.checks.maxImageAge = "0d";
    spec.updates.window = new ImagePolicySpec.Window();
    spec.updates.window.schedule = "0 25 * * *";
    spec.updates.window.duration = "3h";
    spec.updates.window.timeZone = "Europe/Nowhere";

    assertEquals(List.of(
        "spec.match.images[0]: image glob 'registry.example.com/[x]' may only contain letters, digits, . _ - : / @ + and * ?",
        "spec.match.workloadSelector.matchExpressions[0].operator: 'Equals' is not one of " + sortedOps(),
        "spec.registries.allowed[0]: an image glob must not be empty",
        "spec.vulnerabilities.ignore[0].expires: '2027-02-30' is not a date (YYYY-MM-DD)",
        "spec.checks.exclude: 'VIG-IMG-6' is not a check id like VIG-IMG-002",
        "spec.checks.severity: 'IMG-002' is not a check id like VIG-IMG-002",
        "spec.checks.maxImageAge: '0d' must be longer than zero",
        "spec.updates.window.schedule: '0 25 * * *' is not a valid cron expression: "
            + cronMessage("0 25 * * *"),
        "spec.updates.window.timeZone: 'Europe/Nowhere' is not a known IANA time zone"),
        ImagePolicyValidator.validate(spec, ALL_EXIST));
  }

  @Test
  void keylessAuthorityWithoutIdentitiesIsNeverAnyIdentity() {
    ImagePolicySpec spec = new ImagePolicySpec();
    ImagePolicySpec.Authority a = new ImagePolicySpec.Authority();
    a.name = "ci";
    a.keyless = new ImagePolicySpec.Keyless();
    spec.signatures.mode = ImagePolicySpec.Signatures.Mode.Enforce;
    spec.signatures.authorities = List.of(a);
    assertEquals(List.of("spec.signatures.authorities[0].keyless.identities: must name at least one identity (never 'any identity')"),
        ImagePolicyValidator.validate(spec, ALL_EXIST));
  }

  @Test
  void unanchoredIdentityRegexIsRejected() {
    ImagePolicySpec spec = new ImagePolicySpec();
    ImagePolicySpec.Identity id = new ImagePolicySpec.Identity();
    id.issuer = "https://accounts.google.com";
    id.subjectRegExp = ".*@acme.com";
    ImagePolicySpec.Authority a = new ImagePolicySpec.Authority();
    a.name = "people";
    a.keyless = new ImagePolicySpec.Keyless();
    a.keyless.identities = List.of(id);
    spec.signatures.authorities = List.of(a);
    assertEquals(List.of("spec.signatures.authorities[0].keyless.identities[0].subjectRegExp: must be anchored with ^ and $"),
        ImagePolicyValidator.validate(spec, ALL_EXIST));
  }

  @Test
  void missingReferencesAreReportedWithWhatIsMissing() {
    ImagePolicySpec spec = new ImagePolicySpec();
    ImagePolicySpec.Authority a = new ImagePolicySpec.Authority();
    a.name = "key";
    a.key = new ImagePolicySpec.KeyRef();
    a.key.configMapRef = new LocalObjectKeyRef("keys", "cosign.pub");
    spec.signatures.mode = ImagePolicySpec.Signatures.Mode.Audit;
    spec.signatures.authorities = List.of(a);
    ReferenceLookup none = (kind, name, key) -> kind + " " + name + " has no key '" + key + "'";
    assertEquals(List.of("spec.signatures.authorities[0].key.configMapRef: ConfigMap keys has no key 'cosign.pub'"),
        ImagePolicyValidator.validate(spec, none));
  }

  private static String sortedOps() {
    return "[In, NotIn, Exists, DoesNotExist]";
  }

  private static String cronMessage(String expr) {
    try {
      CronText.parse(expr);
      return "";
    } catch (IllegalArgumentException e) {
      return e.getMessage().substring(e.getMessage().indexOf("expression: ") + "expression: ".length());
    }
  }
}
