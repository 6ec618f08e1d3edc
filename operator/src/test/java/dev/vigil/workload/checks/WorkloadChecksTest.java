package dev.vigil.workload.checks;

import static dev.vigil.workload.checks.TestWorkloads.cronJob;
import static dev.vigil.workload.checks.TestWorkloads.daemonSet;
import static dev.vigil.workload.checks.TestWorkloads.deployment;
import static dev.vigil.workload.checks.TestWorkloads.evidence;
import static dev.vigil.workload.checks.TestWorkloads.hardened;
import static dev.vigil.workload.checks.TestWorkloads.job;
import static dev.vigil.workload.checks.TestWorkloads.pod;
import static dev.vigil.workload.checks.TestWorkloads.podSpec;
import static dev.vigil.workload.checks.TestWorkloads.statefulSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.api.Finding;
import dev.vigil.api.ImagePolicySpec;
import dev.vigil.api.ImageReportStatus.WorkloadRef.ContainerType;
import dev.vigil.api.Severity;
import dev.vigil.api.WorkloadKind;
import dev.vigil.policy.ImageGlob;
import dev.vigil.testsupport.ProjectFiles;
import dev.vigil.workload.Workload;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The set of checks, which container is judged, field path prefixes per workload kind, settings,
 * ordering, capping, and docs/checks.md agreement.
 */
class WorkloadChecksTest {

  /** An app container with nothing set: what a quick kubectl create deployment writes. */
  private static Container bare(String name) {
    return new ContainerBuilder().withName(name).withImage("nginx").build();
  }

  private static Container privileged(String name) {
    return hardened(name).editSecurityContext().withPrivileged(true).endSecurityContext().build();
  }

  @Test
  void hardenedContainerPassesEveryCheckInEveryWorkloadKind() {
    PodSpec spec = podSpec(hardened("app").build()).build();
    for (Workload w :
        List.of(
            deployment(spec),
            statefulSet(spec),
            daemonSet(spec),
            job(spec),
            cronJob(spec),
            pod(spec))) {
      assertEquals(List.of(), TestWorkloads.run(w, "app"), w.kind().name());
    }
  }

  @Test
  void bareContainerGetsExactlyTheseFindingsInIdOrder() {
    List<Finding> findings = TestWorkloads.run(deployment(podSpec(bare("web")).build()), "web");
    assertEquals(
        List.of(
            "VIG-WL-001 Medium",
            "VIG-WL-003 Medium",
            "VIG-WL-004 Low",
            "VIG-WL-006 Low",
            "VIG-WL-007 Medium",
            "VIG-WL-013 Low",
            "VIG-WL-014 Low",
            "VIG-WL-015 Medium"),
        findings.stream().map(f -> f.getId() + " " + f.getSeverity()).toList());
    assertEquals(
        new Finding(
            "VIG-WL-006",
            Finding.Category.Workload,
            Severity.Low,
            "Root filesystem is writable",
            List.of(
                "spec.template.spec.containers[web].securityContext.readOnlyRootFilesystem is not"
                    + " set"),
            "Set readOnlyRootFilesystem: true in the container's securityContext and mount an"
                + " emptyDir where the application must write (e.g. /tmp)."),
        findings.get(3));
  }

  @Test
  void fieldPathsStartWhereEachKindKeepsItsPodSpec() {
    PodSpec spec = podSpec(privileged("app")).build();
    Map<Workload, String> expected = new LinkedHashMap<>();
    expected.put(deployment(spec), "spec.template.spec");
    expected.put(statefulSet(spec), "spec.template.spec");
    expected.put(daemonSet(spec), "spec.template.spec");
    expected.put(job(spec), "spec.template.spec");
    expected.put(cronJob(spec), "spec.jobTemplate.spec.template.spec");
    expected.put(pod(spec), "spec");
    expected.forEach(
        (w, prefix) ->
            assertEquals(
                List.of(prefix + ".containers[app].securityContext.privileged is true"),
                evidence("VIG-WL-002", w, "app"),
                w.kind().name()));
  }

