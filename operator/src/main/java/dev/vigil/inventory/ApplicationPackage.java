package dev.vigil.inventory;

/**
 * One language (application) package found in an image, as the matcher needs it.
 *
 * @param ecosystem the OSV ecosystem: {@code Maven}, {@code PyPI}, {@code npm}, {@code Go}, {@code
 *     crates.io}, {@code NuGet}, {@code Packagist} or {@code RubyGems} (see {@link
 *     LanguageEcosystems})
 * @param name the name as the ecosystem writes it: Maven {@code groupId:artifactId}, npm with its
 *     scope ({@code @scope/name}), Go the module path ({@code stdlib} for the standard library),
 *     Packagist {@code vendor/package}; the matcher normalises it per ecosystem
 * @param version the installed version as found (Go with or without {@code v}, the standard
 *     library as {@code go1.22.1} or {@code 1.22.1})
 * @param path where in the image the package was found (the jar, the dist-info directory, the
 *     binary, the package.json), so that two copies are two findings
 * @param layerDigest the layer that added that file, may be null
 */
public record ApplicationPackage(
    String ecosystem, String name, String version, String path, String layerDigest) {}
