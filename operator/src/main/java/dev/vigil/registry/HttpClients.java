package dev.vigil.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;

/**
 * The JDK HTTP clients of one registry client: one for https, one for the plain-HTTP hosts
 * (loopback and configured insecure registries), each created on first use. A JDK client
 * loads the TLS stack and parses the CA certificates when it is created, even if it never
 * speaks TLS; a scan of a plain-HTTP registry (a CI job's local registry) need not pay that.
 * Redirects are followed by {@link HttpExecutor} hop by hop, so each hop picks its client by
 * its own scheme.
 */
final class HttpClients {

  private final RegistryClientConfig config;
  private final SSLContext tlsContext;
  private volatile HttpClient plain;
  private volatile HttpClient tls;

  /**
   * @throws IllegalArgumentException when the configured CA bundle cannot be read (checked
   *     here, not on the first https request)
   */
  HttpClients(RegistryClientConfig config) {
    this.config = config;
    this.tlsContext = config.caBundle() == null ? null : CaBundle.sslContext(config.caBundle());
  }

  HttpClient forUri(URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) ? plain() : tls();
  }

  private HttpClient plain() {
    HttpClient client = plain;
    if (client == null) {
      synchronized (this) {
        client = plain;
        if (client == null) {
          // A context that is never asked for an engine and so never loads the TLS stack:
          // this client only ever opens http:// connections.
          client = builder().sslContext(NoTls.CONTEXT).sslParameters(new SSLParameters()).build();
          plain = client;
        }
      }
    }
    return client;
  }

  private HttpClient tls() {
    HttpClient client = tls;
    if (client == null) {
      synchronized (this) {
        client = tls;
        if (client == null) {
          HttpClient.Builder builder = builder();
          if (tlsContext != null) {
            builder.sslContext(tlsContext);
          }
          client = builder.build();
          tls = client;
        }
      }
    }
    return client;
  }

  private HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER);
  }

  /** Refuses every TLS use; the plain-HTTP client never makes one. */
  private static final class NoTls extends SSLContextSpi {
    static final SSLContext CONTEXT = new SSLContext(new NoTls(), null, "none") {};

    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException("the plain-HTTP client does not speak TLS");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      throw new KeyManagementException("the plain-HTTP client does not speak TLS");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters();
    }
  }
}
