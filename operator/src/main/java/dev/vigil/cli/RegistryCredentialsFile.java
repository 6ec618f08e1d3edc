package dev.vigil.cli;

import dev.vigil.registry.RegistryCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Registry credentials for the CLI: a Docker config.json, as `docker login` writes it. */
final class RegistryCredentialsFile {

  private RegistryCredentialsFile() {}

  /** The given file, else ~/.docker/config.json when present, else no credentials. */
  static RegistryCredentials load(Path explicit, CommandLine cli) {
    Path file = explicit;
    if (file == null) {
      Path home = Path.of(System.getProperty("user.home"), ".docker", "config.json");
      if (!Files.isReadable(home)) {
        return RegistryCredentials.none();
      }
      file = home;
    }
    try {
      return RegistryCredentials.fromDockerConfigJson(Files.readAllBytes(file));
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(cli, "--registry-config " + file + ": " + e.getMessage());
    }
  }
}
