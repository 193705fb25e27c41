package io.meridian.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeySlotTest {

  @Test
  void theChecksumIsRedisClustersCrc16() {
    // The Redis Cluster specification: "The output of CRC16('123456789') is 0x31C3".
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeySlot.crc16(check, 0, check.length)).isEqualTo(0x31C3);
    assertThat(KeySlot.of("123456789")).isEqualTo(0x31C3 & 16383);
  }

  @Test
  void keysLandWhereClusterKeyslotPutsThem() {
    // As answered by CLUSTER KEYSLOT on redis-server 7.0.
    assertThat(KeySlot.of("foo")).isEqualTo(12182);
    assertThat(KeySlot.of("somekey")).isEqualTo(11058);
    assertThat(KeySlot.of("k0")).isEqualTo(8579);
    assertThat(KeySlot.of("k17")).isEqualTo(7050);
    assertThat(KeySlot.of("k0")).isEqualTo(KeySlot.of("{k0}.anything"));
    assertThat(KeySlot.of("{user1000}.following")).isEqualTo(KeySlot.of("{user1000}.followers"));
    // An empty tag does not count: the whole key is hashed.
    assertThat(KeySlot.of("{}k0")).isNotEqualTo(KeySlot.of("k0"));
    assertThat(KeySlot.of("{}k0")).isEqualTo(10160);
  }
}
