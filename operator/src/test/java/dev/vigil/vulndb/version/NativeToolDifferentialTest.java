package dev.vigil.vulndb.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares the schemes with the real tools on seeded random pairs: {@code dpkg
 * --compare-versions} for dpkg and rpm's Python binding ({@code rpm.labelCompare} on the
 * (epoch, version, release) that {@code rpm.ver} parses) for rpm. Each tool runs once, in one
 * process reading all pairs from standard input. Where a tool refuses a pair, at least one of
 * the two versions must be invalid here; for dpkg, {@code isValid} must also agree with whether
 * dpkg complained about the syntax. Skipped only when the tool is not installed (.ci/run
 * installs dpkg and python3-rpm).
 */
class NativeToolDifferentialTest {

  private static final int PAIRS = 2000;
  private static final String SYSTEM_PYTHON = "/usr/bin/python3";

  /**
   * Prints, per input line "a b": the relation ({@code <}, {@code =}, {@code >}, or {@code !}
   * when dpkg refuses a version) and 1 when dpkg complained about the syntax of either version
   * (error or warning), else 0.
   */
  private static final String DPKG_SCRIPT =
      """
      err=$(mktemp)
      trap 'rm -f "$err"' EXIT
      while read -r a b; do
        if dpkg --compare-versions -- "$a" lt "$b" 2>"$err"; then r='<'
        else
          rc=$?
          if [ "$rc" -ne 1 ]; then r='!'
          elif dpkg --compare-versions -- "$a" eq "$b" 2>/dev/null; then r='='
          else r='>'
          fi
        fi
        if [ -s "$err" ]; then m=1; else m=0; fi
        echo "$r $m"
      done
      """;

  private static final String RPM_SCRIPT =
      """
      import sys, rpm
      for line in sys.stdin:
          a, b = line.rstrip("\\n").split(" ")
          x, y = rpm.ver(a), rpm.ver(b)
          try:
              print(rpm.labelCompare((x.e, x.v, x.r), (y.e, y.v, y.r)))
          except ValueError:
              print("!")
      """;

  @TempDir Path tempDir;

  @Test
  void dpkgSchemeOrdersRandomPairsAsDpkgCompareVersions() throws Exception {
    Assumptions.assumeTrue(
        ReferenceTools.runs(List.of("dpkg", "--version")), "dpkg is not installed; .ci/run installs it");
    List<String[]> pairs = new RandomVersionPairs(20240611L).pairs(PAIRS);
    List<String> answers = ReferenceTools.answers(List.of("bash", "-c", DPKG_SCRIPT), pairs, tempDir);

    DpkgVersionScheme dpkg = DpkgVersionScheme.INSTANCE;
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    int complaints = 0;
    for (int k = 0; k < pairs.size(); k++) {
      String a = pairs.get(k)[0];
      String b = pairs.get(k)[1];
      String[] answer = answers.get(k).split(" ");
      boolean dpkgComplained = answer[1].equals("1");
      if (dpkgComplained) {
        complaints++;
      }
      boolean bothValid = dpkg.isValid(a) && dpkg.isValid(b);
      if (bothValid == dpkgComplained) {
        mismatches.add(
            a + " " + b + ": isValid " + dpkg.isValid(a) + "/" + dpkg.isValid(b)
                + " but dpkg complained=" + dpkgComplained);
      }
      if (answer[0].equals("!")) {
        continue;
      }
      compared++;
      String ours = ReferenceTools.relation(dpkg.compare(a, b));
      if (!ours.equals(answer[0])) {
        mismatches.add(a + " " + answer[0] + " " + b + " per dpkg, but " + ours + " here");
      }
    }
    System.out.printf(
        "dpkg differential: %d pairs, %d compared by dpkg, %d with syntax complaints%n",
        pairs.size(), compared, complaints);
    assertEquals(List.of(), mismatches, mismatches.size() + " disagreements with dpkg");
    assertTrue(compared > PAIRS / 3, "dpkg accepted only " + compared + " pairs");
  }

  @Test
  void rpmSchemeOrdersRandomPairsAsRpmLabelCompare() throws Exception {
    Assumptions.assumeTrue(
        ReferenceTools.runs(List.of(SYSTEM_PYTHON, "-c", "import rpm")),
        "python3-rpm is not installed for " + SYSTEM_PYTHON + "; .ci/run installs it");
    List<String[]> pairs = new RandomVersionPairs(19970101L).pairs(PAIRS);
    List<String> answers = ReferenceTools.answers(List.of(SYSTEM_PYTHON, "-c", RPM_SCRIPT), pairs, tempDir);

    RpmVersionScheme rpm = RpmVersionScheme.INSTANCE;
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (int k = 0; k < pairs.size(); k++) {
      String a = pairs.get(k)[0];
      String b = pairs.get(k)[1];
      String answer = answers.get(k).strip();
      if (answer.equals("!")) {
        // rpm refuses a label with an empty version; such a label is not valid here either.
        if (rpm.isValid(a) && rpm.isValid(b)) {
          mismatches.add(a + " " + b + ": rpm refused the pair but both are valid here");
        }
        continue;
      }
      compared++;
      String theirs = ReferenceTools.relation(Integer.parseInt(answer));
      String ours = ReferenceTools.relation(rpm.compare(a, b));
      if (!ours.equals(theirs)) {
        mismatches.add(a + " " + theirs + " " + b + " per rpm, but " + ours + " here");
      }
    }
    System.out.printf(
        "rpm differential: %d pairs, %d compared by rpm%n", pairs.size(), compared);
    assertEquals(List.of(), mismatches, mismatches.size() + " disagreements with rpm");
    assertTrue(compared > PAIRS / 2, "rpm accepted only " + compared + " pairs");
  }

}
