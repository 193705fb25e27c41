package io.meridian.runtime.bus;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.PrivateFiles;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mutual TLS on the event bus: this process's certificate and key (PEM) and the CA that every
 * peer's certificate must be signed by. Each connection between two processes is then encrypted,
 * and a process without a certificate from that CA cannot deliver a single frame. Peers are not
 * checked against a host name (Vert.x's clustered bus connects by address): the CA is the trust.
 *
 * @param certFile this process's certificate chain (PEM)
 * @param keyFile  its private key (PEM, PKCS#8 or PKCS#1/SEC1), readable by the owner only
 * @param caFile   the CA certificate(s) peers must be signed by (PEM)
 */
public record BusTls(Path certFile, Path keyFile, Path caFile) {

  /** Sets {@code options} up for mutual TLS with these files. */
  public void apply(EventBusOptions options) {
    options.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString()));
  }

  @Override
  public String toString() {
    return "mutual TLS (certificate " + certFile + ", CA " + caFile + ")";
  }

  static BusTls read(ConfigNode tls) throws ConfigException {
    Path cert = readable(tls, "certFile", "-----BEGIN CERTIFICATE-----");
    Path key = readable(tls, "keyFile", "PRIVATE KEY-----");
    try {
      PrivateFiles.requireOwnerOnly(key, "can pose as this process on the bus");
    } catch (IllegalArgumentException | IOException e) {
      throw tls.error("keyFile", e.getMessage());
    }
    Path ca = readable(tls, "caFile", "-----BEGIN CERTIFICATE-----");
    return new BusTls(cert, key, ca);
  }

  private static Path readable(ConfigNode tls, String field, String marker) throws ConfigException {
    Path file = Path.of(tls.string(field));
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw tls.error(field, "cannot read " + file + ": " + e);
    }
    if (!text.contains(marker)) {
      throw tls.error(field, file + " is not a PEM file with a '" + marker.replace("-----", "")
          + "' block (make them with `meridian certs`)");
    }
    return file;
  }
}
