package io.meridian.runtime.bus;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.PemFiles;
import io.meridian.runtime.config.Reload;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Mutual TLS on the event bus: this process's certificate and key (PEM) and the CA that every
 * peer's certificate must be signed by. Each connection between two processes is then encrypted,
 * and a process without a certificate from that CA cannot deliver a single frame. Peers are not
 * checked against a host name (Vert.x's clustered bus connects by address): the CA is the trust.
 * The digests of the three files at load are part of the value, so that files renewed in place
 * are a change that a reload takes ({@link BusTlsRenewal}).
 *
 * @param certFile   this process's certificate chain (PEM)
 * @param keyFile    its private key (PEM, PKCS#8 or PKCS#1/SEC1), readable by the owner only
 * @param caFile     the CA certificate(s) peers must be signed by (PEM)
 * @param certSha256 SHA-256 of the certificate file, shown in logs to tell renewals apart
 * @param keySha256  SHA-256 of the key file: compared, never shown
 * @param caSha256   SHA-256 of the CA file, shown in logs
 */
public record BusTls(Path certFile, Path keyFile, Path caFile, String certSha256, String keySha256, String caSha256) {

  /** These files as they are now. */
  public BusTls(Path certFile, Path keyFile, Path caFile) {
    this(certFile, keyFile, caFile, digest(certFile), digest(keyFile), digest(caFile));
  }

  /** Sets {@code options} up for mutual TLS with these files. */
  public void apply(EventBusOptions options) {
    options.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString()));
  }

  @Override
  public String toString() {
    return "mutual TLS (certificate " + certFile + ", sha256 " + certSha256.substring(0, 16) + "…; CA " + caFile
        + ", sha256 " + caSha256.substring(0, 16) + "…)";
  }

  static BusTls read(ConfigNode tls) throws ConfigException {
    Path cert = PemFiles.readable(tls, "certFile", PemFiles.CERTIFICATE);
    Path key = PemFiles.privateKey(tls, "keyFile", "can pose as this process on the bus");
    Path ca = PemFiles.readable(tls, "caFile", PemFiles.CERTIFICATE);
    return new BusTls(cert, key, ca, PemFiles.sha256(tls, "certFile", cert), PemFiles.sha256(tls, "keyFile", key),
        PemFiles.sha256(tls, "caFile", ca));
  }

  /**
   * Adds {@code bus.tls} to a reload plan: other files, or the same ones renewed in place, are
   * taken live (new connections use them); turning TLS on or off needs a restart, since every
   * peer would have to change at the same instant. Returns what is in force after the reload.
   */
  static Optional<BusTls> reload(Reload.Builder plan, Optional<BusTls> running, Optional<BusTls> loaded) {
    return plan.liveUnlessTurnedOnOrOff("bus.tls", running, loaded,
        tls -> tls.map(BusTls::toString).orElse("off (plain TCP)"));
  }

  private static String digest(Path file) {
    try {
      return PemFiles.sha256(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
