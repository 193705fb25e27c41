package io.meridian.runtime.bus;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.PemFiles;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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
    Path cert = PemFiles.readable(tls, "certFile", PemFiles.CERTIFICATE);
    Path key = PemFiles.privateKey(tls, "keyFile", "can pose as this process on the bus");
    Path ca = PemFiles.readable(tls, "caFile", PemFiles.CERTIFICATE);
    return new BusTls(cert, key, ca);
  }
}
