package io.meridian.messages;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * The public half of the coordinators' leader key (Ed25519): what every process checks commands
 * and leader announcements against, so that holding the cluster's bus key (every agent's host
 * does) is not enough to command an agent or to raise its term. Its {@link #kid} (the first 8
 * bytes of the SHA-256 of its encoding, in hex) names it on the wire and in logs.
 */
public final class LeaderKey {

  static final String ALGORITHM = "Ed25519";

  private final PublicKey key;
  private final String kid;

  private LeaderKey(PublicKey key) {
    this.key = key;
    this.kid = HexFormat.of().formatHex(BusKey.sha256(key.getEncoded()), 0, 8);
  }

  /** From its X.509 SubjectPublicKeyInfo encoding (the body of a PEM {@code PUBLIC KEY}). */
  public static LeaderKey fromEncoded(byte[] encoded) {
    try {
      return new LeaderKey(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("is not an Ed25519 public key (" + e.getMessage() + ")");
    }
  }

  public static LeaderKey of(PublicKey key) {
    if (!key.getAlgorithm().equals(ALGORITHM) && !key.getAlgorithm().equals("EdDSA")) {
      throw new IllegalArgumentException("is a " + key.getAlgorithm() + " key, not an Ed25519 one");
    }
    return new LeaderKey(key);
  }

  public String kid() {
    return kid;
  }

  public byte[] encoded() {
    return key.getEncoded();
  }

  public boolean verify(byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (java.security.SignatureException malformed) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "leader key " + kid;
  }
}
