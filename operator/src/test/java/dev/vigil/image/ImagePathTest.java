package dev.vigil.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImagePathTest {

  @Test
  void entryNamesAreNormalised() {
    assertEquals("usr/bin/su", ImagePath.ofEntry("usr/bin/su"));
    assertEquals("usr/bin", ImagePath.ofEntry("./usr/bin/"));
    assertEquals("usr/lib/x", ImagePath.ofEntry("usr//lib/./y/../x"));
    assertEquals("", ImagePath.ofEntry("./"));
    assertEquals("", ImagePath.ofEntry("a/.."));
    assertEquals(".hidden/..dots", ImagePath.ofEntry(".hidden/..dots"));
  }

  @Test
  void absoluteAndEscapingEntryNamesAreRefused() {
    IllegalArgumentException absolute =
        assertThrows(IllegalArgumentException.class, () -> ImagePath.ofEntry("/etc/passwd"));
    assertEquals("absolute path in tar entry: /etc/passwd", absolute.getMessage());
    IllegalArgumentException escape =
        assertThrows(IllegalArgumentException.class, () -> ImagePath.ofEntry("a/../../b"));
    assertEquals("tar entry escapes the image root: a/../../b", escape.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImagePath.ofEntry(".."));
  }

  @Test
  void lookupsMayBeAbsoluteAndClampDotDotAtTheRoot() {
    assertEquals("etc/passwd", ImagePath.ofLookup("/etc/passwd"));
    assertEquals("etc/passwd", ImagePath.ofLookup("//etc/../../etc/passwd"));
    assertEquals("", ImagePath.ofLookup("/"));
    assertEquals("usr/bin", ImagePath.parent("usr/bin/su"));
    assertEquals("", ImagePath.parent("etc"));
    assertEquals("su", ImagePath.name("usr/bin/su"));
    assertEquals("etc/x", ImagePath.child("etc", "x"));
    assertEquals("x", ImagePath.child("", "x"));
  }
}
