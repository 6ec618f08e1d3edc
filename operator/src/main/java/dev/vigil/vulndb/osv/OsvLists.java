package dev.vigil.vulndb.osv;

import java.util.ArrayList;
import java.util.List;

/** Normalises the optional JSON arrays of OSV records: absent or null becomes empty. */
final class OsvLists {
  private OsvLists() {}

  /** An unmodifiable copy without null elements (JSON arrays may contain nulls). */
  static <T> List<T> orEmpty(List<T> list) {
    if (list == null || list.isEmpty()) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(list.size());
    for (T element : list) {
      if (element != null) {
        copy.add(element);
      }
    }
    return List.copyOf(copy);
  }
}
