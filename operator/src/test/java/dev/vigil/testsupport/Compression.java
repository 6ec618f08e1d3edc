package dev.vigil.testsupport;

/** How a test layer's tar stream is compressed in its blob. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD
}
