package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.ImageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VIG-IMG-011. ADD with a URL downloads at build time with no integrity check: whatever the server
 * returned that day is in the image. ADD --checksum pins the content and is accepted.
 */
final class RemoteAddCheck implements ImageCheck {

  private static final Pattern REMOTE_ADD =
      Pattern.compile("\\bADD\\s+((?:--\\S+\\s+)*)\\[?\\s*\"?(?:https?|ftp)://");

  @Override
  public String id() {
    return "VIG-IMG-011";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "ADD from a remote URL";
  }

  @Override
  public String remediation() {
    return "Pin the content with ADD --checksum=sha256:... (BuildKit), or download in a RUN step"
        + " that verifies a checksum or signature.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    List<ImageConfig.HistoryEntry> history = context.config().history();
    for (int i = 0; i < history.size(); i++) {
      String command = history.get(i).createdBy();
      Matcher m = REMOTE_ADD.matcher(command);
      if (m.find() && !m.group(1).contains("--checksum=")) {
        evidence.add("history[" + i + "]: " + CommandSecrets.scan(command).redacted());
      }
    }
    return evidence;
  }
}
