package dev.vigil.inventory.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.inventory.ApplicationPackage;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * PHP packages (Packagist) Composer installed, from {@code <vendor-dir>/composer/installed.json}:
 * Composer 1 writes a bare array of packages, Composer 2 an object whose {@code packages} holds
 * them. Every entry is on disk, dev packages included ({@code dev-package-names} only marks them),
 * so all are reported, with name and version as written ({@code v1.8.1} keeps its {@code v}; the
 * Packagist ordering drops it, and names are matched case-insensitively). composer.lock is not
 * read (a lock file: resolved, not installed). The document is streamed.
 */
public final class ComposerInstalledReader implements LanguagePackageReader {

  public static final String ECOSYSTEM = "Packagist";

  /** A large application's installed.json is a few MiB. */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  @Override
  public String name() {
    return "composer-installed";
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public boolean wants(String path, int mode, long size) {
    return path.endsWith("/installed.json") && ManifestInput.parentName(path, 1).equals("composer");
  }

  @Override
  public PackageEvidence read(String path, InputStream content, long size) throws IOException {
    String shown = ManifestInput.shown(path);
    if (size > MAX_BYTES) {
      return ManifestInput.problem(ManifestInput.overCap(path, size, MAX_BYTES, "installed.json"));
    }
    List<ApplicationPackage> packages = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try (JsonParser json = ManifestInput.json(content)) {
      JsonToken first = json.nextToken();
      if (first == JsonToken.START_ARRAY) {
        readPackages(json, shown, packages, problems);
      } else if (first == JsonToken.START_OBJECT) {
        boolean sawPackages = false;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          String field = json.currentName();
          if (json.nextToken() == JsonToken.START_ARRAY && field.equals("packages")) {
            sawPackages = true;
            readPackages(json, shown, packages, problems);
          } else {
            json.skipChildren();
          }
        }
        if (!sawPackages) {
          problems.add(shown + ": installed.json has no \"packages\" array");
        }
      } else {
        return ManifestInput.problem(
            shown + ": installed.json holds neither a package array (Composer 1) nor an object"
                + " (Composer 2)");
      }
      if (json.nextToken() != null) {
        return ManifestInput.problem(shown + ": installed.json has content after its JSON value");
      }
    } catch (JsonProcessingException e) {
      return ManifestInput.problem(ManifestInput.notJson(path, e, "installed.json"));
    } catch (CharConversionException e) {
      return ManifestInput.problem(ManifestInput.notText(path, e, "installed.json"));
    }
    return new PackageEvidence(packages, problems);
  }

  private static void readPackages(
      JsonParser json, String shown, List<ApplicationPackage> packages, List<String> problems)
      throws IOException {
    int index = 0;
    while (json.nextToken() != JsonToken.END_ARRAY) {
      if (json.currentToken() != JsonToken.START_OBJECT) {
        json.skipChildren();
        problems.add(shown + ": installed.json entry " + index + " is not an object; skipped");
        index++;
        continue;
      }
      String name = null;
      String version = null;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (field.equals("name") && value == JsonToken.VALUE_STRING) {
          name = json.getText().trim();
        } else if (field.equals("version") && value == JsonToken.VALUE_STRING) {
          version = json.getText().trim();
        } else {
          json.skipChildren();
        }
      }
      if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
        problems.add(
            shown + ": installed.json entry " + index
                + (name == null || name.isEmpty() ? " has no name" : " (" + name + ") has no version")
                + "; skipped");
      } else {
        packages.add(new ApplicationPackage(ECOSYSTEM, name, version, shown, null));
      }
      index++;
    }
  }
}
