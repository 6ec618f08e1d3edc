package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.FileEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * VIG-IMG-004. An executable on the PATH that belongs to a non-root uid can be rewritten by any
 * process running as that uid, and the next caller (a shell, an exec probe, a root sidecar) runs
 * the rewritten code. Binaries in system directories should belong to root.
 */
final class NonRootExecutablesCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-004";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Low;
  }

  @Override
  public String title() {
    return "Executables in binary directories not owned by root";
  }

  @Override
  public String remediation() {
    return "Copy binaries as root (COPY --chown=0:0, chmod 0755) and give the application user"
        + " write access only to its data directories.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    for (String dir : BinaryLocator.directories(context)) {
      for (FileEntry e : context.fileSystem().children(dir)) {
        if (FileSystemView.isExecutableFile(e) && e.uid() != 0) {
          evidence.add(Evidence.path(e.path()) + " (uid " + e.uid() + ")");
        }
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
