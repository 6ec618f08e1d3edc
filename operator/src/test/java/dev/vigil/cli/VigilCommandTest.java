package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VigilCommandTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cli = VigilCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheSubcommands() {
    Result r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("operator"), r.out());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : VigilCommand.commandLine().getSubcommands().keySet()) {
      if (sub.equals("help")) {
        continue;
      }
      Result r = run(sub, "--help");
      assertEquals(0, r.code(), sub);
      assertTrue(r.out().startsWith("Usage: vigil " + sub), sub + ": " + r.out());
    }
  }

  @Test
  void operatorWithoutAReachableClusterPrintsOneLineAndExitsTwo() throws Exception {
    Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
    // A loopback port nothing listens on: connection refused at once, no traffic leaves the host.
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: none
          cluster: {server: "https://127.0.0.1:1"}
        contexts:
        - name: none
          context: {cluster: none, user: none}
        current-context: none
        users:
        - name: none
          user: {token: x}
        """);
    String previous = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", kubeconfig.toString());
    try {
      Result r = run("operator", "--connect-timeout=3s", "--http-port=0");
      assertEquals(OperatorCommand.EXIT_NO_CLUSTER, r.code());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("vigil: cannot reach the Kubernetes API server at https://127.0.0.1:1/"),
          r.err());
    } finally {
      if (previous == null) {
        System.clearProperty("kubeconfig");
      } else {
        System.setProperty("kubeconfig", previous);
      }
      Files.delete(kubeconfig);
    }
  }

  @Test
  void badVulnDbSettingIsAUsageErrorBeforeAnyClusterIsContacted() {
    Result r = run("operator", "--vulndb", "/no/such/osv/data");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--vulndb '/no/such/osv/data' is not 'osv.dev'"), r.err());
    assertTrue(!r.err().contains("cannot reach the Kubernetes API server"), r.err());
  }

  @Test
  void scanConcurrencyBelowOneIsAUsageErrorBeforeAnyClusterIsContacted() {
    Result r = run("operator", "--scan-concurrency=0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--scan-concurrency must be at least 1, got 0"), r.err());
    assertTrue(!r.err().contains("cannot reach the Kubernetes API server"), r.err());
  }

  @Test
  void unknownPatchStyleIsAUsageError() {
    Result r = run("operator", "--patch-style=merge");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--patch-style"), r.err());
  }
  @Test
  void webhookPortWithoutASecretIsAUsageErrorBeforeAnyClusterIsContacted() {
    Result r = run("operator", "--webhook-port=8090");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--webhook-port needs --webhook-secret NAMESPACE/NAME/KEY"), r.err());
  }

  @Test
  void webhookSecretMustNameNamespaceNameAndKey() {
    Result r = run("operator", "--webhook-port=8090", "--webhook-secret=vigil-system/webhook");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--webhook-secret expected NAMESPACE/NAME/KEY, got 'vigil-system/webhook'"), r.err());
  }
}
