package io.meridian.cli.security;

import io.meridian.runtime.config.PrivateFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development CA and certificates it signs, for the event bus's mutual TLS: what
 * {@code meridian certs}, the demo and the compose stack make. EC P-256 keys (PKCS#8 PEM, mode
 * 0600), SHA-256 with ECDSA signatures; a node certificate is good for both ends of a
 * connection (server and client authentication) and names its hosts as subject alternative names.
 * BouncyCastle only builds the certificates; keys, signatures and parsing are the JDK's.
 */
public final class DevCertificates {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration NODE_VALIDITY = Duration.ofDays(825);

  private DevCertificates() {
  }

  /** What {@link #ensure} found or made. */
  public record Result(Path caCert, Path cert, Path key, boolean caMade, boolean certMade) {
  }

  /**
   * Makes {@code dir/ca.crt} and {@code ca.key} unless both exist, then {@code dir/<name>.crt}
   * and {@code <name>.key} for {@code hosts} (IP addresses or DNS names) unless both exist.
   * Throws {@link IllegalArgumentException} when only one file of a pair exists, or a host is
   * neither an address nor a name.
   */
  public static Result ensure(Path dir, String name, List<String> hosts) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+") || name.equals("ca")) {
      throw new IllegalArgumentException("the certificate name must be letters, digits, '.', '_' or '-' (not 'ca'), "
          + "got \"" + name + "\"");
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("name at least one host (the addresses the process's bus binds to)");
    }
    GeneralNames alternativeNames = alternativeNames(hosts);
    Files.createDirectories(dir);
    Path caCert = dir.resolve(CA_CERT);
    Path caKey = dir.resolve(CA_KEY);
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    try {
      boolean caMade = !pairExists(caCert, caKey);
      if (caMade) {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name("CN=Meridian development CA " + HexFormat.of().formatHex(random(4)));
        X509v3CertificateBuilder builder = builder(subject, subject, pair, CA_VALIDITY)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        write(caCert, caKey, sign(builder, pair.getPrivate()), pair.getPrivate());
      }
      boolean certMade = !pairExists(cert, key);
      if (certMade) {
        X509Certificate ca = readCertificate(caCert);
        PrivateKey signer = readKey(caKey);
        KeyPair pair = newKeyPair();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
            new X500Name("CN=" + name), pair, NODE_VALIDITY)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
            .addExtension(Extension.subjectAlternativeName, false, alternativeNames)
            .addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        write(cert, key, sign(builder, signer), pair.getPrivate());
      }
      return new Result(caCert, cert, key, caMade, certMade);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys or ECDSA signatures: " + e, e);
    }
  }

  private static boolean pairExists(Path cert, Path key) {
    boolean c = Files.exists(cert);
    boolean k = Files.exists(key);
    if (c != k) {
      throw new IllegalArgumentException((c ? key : cert) + " is missing while " + (c ? cert : key) + " exists: "
          + "remove the other one too to make a new pair, or restore it");
    }
    return c;
  }

  private static GeneralNames alternativeNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      if (host.matches("[0-9.]+") || host.contains(":")) {
        try {
          names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress()));
        } catch (IOException e) {
          throw new IllegalArgumentException("\"" + host + "\" is not an IP address");
        }
      } else if (host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      } else {
        throw new IllegalArgumentException("\"" + host + "\" is neither an IP address nor a host name");
      }
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(1, random(16)),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static void write(Path certFile, Path keyFile, X509Certificate cert, PrivateKey key)
      throws IOException, GeneralSecurityException {
    PrivateFiles.create(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
  }

  private static byte[] random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
