package io.meridian.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Certificate and key files named in a config: read once at load, so that a wrong path or file is a config error. */
public final class PemFiles {

  public static final String CERTIFICATE = "-----BEGIN CERTIFICATE-----";
  public static final String PRIVATE_KEY = "PRIVATE KEY-----";

  private PemFiles() {
  }

  /**
   * The path in {@code node.field}, once the file there reads and holds a PEM block ending in {@code marker}.
   *
   * @throws ConfigException naming the field, the file and what is wrong with it
   */
  public static Path readable(ConfigNode node, String field, String marker) throws ConfigException {
    Path file = Path.of(node.string(field));
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw node.error(field, "cannot read " + file + ": " + e);
    }
    if (!text.contains(marker)) {
      throw node.error(field, file + " is not a PEM file with a '" + marker.replace("-----", "")
          + "' block (make them with `meridian certs`)");
    }
    return file;
  }

  /** {@link #readable} for a private key, which must also be readable by its owner only. */
  public static Path privateKey(ConfigNode node, String field, String whatItGrants) throws ConfigException {
    Path key = readable(node, field, PRIVATE_KEY);
    try {
      PrivateFiles.requireOwnerOnly(key, whatItGrants);
    } catch (IllegalArgumentException | IOException e) {
      throw node.error(field, e.getMessage());
    }
    return key;
  }

  /**
   * SHA-256 of the file named in {@code node.field}: part of a TLS setting's value, so that files
   * renewed in place are a change that a reload sees.
   */
  public static String sha256(ConfigNode node, String field, Path file) throws ConfigException {
    try {
      return sha256(file);
    } catch (IOException e) {
      throw node.error(field, "cannot read " + file + ": " + e);
    }
  }

  public static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Every certificate of a PEM file as a trust anchor (a CA file holds two while the CA changes). */
  public static javax.net.ssl.TrustManagerFactory trusting(Path caFile) throws IOException, java.security.GeneralSecurityException {
    java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    store.load(null, null);
    int n = 0;
    try (java.io.InputStream in = Files.newInputStream(caFile)) {
      for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + n++, c);
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("the CA file " + caFile + " holds no certificate");
    }
    javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }}
