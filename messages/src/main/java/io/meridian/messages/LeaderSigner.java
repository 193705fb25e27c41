package io.meridian.messages;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * The private half of the leader key, held by coordinators only: it signs the commands they send
 * as leader and their leader announcements ({@link Seal}). The JDK cannot derive an Ed25519 public
 * key from a private one, so a signer is made from the private key and the public keys the process
 * accepts, and pairs with the one its signatures verify against.
 */
public final class LeaderSigner {

  private final PrivateKey key;
  private final LeaderKey publicKey;

  private LeaderSigner(PrivateKey key, LeaderKey publicKey) {
    this.key = key;
    this.publicKey = publicKey;
  }

  /**
   * The signer for {@code encoded} (PKCS#8, the body of a PEM {@code PRIVATE KEY}), paired with
   * the one of {@code accepted} it signs for.
   *
   * @throws IllegalArgumentException when it is no Ed25519 key, or none of {@code accepted} is its public half
   */
  public static LeaderSigner pairing(byte[] encoded, List<LeaderKey> accepted) {
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(LeaderKey.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(encoded));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("is not an Ed25519 private key (" + e.getMessage() + ")");
    }
    byte[] probe = BusKey.utf8("meridian-leader-key-pairing");
    byte[] signature = sign(key, probe);
    return accepted.stream().filter(k -> k.verify(probe, signature)).findFirst()
        .map(k -> new LeaderSigner(key, k))
        .orElseThrow(() -> new IllegalArgumentException("is not the private key of any accepted leader public key "
            + accepted.stream().map(LeaderKey::kid).toList() + ": list its public half too"));
  }

  public LeaderKey publicKey() {
    return publicKey;
  }

  public byte[] sign(byte[] data) {
    return sign(key, data);
  }

  private static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signer = Signature.getInstance(LeaderKey.ALGORITHM);
      signer.initSign(key);
      signer.update(data);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "leader signer " + publicKey.kid();
  }
}
