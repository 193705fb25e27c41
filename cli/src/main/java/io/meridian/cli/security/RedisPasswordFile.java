package io.meridian.cli.security;

import io.meridian.runtime.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A file holding a generated Redis password (what {@code redis.passwordFile} and the spec's
 * {@code auth.passwordFile} read): 32 random bytes in base64url, so it needs no quoting in
 * redis.conf or a shell, on one line of a new file of mode 0600.
 */
public final class RedisPasswordFile {

  private RedisPasswordFile() {
  }

  /** Writes a new password to {@code file}, which must not exist. */
  public static void create(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    PrivateFiles.create(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
  }

  /**
   * Checks that an existing {@code file} can serve as one: owner-only, with a non-empty first line;
   * throws saying what is wrong otherwise, without the password.
   */
  public static void requireUsable(Path file) throws IOException {
    if (PrivateFiles.firstLine(file, "can use every Redis node of the cluster").isEmpty()) {
      throw new IOException(file + " is empty: its first line must be the password");
    }
  }
}
