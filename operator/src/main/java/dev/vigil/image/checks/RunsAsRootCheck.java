package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.CapturedFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * VIG-IMG-001. USER decides the uid a container starts with unless the pod overrides it. A named
 * user is looked up in the image's /etc/passwd when that file was captured; a name the file does
 * not know fails at container start instead of running as root, so it is not reported here, and
 * without /etc/passwd a name cannot be judged.
 */
final class RunsAsRootCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-001";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "Image runs as root by default";
  }

  @Override
  public String remediation() {
    return "Add USER with a numeric non-zero uid (e.g. USER 10001:10001) to the Dockerfile and"
        + " set runAsNonRoot: true in the pod's securityContext.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    String user = context.config().config().user().strip();
    if (user.isEmpty()) {
      return List.of("USER not set: the container runs as uid 0");
    }
    int colon = user.indexOf(':');
    String name = colon < 0 ? user : user.substring(0, colon);
    if (name.isEmpty()) {
      return List.of("USER \"" + user + "\" names no user: the container runs as uid 0");
    }
    if (name.chars().allMatch(Character::isDigit)) {
      return new BigInteger(name).signum() == 0
          ? List.of("USER \"" + user + "\" is uid 0")
          : List.of();
    }
    if (name.equals("root")) {
      return List.of("USER \"" + user + "\" is uid 0");
    }
    Optional<String> uid = uidInPasswd(context, name);
    return uid.isPresent()
            && uid.get().chars().allMatch(Character::isDigit)
            && new BigInteger(uid.get()).signum() == 0
        ? List.of("USER \"" + user + "\" is uid 0 in /etc/passwd")
        : List.of();
  }

  private static Optional<String> uidInPasswd(ImageCheckContext context, String name) {
    Optional<CapturedFile> passwd = context.files().content(SensitiveFiles.PASSWD);
    if (passwd.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(passwd.get().content(), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 3 && fields[0].equals(name)) {
        return Optional.of(fields[2].strip());
      }
    }
    return Optional.empty();
  }
}
