package dev.vigil.inventory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Extracts the header blobs from an rpm {@code rpmdb.sqlite} (rpm 4.16 and later: Fedora 33+,
 * RHEL/UBI 9, Amazon Linux 2023, CBL-Mariner/Azure Linux). Table {@code Packages(hnum, blob)} holds
 * one header per row.
 */
public final class RpmSqlite {

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private RpmSqlite() {}

  /** True when the bytes start with the SQLite file header. */
  public static boolean looksLike(byte[] file) {
    return file.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC);
  }

  /**
   * The header blobs in installation order (hnum).
   *
   * @throws MalformedDatabaseException when SQLite cannot read the file or it has no Packages table
   */
  public static List<byte[]> headerBlobs(byte[] file) {
    // sqlite-jdbc opens only files, so the image's bytes go to a private temporary file: created
    // with owner-only permissions because image content is not ours to expose to other local
    // users, and deleted in finally. It is opened read-only and immutable, so SQLite creates no
    // -wal/-shm/-journal files next to it (rpm databases use WAL mode).
    Path temp = null;
    try {
      temp = createPrivateTempFile();
      Files.write(temp, file);
      SQLiteConfig config = new SQLiteConfig();
      config.setReadOnly(true);
      config.setOpenMode(SQLiteOpenMode.OPEN_URI);
      String url = "jdbc:sqlite:file:" + temp.toAbsolutePath() + "?immutable=1";
      List<byte[]> blobs = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(url, config.toProperties());
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT blob FROM Packages ORDER BY hnum")) {
        while (rows.next()) {
          byte[] blob = rows.getBytes(1);
          if (blob == null) {
            throw new MalformedDatabaseException(
                "rpm sqlite database has a Packages row without blob");
          }
          blobs.add(blob);
        }
      }
      return blobs;
    } catch (SQLException e) {
      throw new MalformedDatabaseException(
          "rpm sqlite database is unreadable: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary copy of rpmdb.sqlite", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // Nothing sensible to do; the file is owner-only and in the temp directory.
        }
      }
    }
  }

  private static Path createPrivateTempFile() throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile(
          "vigil-rpmdb-",
          ".sqlite",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createTempFile("vigil-rpmdb-", ".sqlite");
  }
}
