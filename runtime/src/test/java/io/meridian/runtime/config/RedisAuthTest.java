package io.meridian.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisAuthTest {

  @TempDir
  Path dir;

  private static RedisAuth read(String yaml, Map<String, String> env) throws ConfigException {
    return RedisAuth.read(ConfigFiles.parse("agent.yaml", "redis:\n" + yaml).object("redis"), env);
  }

  @Test
  void aPasswordFileGivesItsFirstLineAndOnlyWhenTheOwnerAloneCanReadIt() throws Exception {
    Path file = Files.writeString(dir.resolve("redis.password"), "s3cret-from-file\nignored\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    RedisAuth auth = read("  user: meridian\n  passwordFile: " + file + "\n", Map.of());
    assertThat(auth.user()).contains("meridian");
    assertThat(auth.password()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo("s3cret-from-file"));

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> read("  passwordFile: " + file + "\n", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.passwordFile").hasMessageNotContaining("s3cret");
  }

  @Test
  void anEmptyOrMissingFileOrTwoSourcesAreConfigErrors() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> read("  passwordFile: " + empty + "\n", Map.of()))
        .hasMessageContaining("redis.passwordFile").hasMessageContaining("is empty");
    assertThatThrownBy(() -> read("  passwordFile: " + dir.resolve("absent") + "\n", Map.of()))
        .hasMessageContaining("redis.passwordFile").hasMessageContaining("absent");
    assertThatThrownBy(() -> read("  passwordEnv: P\n  passwordFile: " + empty + "\n", Map.of("P", "x")))
        .hasMessageContaining("keep one");
    assertThat(read("  passwordEnv: P\n", Map.of("P", "from-env")).password())
        .hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo("from-env"));
  }

  @Test
  void replicationMayHaveCredentialsOfItsOwnElseReplicasUseMeridians() throws Exception {
    RedisAuth shared = read("  user: meridian\n  passwordEnv: P\n", Map.of("P", "pw"));
    assertThat(shared.replicaUser()).contains("meridian");
    assertThat(shared.replicaPassword()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo("pw"));

    RedisAuth own = read("  user: meridian\n  passwordEnv: P\n  replication:\n    user: replica\n    passwordEnv: R\n",
        Map.of("P", "pw", "R", "replica-pw"));
    assertThat(own.replicaUser()).contains("replica");
    assertThat(own.replicaPassword()).hasValueSatisfying(p -> assertThat(p.reveal()).isEqualTo("replica-pw"));
    assertThat(own.replication().orElseThrow().toString()).isEqualTo("user replica, password ****");

    assertThatThrownBy(() -> read("  passwordEnv: P\n  replication:\n    user: replica\n", Map.of("P", "pw")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.replication")
        .hasMessageContaining("passwordEnv or passwordFile");
  }
}
