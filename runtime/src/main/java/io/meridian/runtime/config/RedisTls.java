package io.meridian.runtime.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to Redis ({@code redis.tls}): the CA the nodes' certificates are signed by and, for nodes
 * that require client certificates ({@code tls-auth-clients yes}, Redis's default), the
 * certificate and key Meridian presents. Every connection Meridian opens to a node then speaks
 * TLS: the agent's probe and admin connections, the coordinators' reachability check, bootstrap
 * and direct-mode scaling. A node's certificate is checked against the CA, not against a host
 * name (agents reach their nodes on loopback; the CA is the trust, as on the bus).
 *
 * @param caFile   the CA certificate(s) (PEM) the nodes' certificates must be signed by
 * @param certFile Meridian's client certificate (PEM), with {@code keyFile}
 * @param keyFile  its key (PEM), readable by the owner only
 */
public record RedisTls(Path caFile, Optional<Path> certFile, Optional<Path> keyFile) {

  public RedisTls {
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
  }

  /** {@code node.tls}, if set: {@code caFile}, and {@code certFile} with {@code keyFile} or neither. */
  public static Optional<RedisTls> read(ConfigNode node) throws ConfigException {
    if (!node.has("tls")) {
      return Optional.empty();
    }
    ConfigNode tls = node.object("tls");
    Path ca = PemFiles.readable(tls, "caFile", PemFiles.CERTIFICATE);
    if (tls.has("certFile") != tls.has("keyFile")) {
      throw tls.error(tls.has("certFile") ? "keyFile" : "certFile", "is needed with "
          + (tls.has("certFile") ? "certFile" : "keyFile") + ": the client certificate and its key go together (or "
          + "leave both out for nodes with tls-auth-clients no)");
    }
    Optional<Path> cert = Optional.empty();
    Optional<Path> key = Optional.empty();
    if (tls.has("certFile")) {
      cert = Optional.of(PemFiles.readable(tls, "certFile", PemFiles.CERTIFICATE));
      key = Optional.of(PemFiles.privateKey(tls, "keyFile", "can connect to every Redis node as Meridian"));
    }
    RedisTls read = new RedisTls(ca, cert, key);
    try {
      read.sslContext();
    } catch (IllegalArgumentException e) {
      throw tls.error("caFile", e.getMessage());
    }
    return Optional.of(read);
  }

  /**
   * The managers that check a node's certificate against {@code caFile}; they follow the file
   * ({@link RenewingTlsFiles}): a CA replaced in place is used from the next connection on.
   */
  public TrustManagerFactory trustManagers() {
    try {
      return RenewingTlsFiles.trust(caFile);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the Redis CA file " + caFile + " does not load: " + rootMessage(e), e);
    }
  }

  /**
   * The managers that present the client certificate, when there is one; they follow the two
   * files, like {@link #trustManagers()}.
   */
  public Optional<KeyManagerFactory> keyManagers() {
    if (certFile.isEmpty()) {
      return Optional.empty();
    }
    Path cert = certFile.get();
    Path key = keyFile.get();
    try {
      return Optional.of(RenewingTlsFiles.keys(cert, key, () -> {
        for (javax.net.ssl.KeyManager m : new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(cert)))
            .setKeyValue(Buffer.buffer(Files.readAllBytes(key))).getKeyManagerFactory(null).getKeyManagers()) {
          if (m instanceof javax.net.ssl.X509ExtendedKeyManager x) {
            return x;
          }
        }
        throw new IllegalStateException("no X.509 key manager for " + cert);
      }));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the Redis client certificate " + cert + " with key " + key
          + " does not load: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage());
  }

  /** A context for plain sockets (a start-up PING): the same trust and client certificate. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers().map(KeyManagerFactory::getKeyManagers).orElse(null),
          trustManagers().getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("no TLS context from " + this + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TLS (CA " + caFile + certFile.map(c -> ", client certificate " + c).orElse(", no client certificate")
        + ")";
  }

}
