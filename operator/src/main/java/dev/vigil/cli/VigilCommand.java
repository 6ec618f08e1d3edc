package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The vigil command line: the operator and the tools that share its engines. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilVersion.class,
    description = "Keeps watch over the container images a Kubernetes cluster runs.",
    subcommands = {OperatorCommand.class, ScanCommand.class, VerifyCommand.class, VerifyBundleCommand.class,
        CommandLine.HelpCommand.class})
public class VigilCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new VigilCommand());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
