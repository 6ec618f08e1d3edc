package dev.vigil.sbom;

import dev.vigil.api.Severity;
import dev.vigil.inventory.ApplicationPackage;
import dev.vigil.inventory.InstalledPackage;
import dev.vigil.inventory.Inventory;
import dev.vigil.inventory.OsInfo;
import dev.vigil.registry.ImageReference;
import dev.vigil.scan.ImageAnalysis;
import dev.vigil.scan.VulnDbInfo;
import dev.vigil.vulndb.VulnerabilityMatch;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Evidence;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.evidence.Occurrence;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.model.vulnerability.Vulnerability;

/**
 * A CycloneDX 1.6 SBOM of one scanned image: the image as metadata component, its OS, one
 * component per OS package and one per language package and path, and the vulnerabilities
 * matched against them. See docs/sbom.md for the document's shape.
 *
 * <p>Only this package loads the CycloneDX library, and only when a document is asked for.
 */
public final class CycloneDxSbom {

  /** The schema version written. */
  public static final Version VERSION = Version.VERSION_16;

  static final String PROPERTY_PREFIX = "vigil:";
  private static final Pattern PEP_503_SEPARATORS = Pattern.compile("[-_.]+");

  private CycloneDxSbom() {}

  /** The document as JSON text. */
  public static String json(ImageAnalysis analysis, List<VulnerabilityMatch> vulnerabilities, VulnDbInfo db,
      String toolVersion) {
    Bom bom = build(analysis, vulnerabilities, db, toolVersion);
    try {
      return BomGeneratorFactory.createJson(VERSION, bom).toJsonString();
    } catch (GeneratorException e) {
      throw new IllegalStateException("cannot write the CycloneDX document: " + e.getMessage(), e);
    }
  }

