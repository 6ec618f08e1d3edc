package dev.vigil.image;

/**
 * One path in an image's filesystem as a layer's tar entry describes it.
 *
 * @param path normalised, relative, no leading "/" or "./" (e.g. "usr/bin/su")
 * @param type regular file, directory, symlink, hard link or other
 * @param mode permission and special bits (setuid 04000, setgid 02000, sticky 01000, 0777)
 * @param uid owner user id
 * @param gid owner group id
 * @param size content size in bytes (0 for non-regular entries)
 * @param linkTarget target of a symbolic or hard link, else null
 * @param layerDigest digest of the layer blob that last wrote this path
 * @param layerIndex position of that layer in the manifest, 0 = base
 */
public record FileEntry(
    String path,
    Type type,
    int mode,
    long uid,
    long gid,
    long size,
    String linkTarget,
    String layerDigest,
    int layerIndex) {

  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    OTHER
  }

  public boolean isSetuid() {
    return (mode & 04000) != 0;
  }

  public boolean isSetgid() {
    return (mode & 02000) != 0;
  }

  public boolean isExecutable() {
    return type == Type.FILE && (mode & 0111) != 0;
  }

  /** The last path segment. */
  public String name() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
