package io.meridian.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given an empty directory, the CA and a certificate it signs are made once, valid, and never overwritten. */
class DevCertificatesTest {

  @TempDir
  Path dir;

  @Test
  void theCertificateIsSignedByTheCaNamesItsHostsAndServesBothEnds() throws Exception {
    DevCertificates.Result made = DevCertificates.ensure(dir, "node", List.of("10.77.0.11", "coordinator-1"));
    assertThat(made.caMade()).isTrue();
    assertThat(made.certMade()).isTrue();
    X509Certificate ca = DevCertificates.readCertificate(made.caCert());
    X509Certificate cert = DevCertificates.readCertificate(made.cert());
    cert.verify(ca.getPublicKey());
    ca.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(cert.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
        .containsExactly("10.77.0.11", "coordinator-1");
    assertThat(cert.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    for (Path key : List.of(dir.resolve("ca.key"), made.key())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    }
  }

  @Test
  void whatExistsIsKeptAndASecondCertificateUsesTheSameCa() throws Exception {
    DevCertificates.ensure(dir, "node", List.of("127.0.0.1"));
    String ca = Files.readString(dir.resolve("ca.crt"));
    String node = Files.readString(dir.resolve("node.crt"));
    DevCertificates.Result again = DevCertificates.ensure(dir, "node", List.of("127.0.0.1"));
    assertThat(again.caMade()).isFalse();
    assertThat(again.certMade()).isFalse();
    assertThat(Files.readString(dir.resolve("node.crt"))).isEqualTo(node);
    DevCertificates.Result other = DevCertificates.ensure(dir, "agent-2", List.of("10.0.0.2"));
    assertThat(other.certMade()).isTrue();
    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(ca);
    DevCertificates.readCertificate(other.cert()).verify(DevCertificates.readCertificate(other.caCert()).getPublicKey());
  }

  @Test
  void halfAPairOrABadHostIsRefusedWithTheReason() throws Exception {
    DevCertificates.ensure(dir, "node", List.of("127.0.0.1"));
    Files.delete(dir.resolve("node.key"));
    assertThatThrownBy(() -> DevCertificates.ensure(dir, "node", List.of("127.0.0.1")))
        .hasMessageContaining("node.key is missing while").hasMessageContaining("node.crt exists");
    assertThatThrownBy(() -> DevCertificates.ensure(dir, "x", List.of("not a host!")))
        .hasMessageContaining("neither an IP address nor a host name");
    assertThatThrownBy(() -> DevCertificates.ensure(dir, "ca", List.of("127.0.0.1"))).hasMessageContaining("not 'ca'");
  }
}
