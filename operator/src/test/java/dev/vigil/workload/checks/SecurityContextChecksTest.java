package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VIG-WL-001 .. 007: the container and pod securityContext, with Kubernetes' precedence. */
class SecurityContextChecksTest {

  private static final String ROOT = "VIG-WL-001";
  private static final String PRIVILEGED = "VIG-WL-002";
  private static final String ESCALATION = "VIG-WL-003";
  private static final String DROP_ALL = "VIG-WL-004";
  private static final String DANGEROUS_CAPS = "VIG-WL-005";
  private static final String WRITABLE_ROOT = "VIG-WL-006";
  private static final String SECCOMP = "VIG-WL-007";

  private static final String WEB_SC = "spec.template.spec.containers[web].securityContext";
  private static final String POD_SC = "spec.template.spec.securityContext";

  /** The hardened container with its securityContext replaced. */
  private static Container web(SecurityContext sc) {
    return hardened("web").withSecurityContext(sc).build();
  }

  /** A securityContext that passes every check but the user checks (no user settings). */
  private static SecurityContextBuilder lockedDown() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile();
  }

  private static Workload withPodContext(Container web, PodSecurityContextBuilder pod) {
    return deployment(podSpec(web).withSecurityContext(pod.build()).build());
  }

  @Test
  void runAsNonRootTrueOnThePodCoversAContainerThatSetsNothing() {
    Workload w =
        withPodContext(
            web(lockedDown().build()), new PodSecurityContextBuilder().withRunAsNonRoot(true));
    assertEquals(List.of(), evidence(ROOT, w, "web"));
  }

  @Test
  void containerRunAsNonRootFalseOverridesThePodsTrue() {
    Workload w =
        withPodContext(
            web(lockedDown().withRunAsNonRoot(false).build()),
            new PodSecurityContextBuilder().withRunAsNonRoot(true));
    assertEquals(
        List.of(
            WEB_SC + ".runAsNonRoot is false and no runAsUser is set: the image's USER decides"),
        evidence(ROOT, w, "web"));
  }

  @Test
  void containerRunAsNonRootTrueOverridesThePodsFalse() {
    Workload w =
        withPodContext(
            web(lockedDown().withRunAsNonRoot(true).build()),
            new PodSecurityContextBuilder().withRunAsNonRoot(false));
    assertEquals(List.of(), evidence(ROOT, w, "web"));
  }

  @Test
  void podRunAsNonRootFalseIsNamedAsThePodField() {
    Workload w =
        withPodContext(
            web(lockedDown().build()), new PodSecurityContextBuilder().withRunAsNonRoot(false));
    assertEquals(
        List.of(
            POD_SC + ".runAsNonRoot is false and no runAsUser is set: the image's USER decides"),
        evidence(ROOT, w, "web"));
  }

  @Test
  void nothingSetAnywhereLeavesTheImageToDecide() {
    Workload w = deployment(podSpec(web(lockedDown().build())).build());
    assertEquals(
        List.of(
            "neither "
                + WEB_SC
                + " nor "
                + POD_SC
                + " sets runAsNonRoot or runAsUser: the image's USER decides"),
        evidence(ROOT, w, "web"));
  }

  @Test
  void runAsUserZeroOnThePodFiresEvenWithRunAsNonRoot() {
    Workload w =
        withPodContext(
            web(lockedDown().build()),
            new PodSecurityContextBuilder().withRunAsUser(0L).withRunAsNonRoot(true));
    assertEquals(List.of(POD_SC + ".runAsUser is 0"), evidence(ROOT, w, "web"));
  }

  @Test
  void containerRunAsUserZeroOverridesThePodsNonZeroUser() {
    Workload w =
        withPodContext(
            web(lockedDown().withRunAsUser(0L).build()),
            new PodSecurityContextBuilder().withRunAsUser(1000L));
    assertEquals(List.of(WEB_SC + ".runAsUser is 0"), evidence(ROOT, w, "web"));
  }

  @Test
  void containerNonZeroUserOverridesThePodsRootUserAndNeedsNoRunAsNonRoot() {
    Workload w =
        withPodContext(
            web(lockedDown().withRunAsUser(1000L).withRunAsNonRoot(false).build()),
            new PodSecurityContextBuilder().withRunAsUser(0L));
    assertEquals(List.of(), evidence(ROOT, w, "web"));
  }

  @Test
  void privilegedTrueFiresAndFalseOrAbsentPasses() {
    Workload privileged =
        deployment(
            podSpec(web(lockedDown().withRunAsUser(1L).withPrivileged(true).build())).build());
    assertEquals(List.of(WEB_SC + ".privileged is true"), evidence(PRIVILEGED, privileged, "web"));
    Workload notPrivileged =
        deployment(podSpec(web(lockedDown().withPrivileged(false).build())).build());
    assertEquals(List.of(), evidence(PRIVILEGED, notPrivileged, "web"));
    assertEquals(List.of(), evidence(PRIVILEGED, deployment(podSpec(web(null)).build()), "web"));
  }

  @Test
  void privilegeEscalationNotSetOrTrueFiresAndFalsePasses() {
    Workload unset =
        deployment(podSpec(web(lockedDown().withAllowPrivilegeEscalation(null).build())).build());
    assertEquals(
        List.of(WEB_SC + ".allowPrivilegeEscalation is not set (defaults to true)"),
        evidence(ESCALATION, unset, "web"));
    Workload allowed =
        deployment(podSpec(web(lockedDown().withAllowPrivilegeEscalation(true).build())).build());
    assertEquals(
        List.of(WEB_SC + ".allowPrivilegeEscalation is true"),
        evidence(ESCALATION, allowed, "web"));
    Workload noContext = deployment(podSpec(web(null)).build());
    assertEquals(
        List.of(WEB_SC + ".allowPrivilegeEscalation is not set (defaults to true)"),
        evidence(ESCALATION, noContext, "web"));
    assertEquals(
        List.of(),
        evidence(ESCALATION, deployment(podSpec(web(lockedDown().build())).build()), "web"));
  }

  @Test
  void capabilitiesNotDroppingAllFireWithWhatIsDropped() {
    Workload partial =
        deployment(
            podSpec(
                    web(
                        lockedDown()
                            .withNewCapabilities()
                            .withDrop("NET_RAW", "CHOWN")
                            .endCapabilities()
                            .build()))
                .build());
    assertEquals(
        List.of(WEB_SC + ".capabilities.drop is [CHOWN, NET_RAW], without ALL"),
        evidence(DROP_ALL, partial, "web"));
    Workload none = deployment(podSpec(web(lockedDown().withCapabilities(null).build())).build());
    assertEquals(
        List.of(WEB_SC + ".capabilities.drop is not set"), evidence(DROP_ALL, none, "web"));
  }

  @Test
  void droppingAllInAnySpellingPasses() {
    for (String all : List.of("ALL", "all", "CAP_ALL")) {
      Workload w =
          deployment(
              podSpec(
                      web(
                          lockedDown()
                              .withNewCapabilities()
                              .withDrop("CHOWN", all)
                              .endCapabilities()
                              .build()))
                  .build());
      assertEquals(List.of(), evidence(DROP_ALL, w, "web"), all);
    }
  }

  @Test
  void dangerousCapabilityAddsAreNamedNormalisedAndSorted() {
    Workload w =
        deployment(
            podSpec(
                    web(
                        lockedDown()
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .withAdd(
                                "SYS_ADMIN",
                                "NET_BIND_SERVICE",
                                "cap_net_admin",
                                "CHOWN",
                                "SYS_ADMIN")
                            .endCapabilities()
                            .build()))
                .build());
    assertEquals(
        List.of(
            WEB_SC + ".capabilities.add contains NET_ADMIN",
            WEB_SC + ".capabilities.add contains SYS_ADMIN"),
        evidence(DANGEROUS_CAPS, w, "web"));
  }

  @Test
  void harmlessCapabilityAddsPass() {
    Workload w =
        deployment(
            podSpec(
                    web(
                        lockedDown()
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .withAdd("NET_BIND_SERVICE", "CHOWN")
                            .endCapabilities()
                            .build()))
                .build());
    assertEquals(List.of(), evidence(DANGEROUS_CAPS, w, "web"));
  }

  @Test
  void everyListedDangerousCapabilityFires() {
    List<String> all =
        List.of(
            "ALL",
            "BPF",
            "DAC_READ_SEARCH",
            "MAC_ADMIN",
            "MAC_OVERRIDE",
            "NET_ADMIN",
            "NET_RAW",
            "PERFMON",
            "SYS_ADMIN",
            "SYS_BOOT",
            "SYS_MODULE",
            "SYS_PTRACE",
            "SYS_RAWIO",
            "SYS_TIME",
            "SYSLOG");
    Workload w =
        deployment(
            podSpec(
                    web(
                        lockedDown()
                            .withNewCapabilities()
                            .withDrop("ALL")
                            .withAdd(all)
                            .endCapabilities()
                            .build()))
                .build());
    assertEquals(
        all.stream().sorted().map(c -> WEB_SC + ".capabilities.add contains " + c).toList(),
        evidence(DANGEROUS_CAPS, w, "web"));
  }

  @Test
  void writableRootFilesystemFiresWhenNotSetOrFalse() {
    Workload unset =
        deployment(podSpec(web(lockedDown().withReadOnlyRootFilesystem(null).build())).build());
    assertEquals(
        List.of(WEB_SC + ".readOnlyRootFilesystem is not set"),
        evidence(WRITABLE_ROOT, unset, "web"));
    Workload writable =
        deployment(podSpec(web(lockedDown().withReadOnlyRootFilesystem(false).build())).build());
    assertEquals(
        List.of(WEB_SC + ".readOnlyRootFilesystem is false"),
        evidence(WRITABLE_ROOT, writable, "web"));
    assertEquals(
        List.of(),
        evidence(WRITABLE_ROOT, deployment(podSpec(web(lockedDown().build())).build()), "web"));
  }

  @Test
  void seccompRuntimeDefaultOnThePodCoversTheContainer() {
    Workload w =
        withPodContext(
            web(lockedDown().withSeccompProfile(null).build()),
            new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile());
    assertEquals(List.of(), evidence(SECCOMP, w, "web"));
  }

  @Test
  void containerUnconfinedOverridesThePodsRuntimeDefaultAndSaysItIsExplicit() {
    Workload w =
        withPodContext(
            web(
                lockedDown()
                    .withNewSeccompProfile()
                    .withType("Unconfined")
                    .endSeccompProfile()
                    .build()),
            new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile());
    assertEquals(
        List.of(WEB_SC + ".seccompProfile.type is Unconfined: seccomp is explicitly switched off"),
        evidence(SECCOMP, w, "web"));
  }

  @Test
  void containerLocalhostProfileOverridesThePodsUnconfined() {
    Workload w =
        withPodContext(
            web(
                lockedDown()
                    .withNewSeccompProfile()
                    .withType("Localhost")
                    .withLocalhostProfile("profiles/web.json")
                    .endSeccompProfile()
                    .build()),
            new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("Unconfined")
                .endSeccompProfile());
    assertEquals(List.of(), evidence(SECCOMP, w, "web"));
  }

  @Test
  void podUnconfinedIsNamedAsThePodField() {
    Workload w =
        withPodContext(
            web(lockedDown().withSeccompProfile(null).build()),
            new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("Unconfined")
                .endSeccompProfile());
    assertEquals(
        List.of(POD_SC + ".seccompProfile.type is Unconfined: seccomp is explicitly switched off"),
        evidence(SECCOMP, w, "web"));
  }

  @Test
  void noSeccompProfileAnywhereFires() {
    Workload w = deployment(podSpec(web(lockedDown().withSeccompProfile(null).build())).build());
    assertEquals(
        List.of(
            "neither "
                + WEB_SC
                + " nor "
                + POD_SC
                + " sets seccompProfile: the container runs Unconfined unless the kubelet uses"
                + " --seccomp-default"),
        evidence(SECCOMP, w, "web"));
  }
}
