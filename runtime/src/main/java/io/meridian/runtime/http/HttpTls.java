package io.meridian.runtime.http;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.PemFiles;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * HTTPS on a process's HTTP port ({@code http.tls}): its certificate chain and key (PEM). Clients
 * are not asked for a certificate: the API's mutating calls carry the operator token, which TLS
 * then keeps off the wire. The digests of both files at load are part of the value, so that a
 * reload after the files were renewed in place is a change the running server takes live.
 *
 * @param certSha256 SHA-256 of the certificate file, shown in logs to tell renewals apart
 * @param keySha256  SHA-256 of the key file: compared, never shown
 */
public record HttpTls(Path certFile, Path keyFile, String certSha256, String keySha256) {

  /** The {@code tls} object under {@code http}, when present. */
  public static Optional<HttpTls> read(ConfigNode http) throws ConfigException {
    if (!http.has("tls")) {
      return Optional.empty();
    }
    ConfigNode tls = http.object("tls");
    Path cert = PemFiles.readable(tls, "certFile", PemFiles.CERTIFICATE);
    Path key = PemFiles.privateKey(tls, "keyFile", "can pose as this process's HTTP API");
    return Optional.of(new HttpTls(cert, key, PemFiles.sha256(tls, "certFile", cert),
        PemFiles.sha256(tls, "keyFile", key)));
  }

  public PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString());
  }

  /** What a running server is given to take a renewed certificate without a restart. */
  public ServerSSLOptions serverOptions() {
    return new ServerSSLOptions().setKeyCertOptions(keyCert());
  }

  /**
   * Adds {@code http.tls} to a reload plan: other files, or the same ones renewed in place, are
   * taken live; turning HTTPS on or off needs a restart (the port would change protocol under its
   * clients). Returns what is in force after the reload.
   */
  public static Optional<HttpTls> reload(io.meridian.runtime.config.Reload.Builder plan, Optional<HttpTls> running,
      Optional<HttpTls> loaded) {
    return plan.liveUnlessTurnedOnOrOff("http.tls", running, loaded,
        tls -> tls.map(HttpTls::toString).orElse("off (plain HTTP)"));
  }

  /**
   * Has a running server take the certificate of a reload when it differs from the one in force
   * (other files, or the same renewed in place: read again either way); done at once when there is
   * nothing to take. Connections already open keep the certificate they began with. Fails, the old
   * pair still served, when the new one does not load.
   */
  public static io.vertx.core.Future<Void> renew(io.vertx.core.http.HttpServer server, Optional<HttpTls> running,
      Optional<HttpTls> next) {
    if (server == null || next.isEmpty() || running.isEmpty() || next.equals(running)) {
      return io.vertx.core.Future.succeededFuture();
    }
    return server.updateSSLOptions(next.get().serverOptions(), true).<Void>mapEmpty()
        .onSuccess(v -> LOG.atInfo().log("HTTPS now serves {} (was {})", next.get(), running.get()))
        .recover(err -> io.vertx.core.Future.failedFuture(new IllegalStateException("the HTTPS certificate "
            + next.get().certFile() + " with key " + next.get().keyFile() + " does not load: " + err.getMessage()
            + "; the one in force stays", err)));
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpTls.class);

  /** The scheme clients reach a server with {@code tls} on. */
  public static String scheme(Optional<HttpTls> tls) {
    return tls.isPresent() ? "https" : "http";
  }

  @Override
  public String toString() {
    return "HTTPS (certificate " + certFile + ", sha256 " + certSha256.substring(0, 16) + "…)";
  }
}