  @Test
  void initAndEphemeralContainersAreJudgedUnderTheirOwnListWithPodSettings() {
    Workload w =
        pod(
            podSpec(hardened("app").build())
                .withHostNetwork(true)
                .withInitContainers(privileged("setup"))
                .withEphemeralContainers(
                    new EphemeralContainerBuilder()
                        .withName("debugger")
                        .withImage("busybox:1.36")
                        .withNewSecurityContext()
                        .withPrivileged(true)
                        .endSecurityContext()
                        .build())
                .build());
    assertEquals(
        List.of("spec.initContainers[setup].securityContext.privileged is true"),
        evidence("VIG-WL-002", w, "setup", ContainerType.InitContainer));
    assertEquals(
        List.of("spec.ephemeralContainers[debugger].securityContext.privileged is true"),
        evidence("VIG-WL-002", w, "debugger", ContainerType.EphemeralContainer));
    assertEquals(
        List.of(
            "spec.ephemeralContainers[debugger].securityContext.readOnlyRootFilesystem is not set"),
        evidence("VIG-WL-006", w, "debugger", ContainerType.EphemeralContainer));
    for (ContainerType type : ContainerType.values()) {
      String name =
          switch (type) {
            case Container -> "app";
            case InitContainer -> "setup";
            case EphemeralContainer -> "debugger";
          };
      assertEquals(
          List.of("spec.hostNetwork is true"), evidence("VIG-WL-008", w, name, type), name);
    }
    assertEquals(List.of(), evidence("VIG-WL-002", w, "app"));
  }

  @Test
  void aContainerNotInTheNamedListIsAnError() {
    Workload w =
        deployment(podSpec(hardened("app").build()).withInitContainers(bare("setup")).build());
    WorkloadChecks checks = new WorkloadChecks();
    WorkloadCheckSettings d = WorkloadCheckSettings.defaults();
    assertEquals(
        "Deployment shop/web has no container \"setup\" in spec.template.spec.containers",
        assertThrows(
                IllegalArgumentException.class,
                () -> checks.run(w, "setup", ContainerType.Container, d))
            .getMessage());
    assertEquals(
        "Deployment shop/web has no container \"app\" in spec.template.spec.ephemeralContainers",
        assertThrows(
                IllegalArgumentException.class,
                () -> checks.run(w, "app", ContainerType.EphemeralContainer, d))
            .getMessage());
    Workload noPodSpec = new Workload(WorkloadKind.Deployment, w.resource(), null);
    assertEquals(
        "Deployment shop/web has no pod spec",
        assertThrows(
                IllegalArgumentException.class,
                () -> checks.run(noPodSpec, "app", ContainerType.Container, d))
            .getMessage());
  }

  @Test
  void excludedIdsDoNotRunAndOverridesReplaceSeverity() {
    ImagePolicySpec.Checks policy = new ImagePolicySpec.Checks();
    policy.exclude =
        new ArrayList<>(Arrays.asList("VIG-WL-013", "VIG-WL-014", "VIG-IMG-001", null));
    policy.severity.put("VIG-WL-006", Severity.High);
    policy.severity.put("VIG-WL-015", Severity.Critical);
    policy.severity.put("VIG-WL-002", null);
    WorkloadCheckSettings settings = WorkloadCheckSettings.fromPolicy(policy, null);
    List<Finding> findings =
        new WorkloadChecks()
            .run(
                deployment(podSpec(bare("web")).build()), "web", ContainerType.Container, settings);
    assertEquals(
        List.of(
            "VIG-WL-001 Medium",
            "VIG-WL-003 Medium",
            "VIG-WL-004 Low",
            "VIG-WL-006 High",
            "VIG-WL-007 Medium",
            "VIG-WL-015 Critical"),
        findings.stream().map(f -> f.getId() + " " + f.getSeverity()).toList());
  }

  @Test
  void policyWithoutSectionsGivesTheDefaults() {
    WorkloadCheckSettings none = WorkloadCheckSettings.fromPolicy(null, null);
    assertEquals(Set.of(), none.excludedIds());
    assertEquals(Map.of(), none.severityOverrides());
    assertEquals(List.of(), none.allowedRegistries());
    assertEquals(true, none.anyRegistryAllowed());
    ImagePolicySpec empty = new ImagePolicySpec();
    WorkloadCheckSettings fromEmpty =
        WorkloadCheckSettings.fromPolicy(empty.checks, empty.registries);
    assertEquals(true, fromEmpty.anyRegistryAllowed());
    assertEquals(Set.of(), fromEmpty.excludedIds());
  }

