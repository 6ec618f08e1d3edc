package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VIG-IMG-013. EXPOSE of remote-login ports (22 ssh, 23 telnet by default) means the image runs, or
 * expects to run, a login daemon: a second way in that bypasses kubectl's audit trail. Keys are
 * read as "port", "port/proto" or "from-to/proto"; keys that are not port numbers cannot name a
 * forbidden port and are skipped.
 */
final class ForbiddenPortsCheck implements ImageCheck {

  private static final Pattern PORT = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/\\w+)?");

  @Override
  public String id() {
    return "VIG-IMG-013";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "Forbidden port exposed";
  }

  @Override
  public String remediation() {
    return "Remove the EXPOSE and the daemon behind it; use kubectl exec or kubectl debug for"
        + " interactive access.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    Set<Integer> forbidden = context.settings().forbiddenPorts();
    List<int[]> hits = new ArrayList<>();
    List<String> keys = context.config().config().exposedPorts();
    for (int k = 0; k < keys.size(); k++) {
      Matcher m = PORT.matcher(keys.get(k).strip());
      if (!m.matches()) {
        continue;
      }
      int from = Integer.parseInt(m.group(1));
      int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
      for (int port : forbidden) {
        if (port >= from && port <= to) {
          hits.add(new int[] {from, k});
          break;
        }
      }
    }
    hits.sort(Comparator.<int[]>comparingInt(h -> h[0]).thenComparing(h -> keys.get(h[1])));
    return hits.stream().map(h -> keys.get(h[1])).toList();
  }
}
