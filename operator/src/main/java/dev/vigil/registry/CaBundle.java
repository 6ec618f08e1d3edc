package dev.vigil.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** An SSLContext trusting the JDK's CAs plus the certificates of a PEM bundle. */
final class CaBundle {

  private CaBundle() {}

  /**
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  static SSLContext sslContext(Path pemFile) {
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(pemFile)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read CA bundle " + pemFile + ": " + e.getMessage(), e);
    }
    if (extra.isEmpty()) {
      throw new IllegalArgumentException("CA bundle " + pemFile + " holds no PEM certificate");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (X509Certificate anchor : defaultTrustAnchors()) {
        trust.setCertificateEntry("jdk-" + i++, anchor);
      }
      i = 0;
      for (Certificate certificate : extra) {
        trust.setCertificateEntry("bundle-" + i++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build TLS context with CA bundle " + pemFile, e);
    }
  }

  private static X509Certificate[] defaultTrustAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
