package dev.vigil.cli;

import dev.vigil.scan.ScanProgress;
import java.io.PrintWriter;

/** Progress lines on stderr for layers big enough to make a person wait. */
final class StderrProgress implements ScanProgress {

  private static final long LARGE = 16L * 1024 * 1024;

  private final PrintWriter err;

  StderrProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void resolved(String reference, String manifestDigest, int layers) {
    line("scanning " + reference + " (" + manifestDigest + ", " + layers + " layers)");
  }

  @Override
  public void layerStarted(int index, int count, String digest, long compressedBytes) {
    if (compressedBytes >= LARGE) {
      line("  layer " + (index + 1) + "/" + count + " " + digest.substring(0, Math.min(19, digest.length()))
          + " " + (compressedBytes / (1024 * 1024)) + " MiB");
    }
  }

  private synchronized void line(String text) {
    err.println(text);
    err.flush();
  }
}
