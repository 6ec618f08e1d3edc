package dev.vigil.inventory.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.inventory.ApplicationPackage;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NuGet packages a .NET application runs with, from its {@code <app>.deps.json}: the {@code
 * libraries} of type {@code package}, and {@code runtimepack} (a self-contained app's bundled
 * runtime, {@code runtimepack.Microsoft.NETCore.App.Runtime.linux-x64}, reported without the
 * {@code runtimepack.} prefix under the NuGet id advisories use). Projects (the app and its
 * sibling projects) are the image's own code, not NuGet packages, and are not reported.
 *
 * <p>As Trivy does (PR #7039): when the {@code targets} section of the {@code runtimeTarget}
 * exists, a library whose entry there has no {@code runtime}, {@code runtimeTargets} or {@code
 * native} assets is compile-only or provided by the shared framework, so nothing of it is on disk
 * and it is not reported (the false-positive class of dotnet/sdk #42378); a library without an
 * entry there, or a file whose runtime target has no section, is kept.
 *
 * <p>The document is streamed (memory grows with the number of libraries, not with the file).
 */
public final class DotnetDepsReader implements LanguagePackageReader {

  public static final String ECOSYSTEM = "NuGet";

  /** Large solutions produce deps.json files of a few MiB. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  private static final String RUNTIME_PACK = "runtimepack.";

  @Override
  public String name() {
    return "dotnet-deps";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    String file = ManifestInput.fileName(path);
    return file.endsWith(".deps.json") && file.length() > ".deps.json".length();
  }

  private record Library(String key, String type) {}

  /** A target's libraries: every key, and those with assets on disk. */
  private record Target(Set<String> listed, Set<String> withAssets) {}

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    String shown = ManifestInput.shown(path);
    if (size > MAX_BYTES) {
      return ManifestInput.problem(ManifestInput.overCap(path, size, MAX_BYTES, "deps.json"));
    }
    String runtimeTarget = null;
    Map<String, Target> targets = new HashMap<>();
    List<Library> libraries = new ArrayList<>();
    boolean depsDocument = false;
    try (JsonParser json = ManifestInput.json(content)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return ManifestInput.problem(shown + ": deps.json does not hold a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        depsDocument |= field.equals("runtimeTarget") || field.equals("targets") || field.equals("libraries");
        if (field.equals("runtimeTarget") && value == JsonToken.START_OBJECT) {
          while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            JsonToken v = json.nextToken();
            if (key.equals("name") && v == JsonToken.VALUE_STRING) {
              runtimeTarget = json.getText();
            } else {
              json.skipChildren();
            }
          }
        } else if (field.equals("targets") && value == JsonToken.START_OBJECT) {
          readTargets(json, targets);
        } else if (field.equals("libraries") && value == JsonToken.START_OBJECT) {
          while (json.nextToken() == JsonToken.FIELD_NAME) {
            String key = json.currentName();
            String type = null;
            if (json.nextToken() == JsonToken.START_OBJECT) {
              while (json.nextToken() == JsonToken.FIELD_NAME) {
                String attribute = json.currentName();
                JsonToken v = json.nextToken();
                if (attribute.equals("type") && v == JsonToken.VALUE_STRING) {
                  type = json.getText();
                } else {
                  json.skipChildren();
                }
              }
            } else {
              json.skipChildren();
            }
            libraries.add(new Library(key, type));
          }
        } else {
          json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        return ManifestInput.problem(shown + ": deps.json has content after its JSON object");
      }
    } catch (JsonProcessingException e) {
      return ManifestInput.problem(ManifestInput.notJson(path, e, "deps.json"));
    } catch (CharConversionException e) {
      return ManifestInput.problem(ManifestInput.notText(path, e, "deps.json"));
    }
    if (!depsDocument) {
      return ManifestInput.problem(
          shown + ": deps.json has none of runtimeTarget, targets and libraries; not a .NET"
              + " dependency manifest");
    }

    Target runtime = runtimeTarget == null ? null : targets.get(runtimeTarget);
    List<ApplicationPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Library library : libraries) {
      String type = library.type() == null ? "" : library.type();
      if (!type.equals("package") && !type.equals("runtimepack")) {
        continue;
      }
      int slash = library.key().indexOf('/');
      if (slash <= 0 || slash == library.key().length() - 1) {
        problems.add(
            shown + ": library \"" + library.key() + "\" is not written <id>/<version>; not listed");
        continue;
      }
      if (runtime != null
          && runtime.listed().contains(library.key())
          && !runtime.withAssets().contains(library.key())) {
        continue;
      }
      String id = library.key().substring(0, slash);
      if (type.equals("runtimepack") && id.startsWith(RUNTIME_PACK)) {
        id = id.substring(RUNTIME_PACK.length());
      }
      packages.add(
          new ApplicationPackage(ECOSYSTEM, id, library.key().substring(slash + 1), shown, null));
    }
    return new PackageEvidence(packages, problems);
  }

  /** Reads {@code "targets": {name: {library: {...}}}} keeping only which libraries have assets. */
  private static void readTargets(JsonParser json, Map<String, Target> targets) throws IOException {
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String targetName = json.currentName();
      if (json.nextToken() != JsonToken.START_OBJECT) {
        json.skipChildren();
        continue;
      }
      Target target = targets.computeIfAbsent(targetName, n -> new Target(new HashSet<>(), new HashSet<>()));
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String library = json.currentName();
        target.listed().add(library);
        if (json.nextToken() != JsonToken.START_OBJECT) {
          json.skipChildren();
          continue;
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String section = json.currentName();
          JsonToken v = json.nextToken();
          boolean assets = section.equals("runtime") || section.equals("runtimeTargets")
              || section.equals("native");
          if (assets && v == JsonToken.START_OBJECT) {
            if (json.nextToken() == JsonToken.FIELD_NAME) {
              target.withAssets().add(library);
              json.nextToken();
              json.skipChildren();
              // the rest of the section
              while (json.nextToken() == JsonToken.FIELD_NAME) {
                json.nextToken();
                json.skipChildren();
              }
            }
          } else {
            json.skipChildren();
          }
        }
      }
    }
  }
}
