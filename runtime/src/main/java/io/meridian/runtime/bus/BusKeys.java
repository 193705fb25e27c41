package io.meridian.runtime.bus;

import io.meridian.messages.BusKey;
import io.meridian.messages.Seal;
import io.meridian.runtime.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The cluster's bus key on disk: one line of base64 holding 32 random bytes, readable by its
 * owner only. {@code meridian keygen}, the demo and the benchmarks make them here; every process
 * reads them here.
 */
public final class BusKeys {

  private BusKeys() {
  }

  /** Writes a new random key to {@code file} (which must not exist), mode 0600. */
  public static BusKey generate(Path file) throws IOException {
    byte[] secret = new byte[BusKey.MIN_BYTES];
    new SecureRandom().nextBytes(secret);
    PrivateFiles.create(file, Base64.getEncoder().encodeToString(secret) + "\n");
    return new BusKey(secret);
  }

  /**
   * Reads a key file. Throws {@link IllegalArgumentException} with the reason when the file is
   * readable by group or others (whoever reads it can command every agent) or does not hold a key.
   */
  public static BusKey read(Path file) throws IOException {
    String text = Files.readString(file);
    PrivateFiles.requireOwnerOnly(file, "can command every agent");
    try {
      return Seal.keyFromText(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
  }
}
