package io.meridian.runtime.config;

import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust and key managers over PEM files that follow the files: every TLS handshake first looks
 * whether a file changed (modification time, size, file identity) and, if so, reads it again.
 * Rotating Redis certificates is then replacing the files in place; the next connection uses
 * them, with no restart and no signal. Connections already open keep the session they have. A
 * changed file that does not load (half written, wrong key) is logged once and the previous
 * material stays in use, so a bad rotation step never cuts Meridian off its nodes.
 */
public final class RenewingTlsFiles {

  private static final Logger LOG = LoggerFactory.getLogger(RenewingTlsFiles.class);

  /** Reads the material of some files; throws with the reason when they do not load. */
  @FunctionalInterface
  public interface Loader<T> {
    T load() throws Exception;
  }

  private RenewingTlsFiles() {
  }

  /**
   * Trust in the CA certificates of {@code caFile}, re-read when it changes.
   *
   * @throws IllegalArgumentException when the file does not load now
   */
  public static TrustManagerFactory trust(Path caFile) {
    Renewing<X509ExtendedTrustManager> current = new Renewing<>("Redis CA file", List.of(caFile), () -> {
      for (TrustManager m : PemFiles.trusting(caFile).getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK offered no X.509 trust manager");
    });
    TrustManager manager = new Trust(current);
    return new SimpleTrustManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore) {
      }

      @Override
      protected void engineInit(ManagerFactoryParameters params) {
      }

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return new TrustManager[] {manager};
      }
    };
  }

  /**
   * The certificate of {@code certFile} with the key of {@code keyFile}, re-read when either
   * changes.
   *
   * @throws IllegalArgumentException when they do not load now
   */
  public static KeyManagerFactory keys(Path certFile, Path keyFile, Loader<X509ExtendedKeyManager> loader) {
    return new KeyManagerFactoryWrapper(new Keys(new Renewing<>("Redis client certificate", List.of(certFile, keyFile),
        loader)));
  }

  /** What identifies a file's content without reading it. */
  private record Stamp(Object fileKey, long modifiedNanos, long size) {
    static Stamp of(Path file) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.fileKey(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size());
      } catch (IOException e) {
        return new Stamp(null, -1, -1);
      }
    }
  }

  /** The material of some files, as last loaded, and the files' stamps it was loaded from. */
  private static final class Renewing<T> {
    private final String what;
    private final List<Path> files;
    private final Loader<T> loader;
    private T material;
    private List<Stamp> loaded;
    private List<Stamp> refused;

    Renewing(String what, List<Path> files, Loader<T> loader) {
      this.what = what;
      this.files = List.copyOf(files);
      this.loader = loader;
      this.loaded = stamps();
      try {
        this.material = Objects.requireNonNull(loader.load());
      } catch (Exception e) {
        throw new IllegalArgumentException("the " + what + " " + files + " does not load: " + e.getMessage(), e);
      }
    }

    private List<Stamp> stamps() {
      List<Stamp> stamps = new ArrayList<>();
      files.forEach(f -> stamps.add(Stamp.of(f)));
      return stamps;
    }

    synchronized T get() {
      List<Stamp> now = stamps();
      if (now.equals(loaded) || now.equals(refused)) {
        return material;
      }
      try {
        material = Objects.requireNonNull(loader.load());
        loaded = now;
        refused = null;
        LOG.atInfo().addKeyValue("files", files.toString())
            .log("{} changed: new connections to Redis use it", what);
      } catch (Exception e) {
        refused = now;
        LOG.atWarn().addKeyValue("files", files.toString())
            .log("{} changed but does not load ({}): new connections to Redis keep the previous one", what,
                e.getMessage());
      }
      return material;
    }
  }

  private static final class Trust extends X509ExtendedTrustManager {
    private final Renewing<X509ExtendedTrustManager> current;

    Trust(Renewing<X509ExtendedTrustManager> current) {
      this.current = current;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      current.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      current.get().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      current.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      current.get().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      current.get().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      current.get().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return current.get().getAcceptedIssuers();
    }
  }

  private static final class Keys extends X509ExtendedKeyManager {
    private final Renewing<X509ExtendedKeyManager> current;

    Keys(Renewing<X509ExtendedKeyManager> current) {
      this.current = current;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return current.get().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return current.get().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return current.get().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return current.get().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return current.get().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return current.get().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current.get().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return current.get().getPrivateKey(alias);
    }
  }
}
