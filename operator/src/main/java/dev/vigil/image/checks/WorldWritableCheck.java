package dev.vigil.image.checks;

import dev.vigil.api.Severity;
import dev.vigil.image.FileEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * VIG-IMG-003. Any process, whatever its uid, can change a world-writable file, or replace files in
 * a world-writable directory. Exempt: directories with the sticky bit (/tmp: users can only remove
 * their own files), symbolic links (their mode is always 0777 and means nothing) and device nodes
 * (/dev/null is meant to be 0666).
 */
final class WorldWritableCheck implements ImageCheck {

  @Override
  public String id() {
    return "VIG-IMG-003";
  }

  @Override
  public Severity defaultSeverity() {
    return Severity.Medium;
  }

  @Override
  public String title() {
    return "World-writable files or directories";
  }

  @Override
  public String remediation() {
    return "Remove write permission for others (chmod o-w), give writable directories the"
        + " sticky bit, or mount an emptyDir where the application must write.";
  }

  @Override
  public List<String> evaluate(ImageCheckContext context) {
    List<String> evidence = new ArrayList<>();
    for (FileEntry e : context.files().entries()) {
      if ((e.mode() & 0002) == 0) {
        continue;
      }
      switch (e.type()) {
        case FILE, HARDLINK ->
            evidence.add(Evidence.path(e.path()) + " (" + Evidence.mode(e.mode()) + ")");
        case DIRECTORY -> {
          if ((e.mode() & 01000) == 0) {
            evidence.add(
                Evidence.path(e.path()) + "/ (directory, " + Evidence.mode(e.mode()) + ")");
          }
        }
        default -> {}
      }
    }
    evidence.sort(null);
    return evidence;
  }
}
