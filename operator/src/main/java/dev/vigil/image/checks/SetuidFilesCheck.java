package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.FileEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * VIG-IMG-002. A setuid or setgid executable runs with its owner's or group's rights whoever starts
 * it: the classic step from a compromised process to root. Directories are skipped: setgid on a
 * directory only makes new files inherit its group.
 */
final class SetuidFilesCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-002";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "Files with the setuid or setgid bit";
  }

  @Override
  public String remediation() {
    return "Remove the bits in the Dockerfile (RUN find / -xdev -perm /6000 -type f -exec chmod"
        + " a-s {} +) or remove the binaries; set allowPrivilegeEscalation: false in the pod's"
        + " securityContext.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    for (FileEntry e : context.files().entries()) {
      if (e.type() != FileEntry.Type.FILE && e.type() != FileEntry.Type.HARDLINK) {
        continue;
      }
      if (e.isSetuid() && e.isSetgid()) {
        evidence.add(Evidence.path(e.path()) + " (setuid, setgid)");
      } else if (e.isSetuid()) {
        evidence.add(Evidence.path(e.path()) + " (setuid)");
      } else if (e.isSetgid()) {
        evidence.add(Evidence.path(e.path()) + " (setgid)");
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
