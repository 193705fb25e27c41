package io.meridian.messages;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A cluster key that signs bus messages with HMAC-SHA256. Its {@link #kid} (the first 8 bytes of
 * the key's SHA-256, in hex) names it on the wire and in logs, so that a receiver holding two keys
 * during a rotation knows which one to check, and an operator can tell which key a sender uses;
 * the key itself never appears anywhere.
 */
public final class BusKey {

  /** Shorter keys are refused: 256 bits, the size of the HMAC's own hash. */
  public static final int MIN_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec secret;
  private final String kid;

  public BusKey(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a bus key must be at least " + MIN_BYTES + " bytes, got " + secret.length);
    }
    this.secret = new SecretKeySpec(secret, ALGORITHM);
    this.kid = HexFormat.of().formatHex(sha256(secret), 0, 8);
  }

  public String kid() {
    return kid;
  }

  public byte[] sign(byte[] data) {
    try {
      // Mac instances are not thread-safe and cost about a microsecond to get: one per call.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  /** Constant-time comparison, so that timing does not reveal how much of a forged signature was right. */
  public boolean verify(byte[] data, byte[] signature) {
    return MessageDigest.isEqual(sign(data), signature);
  }

  @Override
  public String toString() {
    return "bus key " + kid;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
