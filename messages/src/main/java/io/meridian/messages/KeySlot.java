package io.meridian.messages;

import java.nio.charset.StandardCharsets;

/**
 * The hash slot Redis Cluster puts a key in: CRC16 (XMODEM) of the key, or of its hash tag (the
 * text between the first {@code {} and the next {@code }}, when not empty), modulo 16384. The
 * same answer as {@code CLUSTER KEYSLOT}, without a round trip (or a password). Pure.
 */
public final class KeySlot {

  private KeySlot() {
  }

  public static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(bytes, from, to) & (SlotRange.SLOTS - 1);
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection. */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return crc & 0xffff;
  }
}
