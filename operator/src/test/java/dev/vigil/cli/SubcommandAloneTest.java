package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `vigil SUBCOMMAND ...` builds only that subcommand's model (start-up time); what it prints
 * and returns must be what the full command line prints and returns.
 */
class SubcommandAloneTest {

  private record Result(int code, String out, String err) {}

  private static Result run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void aSubcommandBuiltAloneAnswersAsInTheFullCommandLine() {
    List<List<String>> cases = List.of(
        List.of("scan", "--help"),
        List.of("scan"),
        List.of("scan", "--no-such-option", "x"),
        List.of("scan", "-o", "xml", "example.com/a:1"),
        List.of("scan", "--version"),
        List.of("verify", "--help"),
        List.of("verify"),
        List.of("verify-bundle", "--help"),
        List.of("operator", "--help"),
        List.of("operator", "--http-port", "nope"));
    for (List<String> args : cases) {
      String[] argv = args.toArray(String[]::new);
      Result full = run(VigilCommand.commandLine(), argv);
      CommandLine alone = VigilCommand.commandLine(argv);
      assertEquals(1, alone.getSubcommands().size(), args + " builds one subcommand");
      Result result = run(alone, argv);
      assertEquals(full, result, String.join(" ", args));
    }
  }

  @Test
  void helpAndUnknownSubcommandsGetEverySubcommand() {
    for (String[] argv : new String[][] {{}, {"--help"}, {"help", "scan"}, {"nope"}}) {
      CommandLine cli = VigilCommand.commandLine(argv);
      assertEquals(VigilCommand.commandLine().getSubcommands().keySet(), cli.getSubcommands().keySet());
    }
    Result unknown = run(VigilCommand.commandLine(new String[] {"nope"}), "nope");
    assertNotEquals(0, unknown.code());
  }
}
