package io.meridian.runtime.bus;

import io.meridian.messages.LeaderKey;
import io.meridian.messages.LeaderSigner;
import io.meridian.runtime.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

/**
 * The coordinators' leader key on disk, as PEM: the private half ({@code PRIVATE KEY}, PKCS#8,
 * mode 0600, on coordinators only) and the public half ({@code PUBLIC KEY}, on every process).
 * The same files {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} make;
 * {@code meridian keygen --leader}, the demo and the compose stack make them here.
 */
public final class LeaderKeys {

  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private LeaderKeys() {
  }

  /** A new pair: {@code privateFile} (mode 0600) and {@code publicFile}, neither of which may exist. */
  public static LeaderKey generate(Path privateFile, Path publicFile) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM", e);
    }
    if (Files.exists(publicFile)) {
      throw new java.nio.file.FileAlreadyExistsException(publicFile.toString());
    }
    PrivateFiles.create(privateFile, pem(PRIVATE, pair.getPrivate().getEncoded()));
    if (publicFile.getParent() != null) {
      Files.createDirectories(publicFile.getParent());
    }
    Files.writeString(publicFile, pem(PUBLIC, pair.getPublic().getEncoded()), java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE);
    return LeaderKey.of(pair.getPublic());
  }

  /** Reads a public key file; throws {@link IllegalArgumentException} saying what is wrong with it. */
  public static LeaderKey readPublic(Path file) throws IOException {
    try {
      return publicFromText(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
  }

  /** A public key from PEM text (an environment variable's). */
  public static LeaderKey publicFromText(String pem) {
    return LeaderKey.fromEncoded(body(pem, PUBLIC));
  }

  /** A private key from PEM text, paired with the one of {@code accepted} that is its public half. */
  public static LeaderSigner privateFromText(String pem, List<LeaderKey> accepted) {
    return LeaderSigner.pairing(body(pem, PRIVATE), accepted);
  }

  /**
   * Reads a private key file, which must be readable by its owner only, and pairs it with the one
   * of {@code accepted} that is its public half.
   */
  public static LeaderSigner readPrivate(Path file, List<LeaderKey> accepted) throws IOException {
    String text = Files.readString(file);
    PrivateFiles.requireOwnerOnly(file, "can command every agent as the leader");
    try {
      return privateFromText(text, accepted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " " + e.getMessage(), e);
    }
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] body(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("is not a PEM file with a '" + label + "' block (make a pair with "
          + "`meridian keygen --leader --out leader.key`)");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a '" + label + "' block that is not base64");
    }
  }
}