  @Test
  void policyGlobsAreCompiledAndInvalidOnesKeptAsSkipped() {
    ImagePolicySpec.Registries registries = new ImagePolicySpec.Registries();
    registries.allowed = new ArrayList<>(Arrays.asList("ghcr.io/acme/**", "a b", null));
    WorkloadCheckSettings s = WorkloadCheckSettings.fromPolicy(null, registries);
    assertEquals(
        List.of("ghcr.io/acme/**"),
        s.allowedRegistries().stream().map(ImageGlob::toString).toList());
    assertEquals(List.of("a b", "null"), s.skippedRegistryGlobs());
    assertFalse(s.anyRegistryAllowed());
  }

  @Test
  void findingsAreSortedByIdWithRegistryChecksLast() {
    ImagePolicySpec.Registries registries = new ImagePolicySpec.Registries();
    registries.allowed = List.of("registry.example.com/**");
    List<Finding> findings =
        new WorkloadChecks()
            .run(
                deployment(podSpec(bare("web")).withHostPID(true).build()),
                "web",
                ContainerType.Container,
                WorkloadCheckSettings.fromPolicy(null, registries));
    List<String> ids = findings.stream().map(Finding::getId).toList();
    assertEquals("VIG-REG-001", ids.get(0));
    assertEquals(Finding.Category.Registry, findings.get(0).getCategory());
    List<String> workloadIds = ids.subList(1, ids.size());
    assertEquals(workloadIds.stream().sorted().toList(), workloadIds);
    assertEquals(true, workloadIds.contains("VIG-WL-009"));
    findings
        .subList(1, findings.size())
        .forEach(f -> assertEquals(Finding.Category.Workload, f.getCategory(), f.getId()));
  }

  @Test
  void evidenceIsCappedAtFiftyLinesWithACountOfTheRest() {
    List<EnvVar> vars = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      vars.add(
          new EnvVarBuilder()
              .withName(String.format("PASSWORD_%02d", i))
              .withValue("x" + i)
              .build());
    }
    List<String> evidence =
        evidence(
            "VIG-WL-017",
            deployment(podSpec(hardened("web").withEnv(vars).build()).build()),
            "web");
    assertEquals(51, evidence.size());
    assertEquals(
        "spec.template.spec.containers[web].env[PASSWORD_00].value (name suggests a secret)",
        evidence.get(0));
    assertEquals(
        "spec.template.spec.containers[web].env[PASSWORD_49].value (name suggests a secret)",
        evidence.get(49));
    assertEquals("... and 10 more", evidence.get(50));
  }

  @Test
  void checkIdsAreSequentialAndUnique() {
    List<String> ids = new WorkloadChecks().checks().stream().map(WorkloadCheck::id).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 17; i++) {
      expected.add(String.format("VIG-WL-%03d", i));
    }
    expected.add("VIG-REG-001");
    assertEquals(expected, ids);
    for (WorkloadCheck check : new WorkloadChecks().checks()) {
      assertEquals(
          check.id().startsWith("VIG-REG-") ? Finding.Category.Registry : Finding.Category.Workload,
          check.category(),
          check.id());
    }
  }

  @Test
  void docsListEveryCheckWithItsSeverityTitleAndRemediation() throws IOException {
    List<String> rows =
        Files.readAllLines(ProjectFiles.root().resolve("docs/checks.md")).stream()
            .filter(l -> l.startsWith("| VIG-WL-") || l.startsWith("| VIG-REG-"))
            .toList();
    List<WorkloadCheck> checks = new WorkloadChecks().checks();
    assertEquals(checks.size(), rows.size());
    for (int i = 0; i < checks.size(); i++) {
      WorkloadCheck check = checks.get(i);
      String[] cells = rows.get(i).split("\\|");
      assertEquals(
          6, cells.length, check.id() + ": id | severity | title | rationale | remediation");
      assertEquals(check.id(), cells[1].strip());
      assertEquals(check.defaultSeverity().name(), cells[2].strip(), check.id());
      assertEquals(check.title(), cells[3].strip(), check.id());
      assertFalse(cells[4].isBlank(), check.id() + " rationale");
      assertEquals(check.remediation(), cells[5].strip(), check.id());
    }
  }
}
