package io.meridian.runtime.bus;

import io.meridian.runtime.config.PemFiles;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Checks bus TLS files before they are used, and has a running event bus take new ones.
 *
 * <p>Vert.x builds the clustered event bus's TCP server and client from the JSON form of its
 * options and offers no call to renew their certificates; yet both are a plain {@link NetServer}
 * and {@link NetClient}, whose public {@code updateSSLOptions} does exactly that for new
 * connections. They are reached in the two fields of Vert.x's {@code ClusteredEventBus} that hold
 * them (decision 015); {@code BusTlsReloadIT} fails should a Vert.x upgrade rename them, and a
 * renewal then fails with a message that says to restart instead.
 */
public final class BusTlsRenewal {

  private static final List<String> KEY_TYPES = List.of("EC", "RSA", "EdDSA", "Ed25519");

  private BusTlsRenewal() {
  }

  /**
   * Loads the three files the way the bus will and checks that the key is the certificate's: a
   * pair that does not match would fail every handshake later, with a vaguer error.
   *
   * @throws IllegalArgumentException saying which file does not load and why
   */
  public static void check(BusTls tls) {
    try {
      // Values, not paths: Vert.x reads key paths through an instance, which a check at start precedes;
      // with values it parses the PEM (PKCS#8, PKCS#1, SEC 1) on its own.
      KeyManager[] keys = new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(tls.certFile())))
          .setKeyValue(Buffer.buffer(Files.readAllBytes(tls.keyFile()))).getKeyManagerFactory(null).getKeyManagers();
      requireKeyMatchesCertificate((X509KeyManager) keys[0], tls);
      PemFiles.trusting(tls.caFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("the bus TLS files of " + tls + " do not read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("the bus certificate " + tls.certFile() + " with key " + tls.keyFile()
          + " and CA " + tls.caFile() + " does not load: " + e, e);
    }
  }

  /**
   * Has the event bus of {@code vertx} present {@code next}'s certificate and check peers against
   * its CA file on every connection it accepts or opens from now on; connections already open keep
   * the session they began with until they close. Fails, the material in force kept, when the
   * files do not load.
   */
  public static Future<Void> renew(Vertx vertx, BusTls next) {
    NetServer server;
    NetClient client;
    try {
      check(next);
      server = field(vertx.eventBus(), "server", NetServer.class);
      client = field(vertx.eventBus(), "client", NetClient.class);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e);
    }
    PemKeyCertOptions keyCert;
    PemTrustOptions trust;
    try {
      // The files' contents, not their paths: Vert.x keeps a TLS context per distinct options, and
      // a client given the same paths again would be handed the context of the files' old contents.
      keyCert = new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(next.certFile())))
          .setKeyValue(Buffer.buffer(Files.readAllBytes(next.keyFile())));
      trust = new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(next.caFile())));
    } catch (IOException e) {
      return Future.failedFuture(new IllegalArgumentException("the bus TLS files of " + next + " do not read: "
          + e.getMessage(), e));
    }
    // As the bus's own client: peers are trusted by CA, not by host name.
    ClientSSLOptions clientSide = new ClientSSLOptions().setKeyCertOptions(keyCert).setTrustOptions(trust)
        .setHostnameVerificationAlgorithm("");
    ServerSSLOptions serverSide = new ServerSSLOptions().setKeyCertOptions(keyCert).setTrustOptions(trust)
        .setClientAuth(ClientAuth.REQUIRED);
    return server.updateSSLOptions(serverSide, true)
        .compose(s -> client.updateSSLOptions(clientSide, true))
        .<Void>mapEmpty()
        .recover(err -> Future.failedFuture(new IllegalArgumentException("the event bus did not take " + next + ": "
            + err.getMessage(), err)));
  }



  private static void requireKeyMatchesCertificate(X509KeyManager keys, BusTls tls) throws GeneralSecurityException {
    for (String type : KEY_TYPES) {
      String[] aliases = keys.getServerAliases(type, null);
      if (aliases == null || aliases.length == 0) {
        continue;
      }
      PrivateKey key = keys.getPrivateKey(aliases[0]);
      X509Certificate[] chain = keys.getCertificateChain(aliases[0]);
      byte[] probe = "meridian bus key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(signatureFor(key));
      sign.initSign(key);
      sign.update(probe);
      Signature verify = Signature.getInstance(signatureFor(key));
      verify.initVerify(chain[0].getPublicKey());
      verify.update(probe);
      if (!verify.verify(sign.sign())) {
        throw new IllegalArgumentException("the bus key " + tls.keyFile() + " is not the key of the certificate "
            + tls.certFile() + ": give the pair made together (`meridian certs` writes NAME.crt and NAME.key)");
      }
      return;
    }
    throw new IllegalArgumentException("the bus key file " + tls.keyFile() + " holds no EC, RSA or Ed25519 key for "
        + "the certificate " + tls.certFile());
  }

  private static String signatureFor(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
  }

  private static <T> T field(Object bus, String name, Class<T> type) {
    for (Class<?> c = bus.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        Object value = f.get(bus);
        if (type.isInstance(value)) {
          return type.cast(value);
        }
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        break;
      }
    }
    throw new IllegalStateException("this Vert.x version's event bus (" + bus.getClass().getName() + ") has no "
        + type.getSimpleName() + " '" + name + "' to give new TLS files to: restart the process to take them");
  }
}
