package dev.vigil.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest; "dev" when run from classes. */
public final class VigilVersion implements IVersionProvider {

  public static String version() {
    String v = VigilVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"vigil " + version()};
  }
}
