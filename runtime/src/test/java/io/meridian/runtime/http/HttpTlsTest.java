package io.meridian.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meridian.runtime.config.ConfigException;
import io.meridian.runtime.config.ConfigFiles;
import io.meridian.runtime.config.ConfigNode;
import io.meridian.runtime.config.Reload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTlsTest {

  private static final HttpTls FIRST = new HttpTls(Path.of("/etc/m/node.crt"), Path.of("/etc/m/node.key"),
      "a".repeat(64), "b".repeat(64));
  private static final HttpTls RENEWED = new HttpTls(FIRST.certFile(), FIRST.keyFile(), "c".repeat(64), "d".repeat(64));

  @TempDir
  Path dir;

  @Test
  void aCertificateRenewedInPlaceIsTakenLiveButHttpsOnOrOffWaitsForARestart() {
    Reload.Builder renewal = new Reload.Builder();
    assertThat(HttpTls.reload(renewal, Optional.of(FIRST), Optional.of(RENEWED))).contains(RENEWED);
    Reload<String> renewed = renewal.build("x");
    assertThat(renewed.applied()).singleElement().satisfies(c -> {
      assertThat(c.field()).isEqualTo("http.tls");
      assertThat(c.to()).contains("sha256 cccccccccccccccc").doesNotContain("dddd");
    });
    assertThat(renewed.needRestart()).isEmpty();

    Reload.Builder on = new Reload.Builder();
    assertThat(HttpTls.reload(on, Optional.empty(), Optional.of(FIRST))).isEmpty();
    assertThat(on.build("x").needRestart()).singleElement().satisfies(c -> assertThat(c.from()).startsWith("off"));

    Reload.Builder same = new Reload.Builder();
    assertThat(HttpTls.reload(same, Optional.of(FIRST), Optional.of(FIRST))).contains(FIRST);
    assertThat(same.build("x").changesNothing()).isTrue();
  }

  @Test
  void aKeyThatOthersCanReadOrAFileThatIsNoCertificateIsAConfigErrorNamingTheField() throws Exception {
    Path cert = Files.writeString(dir.resolve("node.crt"), "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
    Path key = Files.writeString(dir.resolve("node.key"), "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> HttpTls.read(http(cert, key))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("keyFile");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(HttpTls.read(http(cert, key))).hasValueSatisfying(t -> assertThat(t.certSha256()).hasSize(64));
    assertThatThrownBy(() -> HttpTls.read(http(key, key))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("certFile").hasMessageContaining("CERTIFICATE");
    assertThat(HttpTls.read(ConfigFiles.parse("agent.yaml", "http:\n  port: 1\n").object("http"))).isEmpty();
  }

  private static ConfigNode http(Path cert, Path key) throws ConfigException {
    return ConfigFiles.parse("agent.yaml", "http:\n  tls:\n    certFile: " + cert + "\n    keyFile: " + key + "\n")
        .object("http");
  }
}
