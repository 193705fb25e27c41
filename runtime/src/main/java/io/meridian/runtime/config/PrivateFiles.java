package io.meridian.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold a secret (a key): readable by their owner only, and written that way. */
public final class PrivateFiles {

  private PrivateFiles() {
  }

  /**
   * Throws {@link IllegalArgumentException} saying what an attacker could do with it when
   * {@code file} is readable by group or others; nothing to check on a non-POSIX file system.
   *
   * @param consequence what whoever reads the file can do, e.g. "can command every agent"
   */
  public static void requireOwnerOnly(Path file, String consequence) throws IOException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalArgumentException(file + " is readable by other users (" + PosixFilePermissions.toString(perms)
            + "): whoever reads it " + consequence + "; chmod 600 it");
      }
    } catch (UnsupportedOperationException notPosix) {
      // Nothing to check on a file system without POSIX modes.
    }
  }

  /**
   * The first line of {@code file}, stripped ("" when the file is empty), after checking it is
   * readable by its owner only as {@link #requireOwnerOnly} does: how a secret kept in a file
   * (a Redis password) is read, by whoever writes it and whoever uses it.
   */
  public static String firstLine(Path file, String consequence) throws IOException {
    requireOwnerOnly(file, consequence);
    return Files.readString(file).lines().findFirst().orElse("").strip();
  }

  /** Creates {@code file} (which must not exist) with mode 0600 and writes {@code text} into it. */
  public static void create(Path file, String text) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, text);
  }
}
