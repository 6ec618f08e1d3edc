package dev.vigil.signature;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One keyless signer identity: the OIDC issuer that vouched for the signer (exact match) and
 * the certificate subject (the SAN: an email, a URI such as a workflow reference), matched
 * exactly or by a regular expression that must match the whole subject.
 */
public final class Identity {

  private final String issuer;
  private final String subject;
  private final String subjectRegExp;
  private final Pattern subjectPattern;

  private Identity(String issuer, String subject, String subjectRegExp) {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("identity issuer is required");
    }
    boolean hasSubject = subject != null && !subject.isBlank();
    boolean hasRegExp = subjectRegExp != null && !subjectRegExp.isBlank();
    if (hasSubject == hasRegExp) {
      throw new IllegalArgumentException(
          "identity for issuer " + issuer + " needs exactly one of subject or subjectRegExp");
    }
    this.issuer = issuer;
    this.subject = hasSubject ? subject : null;
    this.subjectRegExp = hasRegExp ? subjectRegExp : null;
    try {
      this.subjectPattern = hasRegExp ? Pattern.compile(subjectRegExp) : null;
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "identity subjectRegExp is not a valid regular expression: " + e.getDescription(), e);
    }
  }

  public static Identity exact(String issuer, String subject) {
    return new Identity(issuer, subject, null);
  }

  public static Identity regExp(String issuer, String subjectRegExp) {
    return new Identity(issuer, null, subjectRegExp);
  }

  public String issuer() {
    return issuer;
  }

  /** The exact subject, or null when this identity uses {@link #subjectRegExp()}. */
  public String subject() {
    return subject;
  }

  /** The subject expression, or null when this identity uses {@link #subject()}. */
  public String subjectRegExp() {
    return subjectRegExp;
  }

  /**
   * True when a certificate's issuer and subject satisfy this identity. The expression is
   * anchored at both ends (a full match): "^...$" in a policy means the same with or without
   * the anchors, and an unanchored pattern cannot accidentally accept a longer subject.
   */
  public boolean matches(CertificateIdentity certificate) {
    if (!issuer.equals(certificate.issuer())) {
      return false;
    }
    String actual = certificate.subject();
    if (actual == null) {
      return false;
    }
    return subject != null ? subject.equals(actual) : subjectPattern.matcher(actual).matches();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Identity other
        && issuer.equals(other.issuer)
        && Objects.equals(subject, other.subject)
        && Objects.equals(subjectRegExp, other.subjectRegExp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuer, subject, subjectRegExp);
  }

  @Override
  public String toString() {
    return "issuer "
        + issuer
        + (subject != null ? " subject " + subject : " subject matching " + subjectRegExp);
  }
}
