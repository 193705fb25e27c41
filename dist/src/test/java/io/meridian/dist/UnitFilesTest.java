package io.meridian.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Given the systemd units shipped in {@code systemd/}, then each runs its role through the
 * launcher as the dedicated user, restarts on failure, reloads with SIGHUP, stops within a bound
 * and is confined (systemd itself checks them in {@code SystemdUnitsIT}).
 */
class UnitFilesTest {

  @ParameterizedTest
  @ValueSource(strings = {"agent", "coordinator"})
  void unitRunsItsRoleAsADaemonShould(String role) throws IOException {
    List<String> lines = Files.readAllLines(Archive.SOURCES.resolve("systemd").resolve("meridian-" + role + ".service"));
    assertThat(lines).contains(
        "ExecStart=/opt/meridian/bin/meridian " + role + " --config /etc/meridian/" + role + ".yaml",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "User=meridian",
        "Group=meridian",
        "Restart=on-failure",
        "TimeoutStopSec=20s",
        "EnvironmentFile=-/etc/meridian/meridian.env",
        "LimitNOFILE=65536",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/meridian/" + role,
        "StateDirectory=meridian/" + role,
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
        "WantedBy=multi-user.target");
  }
}
