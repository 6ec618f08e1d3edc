package dev.vigil.inventory.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.inventory.ApplicationPackage;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * npm packages installed in {@code node_modules} trees, local and global ({@code
 * usr/lib/node_modules}, {@code usr/local/lib/node_modules}): one package per package root, that
 * is per {@code node_modules/<name>/package.json} or {@code node_modules/@scope/<name>/package.json}
 * below the LAST {@code node_modules} element of the path. So nested copies ({@code
 * express/node_modules/debug}) are reported per path, pnpm's store ({@code
 * .pnpm/<id>/node_modules/<name>}) counts, and helper manifests inside a package ({@code
 * rxjs/ajax/package.json}, Trivy #10607) do not.
 *
 * <p>Not read: a {@code package.json} outside {@code node_modules} (the image's own application;
 * its name is a project name, not a published package, and matching it by name invents
 * findings), lock files ({@code package-lock.json}, {@code yarn.lock}, {@code pnpm-lock.yaml}:
 * they list what was resolved, including dev and pruned packages, Trivy #1572) and npm's hidden
 * lock file {@code node_modules/.package-lock.json}: it describes the same tree the package.json
 * files do, so reading both would double every package, and npm itself ignores it when any
 * package folder is newer, so it can be stale where the package.json files cannot.
 *
 * <p>A manifest needs a name and a version (others are templates or test fixtures shipped in a
 * package); VS Code extension manifests ({@code engines.vscode} or {@code contributes}) and Unity
 * package manifests ({@code unity}) are not npm packages. A name npm would refuse is a problem.
 */
public final class NpmPackageReader implements LanguagePackageReader {

  public static final String ECOSYSTEM = "npm";

  /** Above any real manifest (the largest on npm are a few hundred KiB). */
  static final long MAX_BYTES = 4L * 1024 * 1024;

  // validate-npm-package-name: what encodeURIComponent leaves alone, with one "@scope/" allowed.
  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9._~!*'()-]+");

  @Override
  public String name() {
    return "npm";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return isPackageRoot(path);
  }

  /** Whether the path is the package.json of a package root below a node_modules directory. */
  static boolean isPackageRoot(String path) {
    if (!path.endsWith("/package.json")) {
      return false;
    }
    String[] parts = path.split("/");
    int last = -1;
    for (int i = parts.length - 2; i >= 0; i--) {
      if (parts[i].equals("node_modules")) {
        last = i;
        break;
      }
    }
    if (last < 0) {
      return false;
    }
    int below = parts.length - 2 - last; // directories between node_modules and package.json
    if (below == 1) {
      return isFolderName(parts[last + 1]) && !parts[last + 1].startsWith("@");
    }
    if (below == 2) {
      String scope = parts[last + 1];
      return scope.length() > 1 && scope.startsWith("@") && isFolderName(parts[last + 2])
          && !parts[last + 2].startsWith("@");
    }
    return false;
  }

  private static boolean isFolderName(String part) {
    // npm names never start with a dot; .bin, .pnpm, .cache are npm's own folders
    return !part.isEmpty() && !part.startsWith(".");
  }

  /** Whether npm would accept the name (URL-friendly characters, at most one scope). */
  static boolean isValidName(String name) {
    if (name.startsWith("@")) {
      int slash = name.indexOf('/');
      return slash > 1
          && NAME_PART.matcher(name.substring(1, slash)).matches()
          && NAME_PART.matcher(name.substring(slash + 1)).matches();
    }
    return NAME_PART.matcher(name).matches();
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    if (size > MAX_BYTES) {
      return ManifestInput.problem(ManifestInput.overCap(path, size, MAX_BYTES, "package.json"));
    }
    String name = null;
    String version = null;
    boolean vscode = false;
    boolean unity = false;
    try (JsonParser json = ManifestInput.json(content)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return ManifestInput.problem(
            ManifestInput.shown(path) + ": package.json does not hold a JSON object");
      }
      // Later duplicates win, as with JSON.parse in node.
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "name" -> name = value == JsonToken.VALUE_STRING ? json.getText().trim() : null;
          case "version" ->
              version = value == JsonToken.VALUE_STRING ? json.getText().trim() : null;
          case "unity" -> {
            unity = true;
            json.skipChildren();
          }
          case "contributes" -> {
            // VS Code's extension points; npm has no such field
            vscode = true;
            json.skipChildren();
          }
          case "engines" -> {
            if (value == JsonToken.START_OBJECT) {
              while (json.nextToken() == JsonToken.FIELD_NAME) {
                if (json.currentName().equals("vscode")) {
                  vscode = true;
                }
                json.nextToken();
                json.skipChildren();
              }
            } else {
              json.skipChildren();
            }
          }
          default -> json.skipChildren();
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        return ManifestInput.problem(
            ManifestInput.shown(path) + ": package.json has content after its JSON object");
      }
    } catch (JsonProcessingException e) {
      return ManifestInput.problem(ManifestInput.notJson(path, e, "package.json"));
    } catch (CharConversionException e) {
      return ManifestInput.problem(ManifestInput.notText(path, e, "package.json"));
    }
    if (name == null || name.isEmpty() || version == null || version.isEmpty() || vscode || unity) {
      return PackageEvidence.NONE;
    }
    if (!isValidName(name)) {
      return ManifestInput.problem(
          ManifestInput.shown(path) + ": package.json names \"" + name
              + "\", which is not a valid npm package name (only URL-friendly characters and one"
              + " @scope/ allowed); not listed");
    }
    return new PackageEvidence(
        List.of(new ApplicationPackage(ECOSYSTEM, name, version, ManifestInput.shown(path), null)),
        List.of());
  }
}
