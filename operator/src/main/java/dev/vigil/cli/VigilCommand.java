package dev.vigil.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The vigil command line: the operator and the tools that share its engines. */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    versionProvider = VigilVersion.class,
    description = "Keeps watch over the container images a Kubernetes cluster runs.")
public class VigilCommand implements Runnable {

  /**
   * The subcommands by name, in the order help lists them. Added in code rather than in the
   * annotation so that a run builds the model (reflection over every option) of the one
   * subcommand it runs: a cold `vigil scan` need not analyse the operator's 40 options.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("operator", OperatorCommand::new);
    SUBCOMMANDS.put("scan", ScanCommand::new);
    SUBCOMMANDS.put("verify", VerifyCommand::new);
    SUBCOMMANDS.put("verify-bundle", VerifyBundleCommand::new);
    SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int exit = commandLine(args).execute(args);
    stopHttpClientSelectors();
    System.exit(exit);
  }

  /**
   * Ends the selector threads of the JDK HTTP clients (vulnerability data downloads). At exit
   * the JVM waits at least 300 ms for every thread that is inside native code, and a selector
   * thread always is (waiting in epoll). Java 17's HttpClient has no close(); its selector loop
   * ends when the thread is interrupted. Only called when the command is done.
   */
  static void stopHttpClientSelectors() {
    stopHttpClientSelectors(thread -> true);
  }

  /** {@link #stopHttpClientSelectors()} for the selector threads {@code which} accepts. */
  static void stopHttpClientSelectors(Predicate<Thread> which) {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() * 2 + 16];
    int count = root.enumerate(threads, true);
    for (int i = 0; i < count; i++) {
      Thread thread = threads[i];
      if (isHttpClientSelector(thread) && which.test(thread)) {
        thread.interrupt();
        try {
          thread.join(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static boolean isHttpClientSelector(Thread thread) {
    return thread.getName().startsWith("HttpClient-") && thread.getName().endsWith("-SelectorManager");
  }

  /** The configured command line with every subcommand, also used by tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new VigilCommand());
    SUBCOMMANDS.values().forEach(command -> cli.addSubcommand(command.get()));
    return cli;
  }

  /**
   * The command line for these arguments: with only the subcommand they name when their first
   * argument names one other than help, which behaves exactly as in {@link #commandLine()}
   * (its options, help, errors and exit codes are its own); else every subcommand.
   */
  static CommandLine commandLine(String[] args) {
    if (args.length == 0 || args[0].equals("help") || !SUBCOMMANDS.containsKey(args[0])) {
      return commandLine();
    }
    CommandLine cli = new CommandLine(new VigilCommand());
    cli.addSubcommand(SUBCOMMANDS.get(args[0]).get());
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
