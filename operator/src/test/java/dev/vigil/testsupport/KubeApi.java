package dev.vigil.testsupport;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver and etcd (fabric8 kube-api-test), started once per test JVM and shared by
 * every test class; each test works in namespaces of its own ({@link #createNamespace}).
 *
 * <p>{@link #shared()} is the plain API server: no controllers, no kubelet, so nothing acts on
 * what tests create. {@link #withControllerManager()} is a second server with
 * kube-controller-manager beside it, for tests that need Deployments to make ReplicaSets and Pods,
 * garbage collection by owner references, and namespaces that finish deleting.
 *
 * <p>The Kubernetes version is one property of the suite: {@code -Dkubernetes.version=1.31.0}
 * (Maven) reaches here as {@code vigil.kubernetesVersion}; empty means whatever kube-api-test finds
 * ({@code $KUBE_API_TEST_API_SERVER_VERSION}, the newest in its directory, or a download).
 */
public final class KubeApi {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static KubeApi shared;
  private static KubeApi withControllers;

  private final KubeAPIServer server;
  private final String kubeconfigYaml;
  private final Path kubeconfigFile;
  private final Config adminConfig;
  private final KubernetesClient admin;
  private Process controllerManager;
  private boolean crdsInstalled;

  private KubeApi() {
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withApiServerFlag("--bind-address", "127.0.0.1")
        .withUpdateKubeConfig(false);
    String version = System.getProperty("vigil.kubernetesVersion", "");
    if (!version.isBlank()) {
      config.withApiServerVersion(version.trim());
    }
    server = new KubeAPIServer(config.build());
    server.start();
    kubeconfigYaml = server.getKubeConfigYaml();
    try {
      kubeconfigFile = Files.createTempFile("vigil-admin-", ".kubeconfig");
      Files.writeString(kubeconfigFile, kubeconfigYaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    adminConfig = Config.fromKubeconfig(kubeconfigYaml);
    admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "kube-api-stop"));
  }

  /** The plain shared API server (no controllers). */
  public static synchronized KubeApi shared() {
    if (shared == null) {
      shared = new KubeApi();
    }
    return shared;
  }

  /**
   * A second shared API server with kube-controller-manager running against it. Skips the test
   * where no kube-controller-manager binary is found (kube-api-test's downloads do not include
   * one); {@code .ci/run} installs one and sets {@code VIGIL_KUBE_CONTROLLER_MANAGER}, and a
   * variable naming a missing binary fails instead of skipping.
   */
  public static synchronized KubeApi withControllerManager() {
    Path binary = controllerManagerBinary();
    if (binary == null) {
      Assumptions.abort("no kube-controller-manager: set VIGIL_KUBE_CONTROLLER_MANAGER or put it beside"
          + " kube-api-test's kube-apiserver ($KUBE_API_TEST_DIR/k8s/<version>/)");
    }
    if (withControllers == null) {
      KubeApi api = new KubeApi();
      api.startControllerManager(binary);
      withControllers = api;
    }
    return withControllers;
  }

  /** The kube-controller-manager binary: $VIGIL_KUBE_CONTROLLER_MANAGER, else beside kube-api-test's binaries. */
  static Path controllerManagerBinary() {
    String env = System.getenv("VIGIL_KUBE_CONTROLLER_MANAGER");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("VIGIL_KUBE_CONTROLLER_MANAGER=" + env + " is not an executable");
      }
      return p;
    }
    String dir = System.getenv("KUBE_API_TEST_DIR");
    Path k8s = (dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".kubeapitest")
        : Path.of(dir)).resolve("k8s");
    if (!Files.isDirectory(k8s)) {
      return null;
    }
    String version = System.getProperty("vigil.kubernetesVersion", "");
    try (Stream<Path> versions = Files.list(k8s)) {
      return versions
          .filter(v -> version.isBlank() || v.getFileName().toString().startsWith(version.trim() + "-"))
          .map(v -> v.resolve("kube-controller-manager"))
          .filter(Files::isExecutable)
          .sorted()
          .reduce((a, b) -> b)
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private void startControllerManager(Path binary) {
    try {
      Path log = Files.createTempFile("kube-controller-manager-", ".log");
      controllerManager = new ProcessBuilder(binary.toString(),
          "--kubeconfig=" + kubeconfigFile,
          "--controllers=*",
          "--use-service-account-credentials=false",
          "--leader-elect=false",
          "--secure-port=0")
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cluster admin (system:masters): for test set-up only, never for the operator under test. */
  public KubernetesClient admin() {
    return admin;
  }

  public Config adminConfig() {
    return adminConfig;
  }

  public String kubeconfigYaml() {
    return kubeconfigYaml;
  }

  /** The admin kubeconfig as a file, e.g. for kubectl. */
  public Path kubeconfigFile() {
    return kubeconfigFile;
  }

  public String masterUrl() {
    return adminConfig.getMasterUrl();
  }

  /**
   * Applies the committed CRDs in {@code crds/} (server-side apply) once per server and waits
   * until they are Established. The API server is the judge: a CRD it rejects fails here.
   */
  public synchronized KubeApi withCrds() {
    if (crdsInstalled) {
      return this;
    }
    List<CustomResourceDefinition> crds = committedCrds();
    for (CustomResourceDefinition crd : crds) {
      admin.resource(crd).fieldManager("vigil-tests").forceConflicts().serverSideApply();
    }
    for (CustomResourceDefinition crd : crds) {
      admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
    crdsInstalled = true;
    return this;
  }

  /** The CRDs committed in {@code crds/}. */
  public static List<CustomResourceDefinition> committedCrds() {
    try (Stream<Path> files = Files.list(ProjectFiles.root().resolve("crds"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-v1.yml")).sorted().map(p -> {
        try (InputStream in = Files.newInputStream(p)) {
          return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a namespace with a unique name starting with the prefix, and returns its name. */
  public String createNamespace(String prefix) {
    String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    String name = base.replaceAll("-+$", "") + "-" + NAMESPACES.incrementAndGet();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels("vigil.dev/test", "true").endMetadata().build()).create();
    return name;
  }

  /** A token for the ServiceAccount from the TokenRequest API, valid for an hour. */
  public String serviceAccountToken(String namespace, String serviceAccount) {
    TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
    TokenRequest issued = admin.serviceAccounts().inNamespace(namespace).withName(serviceAccount)
        .tokenRequest(request);
    return issued.getStatus().getToken();
  }

  /** A client that authenticates as the ServiceAccount (bearer token, the server's CA). */
  public KubernetesClient clientAs(String namespace, String serviceAccount) {
    return new KubernetesClientBuilder().withConfig(configAs(namespace, serviceAccount)).build();
  }

  public Config configAs(String namespace, String serviceAccount) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(adminConfig.getMasterUrl())
        .withCaCertData(caCertData())
        .withOauthToken(serviceAccountToken(namespace, serviceAccount))
        .withNamespace(namespace)
        .build();
  }

  /** The API server's CA certificate, base64 PEM (kube-api-test's kubeconfig may name a file). */
  public String caCertData() {
    if (adminConfig.getCaCertData() != null) {
      return adminConfig.getCaCertData();
    }
    try {
      return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(adminConfig.getCaCertFile())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A kubeconfig file holding only the ServiceAccount's token, as a pod would have. */
  public Path kubeconfigAs(String namespace, String serviceAccount) throws IOException {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: test
          context: {cluster: test, user: %s, namespace: %s}
        current-context: test
        """.formatted(adminConfig.getMasterUrl(), caCertData(), serviceAccount,
        serviceAccountToken(namespace, serviceAccount), serviceAccount, namespace);
    Path file = Files.createTempFile("vigil-" + serviceAccount + "-", ".kubeconfig");
    Files.writeString(file, yaml);
    file.toFile().deleteOnExit();
    return file;
  }

  /** kubectl against this server as admin; returns stdout, fails on a non-zero exit. */
  public String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfigFile.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + err);
    }
    return new String(out);
  }

  private void stop() {
    if (controllerManager != null) {
      controllerManager.destroy();
      try {
        if (!controllerManager.waitFor(5, TimeUnit.SECONDS)) {
          controllerManager.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    admin.close();
    server.stop();
    new File(kubeconfigFile.toString()).delete();
  }
}