  /**
   * Builds the document.
   *
   * @param vulnerabilities the matches for the analysis' inventory (policy ignores are not
   *     applied: the SBOM states what the data says)
   * @param db the vulnerability database the matches came from, null when none applied
   * @param toolVersion vigil's version, for metadata.tools
   */
  public static Bom build(ImageAnalysis analysis, List<VulnerabilityMatch> vulnerabilities, VulnDbInfo db,
      String toolVersion) {
    Inventory inventory = analysis.inventory();
    BomRefs refs = new BomRefs();

    Component image = imageComponent(analysis, refs);
    Metadata metadata = new Metadata();
    metadata.setTimestamp(Date.from(analysis.scannedAt()));
    metadata.setComponent(image);
    ToolInformation tools = new ToolInformation();
    Component vigil = new Component();
    vigil.setType(Component.Type.APPLICATION);
    vigil.setName("vigil");
    vigil.setVersion(toolVersion);
    tools.setComponents(List.of(vigil));
    metadata.setToolChoice(tools);
    List<Property> metaProps = new ArrayList<>();
    if (db != null) {
      add(metaProps, "vulnerabilityDb:source", db.source());
      add(metaProps, "vulnerabilityDb:snapshot", db.snapshot());
      add(metaProps, "vulnerabilityDb:updated", db.updated() == null ? null : db.updated().toString());
    }
    // A partial inventory must say so in the document, not only on stderr.
    inventory.problems().forEach(p -> add(metaProps, "inventory:problem", p));
    if (!metaProps.isEmpty()) {
      metadata.setProperties(metaProps);
    }

    List<Component> components = new ArrayList<>();
    Dependency imageDeps = new Dependency(image.getBomRef());
    Dependency osDeps = null;
    OsInfo os = inventory.os();
    if (os != null) {
      Component osComponent = osComponent(os, refs);
      components.add(osComponent);
      osDeps = new Dependency(osComponent.getBomRef());
      imageDeps.addDependency(new Dependency(osComponent.getBomRef()));
    }

    Map<String, List<String>> osRefs = new LinkedHashMap<>();
    for (InstalledPackage pkg : inventory.packages()) {
      Component c = osPackage(pkg, os, refs);
      components.add(c);
      osRefs.computeIfAbsent(pkg.name() + "\u0000" + pkg.version(), k -> new ArrayList<>()).add(c.getBomRef());
      (osDeps != null ? osDeps : imageDeps).addDependency(new Dependency(c.getBomRef()));
    }
    Map<String, List<AppRef>> appRefs = new HashMap<>();
    for (ApplicationPackage pkg : inventory.applications()) {
      Component c = applicationPackage(pkg, refs);
      components.add(c);
      appRefs.computeIfAbsent(appKey(pkg.ecosystem(), pkg.path()), k -> new ArrayList<>())
          .add(new AppRef(pkg, c.getBomRef()));
      imageDeps.addDependency(new Dependency(c.getBomRef()));
    }

    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + UUID.randomUUID());
    bom.setVersion(1);
    bom.setMetadata(metadata);
    bom.setComponents(components);
    List<Dependency> dependencies = new ArrayList<>();
    dependencies.add(imageDeps);
    if (osDeps != null) {
      dependencies.add(osDeps);
    }
    // Every component appears in the graph, leaves with an empty dependsOn, so that a reader
    // can tell "depends on nothing known" from "not described".
    for (Component c : components) {
      if (osDeps == null || !c.getBomRef().equals(osDeps.getRef())) {
        dependencies.add(new Dependency(c.getBomRef()));
      }
    }
    bom.setDependencies(dependencies);
    List<Vulnerability> vulns = vulnerabilities(vulnerabilities, osRefs, appRefs);
    if (!vulns.isEmpty()) {
      bom.setVulnerabilities(vulns);
    }
    return bom;
  }

  private static Component imageComponent(ImageAnalysis analysis, BomRefs refs) {
    ImageReference ref = analysis.reference();
    Component c = new Component();
    c.setType(Component.Type.CONTAINER);
    c.setName(ref.registry() + "/" + ref.repository());
    c.setVersion(analysis.manifestDigest());
    String purl = PackageUrls.of(ref, analysis.manifestDigest(), analysis.platform()).orElse(null);
    c.setPurl(purl);
    c.setBomRef(refs.unique(purl != null ? purl : "image:" + analysis.manifestDigest()));
    String digest = analysis.manifestDigest();
    if (digest != null && digest.startsWith("sha256:")) {
      c.addHash(new Hash(Hash.Algorithm.SHA_256, digest.substring("sha256:".length())));
    }
    List<Property> props = new ArrayList<>();
    add(props, "image:reference", ref.canonical());
    add(props, "image:indexDigest", analysis.indexDigest());
    add(props, "image:platform", analysis.platform() == null ? null : analysis.platform().toString());
    analysis.layerDigests().forEach(l -> add(props, "image:layer", l));
    c.setProperties(props);
    return c;
  }

  private static Component osComponent(OsInfo os, BomRefs refs) {
    Component c = new Component();
    c.setType(Component.Type.OPERATING_SYSTEM);
    c.setName(os.family());
    c.setVersion(os.version());
    c.setBomRef(refs.unique("os:" + os.family() + (os.version() == null ? "" : "-" + os.version())));
    List<Property> props = new ArrayList<>();
    add(props, "os:prettyName", os.prettyName());
    add(props, "os:endOfLife", Boolean.toString(os.endOfLife()));
    add(props, "os:endOfLifeDate", os.endOfLifeDate() == null ? null : os.endOfLifeDate().toString());
    c.setProperties(props);
    return c;
  }

  private static Component osPackage(InstalledPackage pkg, OsInfo os, BomRefs refs) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setName(pkg.name());
    c.setVersion(pkg.version());
    String purl = PackageUrls.of(pkg, os).orElse(null);
    c.setPurl(purl);
    c.setBomRef(refs.unique(purl != null ? purl
        : pkg.type() + ":" + pkg.name() + "@" + pkg.version() + (pkg.arch() == null ? "" : ":" + pkg.arch())));
    List<Property> props = new ArrayList<>();
    add(props, "package:type", pkg.type());
    add(props, "package:sourceName", pkg.sourceName());
    add(props, "package:sourceVersion", pkg.sourceVersion());
    add(props, "layer", pkg.layerDigest());
    c.setProperties(props);
    return c;
  }

  private static Component applicationPackage(ApplicationPackage pkg, BomRefs refs) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    String name = pkg.name();
    int colon = name.indexOf(':');
    if ("Maven".equals(pkg.ecosystem()) && colon > 0 && colon < name.length() - 1) {
      c.setGroup(name.substring(0, colon));
      c.setName(name.substring(colon + 1));
    } else {
      c.setName(name);
    }
    c.setVersion(pkg.version());
    String purl = PackageUrls.of(pkg).orElse(null);
    c.setPurl(purl);
    // The same package at two paths is two components: the path makes the reference unique.
    String identity = purl != null ? purl : pkg.ecosystem() + ":" + name + "@" + pkg.version();
    c.setBomRef(refs.unique(pkg.path() == null ? identity : identity + "|" + pkg.path()));
    List<Property> props = new ArrayList<>();
    add(props, "package:ecosystem", pkg.ecosystem());
    add(props, "path", pkg.path());
    add(props, "layer", pkg.layerDigest());
    c.setProperties(props);
    if (pkg.path() != null) {
      Evidence evidence = new Evidence();
      Occurrence occurrence = new Occurrence();
      occurrence.setLocation(pkg.path());
      evidence.setOccurrences(List.of(occurrence));
      c.setEvidence(evidence);
    }
    return c;
  }

  private record AppRef(ApplicationPackage pkg, String ref) {}

  private static String appKey(String ecosystem, String path) {
    return ecosystem + "\u0000" + path;
  }

  /** One entry per vulnerability id, affecting every component a match names. */
  private static List<Vulnerability> vulnerabilities(List<VulnerabilityMatch> matches,
      Map<String, List<String>> osRefs, Map<String, List<AppRef>> appRefs) {
    Map<String, List<VulnerabilityMatch>> byId = new LinkedHashMap<>();
    matches.forEach(m -> byId.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(m));
    List<Vulnerability> out = new ArrayList<>();
    for (Map.Entry<String, List<VulnerabilityMatch>> e : byId.entrySet()) {
      List<VulnerabilityMatch> group = e.getValue();
      VulnerabilityMatch first = group.get(0);
      Vulnerability v = new Vulnerability();
      v.setId(e.getKey());
      if (first.link() != null) {
        Vulnerability.Source source = new Vulnerability.Source();
        source.setUrl(first.link());
        v.setSource(source);
      }
      if (first.title() != null && !first.title().isBlank()) {
        v.setDescription(first.title());
      }
      Set<String> ratingKeys = new HashSet<>();
      Set<String> aliases = new LinkedHashSet<>();
      Map<String, Vulnerability.Affect> affects = new LinkedHashMap<>();
      List<String> recommendations = new ArrayList<>();
      for (VulnerabilityMatch m : group) {
        if (ratingKeys.add(m.severity() + "/" + m.score())) {
          Vulnerability.Rating rating = new Vulnerability.Rating();
          rating.setSeverity(severity(m.severity()));
          rating.setScore(m.score());
          v.addRating(rating);
        }
        aliases.addAll(m.aliases());
        for (String ref : refsOf(m, osRefs, appRefs)) {
          Vulnerability.Affect affect = affects.computeIfAbsent(ref, r -> {
            Vulnerability.Affect a = new Vulnerability.Affect();
            a.setRef(r);
            a.setVersions(new ArrayList<>());
            return a;
          });
          addVersion(affect, m.installedVersion(), Vulnerability.Version.Status.AFFECTED);
          if (m.fixedVersion() != null) {
            addVersion(affect, m.fixedVersion(), Vulnerability.Version.Status.UNAFFECTED);
          }
        }
        if (m.fixedVersion() != null) {
          String text = "Upgrade " + m.packageName() + " " + m.installedVersion() + " to " + m.fixedVersion()
              + (m.path() == null ? "" : " (" + m.path() + ")");
          if (!recommendations.contains(text)) {
            recommendations.add(text);
          }
        }
      }
      aliases.remove(e.getKey());
      for (String alias : aliases) {
        Vulnerability.Reference reference = new Vulnerability.Reference();
        reference.setId(alias);
        Vulnerability.Source source = new Vulnerability.Source();
        source.setName("OSV");
        reference.setSource(source);
        v.addReference(reference);
      }
      if (!affects.isEmpty()) {
        v.setAffects(new ArrayList<>(affects.values()));
      }
      if (!recommendations.isEmpty()) {
        v.setRecommendation(String.join("; ", recommendations));
      }
      out.add(v);
    }
    return out;
  }

  private static void addVersion(Vulnerability.Affect affect, String version, Vulnerability.Version.Status status) {
    if (version == null) {
      return;
    }
    boolean present = affect.getVersions().stream()
        .anyMatch(x -> version.equals(x.getVersion()) && x.getStatus() == status);
    if (!present) {
      Vulnerability.Version v = new Vulnerability.Version();
      v.setVersion(version);
      v.setStatus(status);
      affect.addVersion(v);
    }
  }

  /**
   * The components a match is about: an OS package by name and installed version (every
   * architecture of a multi-arch dpkg package), a language package by ecosystem, path and
   * version, then by name (a shaded jar holds several packages at one path).
   */
  private static List<String> refsOf(VulnerabilityMatch m, Map<String, List<String>> osRefs,
      Map<String, List<AppRef>> appRefs) {
    if (m.ecosystem() == null) {
      return osRefs.getOrDefault(m.packageName() + "\u0000" + m.installedVersion(), List.of());
    }
    List<AppRef> candidates = appRefs.getOrDefault(appKey(m.ecosystem(), m.path()), List.of()).stream()
        .filter(a -> Objects.equals(m.installedVersion(), a.pkg().version()))
        .toList();
    List<AppRef> named = candidates.stream()
        .filter(a -> sameName(m.ecosystem(), m.packageName(), a.pkg().name()))
        .toList();
    return (named.isEmpty() && candidates.size() == 1 ? candidates : named).stream().map(AppRef::ref).toList();
  }

  private static boolean sameName(String ecosystem, String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return switch (ecosystem) {
      case "PyPI" -> PEP_503_SEPARATORS.matcher(a).replaceAll("-").equalsIgnoreCase(
          PEP_503_SEPARATORS.matcher(b).replaceAll("-"));
      case "NuGet", "Packagist", "npm" -> a.equalsIgnoreCase(b);
      default -> a.equals(b);
    };
  }

  private static Vulnerability.Rating.Severity severity(Severity severity) {
    return switch (severity) {
      case Critical -> Vulnerability.Rating.Severity.CRITICAL;
      case High -> Vulnerability.Rating.Severity.HIGH;
      case Medium -> Vulnerability.Rating.Severity.MEDIUM;
      case Low -> Vulnerability.Rating.Severity.LOW;
      case Unknown -> Vulnerability.Rating.Severity.UNKNOWN;
    };
  }

  private static void add(List<Property> props, String name, String value) {
    if (value != null && !value.isBlank()) {
      props.add(new Property(PROPERTY_PREFIX + name, value));
    }
  }

  /** bom-refs derived from content (stable across scans), made unique by a counter suffix. */
  private static final class BomRefs {
    private final Set<String> used = new HashSet<>();

    String unique(String candidate) {
      String ref = candidate;
      for (int n = 2; !used.add(ref); n++) {
        ref = candidate + "|" + n;
      }
      return ref;
    }
  }
}
