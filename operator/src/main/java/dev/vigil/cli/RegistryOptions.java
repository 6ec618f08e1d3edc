package dev.vigil.cli;

import dev.vigil.registry.Platform;
import dev.vigil.registry.RegistryClient;
import dev.vigil.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How the command-line tools reach registries: platform, plain-HTTP hosts, credentials. */
final class RegistryOptions {

  @Option(names = "--platform", defaultValue = "linux/amd64",
      description = "Platform to pick from an index (default: ${DEFAULT-VALUE}).")
  String platform;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Registries to reach over plain HTTP (loopback registries always are).")
  Set<String> insecureRegistries = Set.of();

  @Option(names = "--registry-config", paramLabel = "FILE",
      description = "Docker config.json with registry credentials (default: ~/.docker/config.json if present).")
  Path registryConfig;

  Platform platform(CommandLine cli) {
    try {
      return Platform.parse(platform);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cli, "--platform " + e.getMessage());
    }
  }

  RegistryClient client(CommandLine cli) {
    return new RegistryClient(RegistryClientConfig.builder()
        .defaultPlatform(platform(cli))
        .insecureRegistries(insecureRegistries)
        .credentials(RegistryCredentialsFile.load(registryConfig, cli))
        .userAgent("vigil/" + VigilVersion.version())
        .build());
  }
}
