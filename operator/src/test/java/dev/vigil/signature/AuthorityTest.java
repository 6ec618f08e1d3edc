package dev.vigil.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorityTest {

  private static final String ISSUER = "https://token.actions.githubusercontent.com";

  @Test
  void keylessAuthorityWithoutIdentitiesIsInvalid() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new KeylessAuthority("ci", List.of(), null));
    assertEquals("keyless authority ci lists no identities; at least one issuer+subject is required",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new KeylessAuthority("ci", null, null));
  }

  @Test
  void identityNeedsAnIssuerAndExactlyOneSubjectForm() {
    assertThrows(IllegalArgumentException.class, () -> Identity.exact("", "a@b.c"));
    assertThrows(IllegalArgumentException.class, () -> Identity.exact(ISSUER, " "));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> Identity.regExp(ISSUER, "(unclosed"));
    assertTrue(bad.getMessage().startsWith("identity subjectRegExp is not a valid regular expression"));
  }

  @Test
  void subjectRegExpIsAnchored() {
    Identity identity = Identity.regExp(ISSUER, "https://github\\.com/acme/.+@refs/tags/v.+");
    assertTrue(identity.matches(new CertificateIdentity(
        "https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1", ISSUER)));
    assertFalse(identity.matches(new CertificateIdentity(
        "https://evil.example/?https://github.com/acme/web@refs/tags/v1", ISSUER)));
    assertFalse(identity.matches(new CertificateIdentity(
        "https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1", "https://other")));
  }

  @Test
  void keyAuthorityAcceptsEcdsaRsaAndEd25519Keys() throws Exception {
    for (String[] spec : new String[][] {{"EC", "secp256r1"}, {"EC", "secp384r1"}, {"RSA", null}, {"Ed25519", null}}) {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(spec[0]);
      if (spec[1] != null) {
        generator.initialize(new ECGenParameterSpec(spec[1]));
      } else if (spec[0].equals("RSA")) {
        generator.initialize(2048);
      }
      var pair = generator.generateKeyPair();
      KeyAuthority authority = new KeyAuthority("k", TestSigstore.pem(pair.getPublic()), false, null);
      byte[] data = "payload".getBytes();
      byte[] signature = TestSigstore.sign(pair.getPrivate(), data);
      assertTrue(PublicKeys.verify(authority.publicKey(), data, signature), spec[0]);
      assertFalse(PublicKeys.verify(authority.publicKey(), "other".getBytes(), signature), spec[0]);
    }
  }

  @Test
  void unusableKeysAreRejectedWithTheReason() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    IllegalArgumentException shortRsa =
        assertThrows(IllegalArgumentException.class,
            () -> new KeyAuthority("k", TestSigstore.pem(rsa.generateKeyPair().getPublic()), false, null));
    assertEquals("authority k: RSA key of 1024 bits is too short (minimum 2048)", shortRsa.getMessage());
    IllegalArgumentException notPem =
        assertThrows(IllegalArgumentException.class, () -> new KeyAuthority("k", "hello", false, null));
    assertEquals("authority k: no PEM PUBLIC KEY block found", notPem.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new KeyAuthority(" ", "hello", false, null));
  }

  @Test
  void fingerprintChangesWithWhatAffectsVerification() {
    String pem = TestSigstore.pem(TestSigstore.ecKey().getPublic());
    KeyAuthority a = new KeyAuthority("k", pem, false, null);
    assertEquals(a.fingerprint(), new KeyAuthority("k", pem, false, null).fingerprint());
    assertFalse(a.fingerprint().equals(new KeyAuthority("k", pem, true, null).fingerprint()));
    KeylessAuthority b = new KeylessAuthority("ci", List.of(Identity.exact(ISSUER, "x")), null);
    assertFalse(b.fingerprint().equals(
        new KeylessAuthority("ci", List.of(Identity.exact(ISSUER, "y")), null).fingerprint()));
  }
}
