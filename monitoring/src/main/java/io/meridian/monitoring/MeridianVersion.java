package io.meridian.monitoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Meridian this process runs, written into the build (not read from a jar's
 * manifest, so that tests and every packaging agree): what {@code meridian_build_info},
 * {@code /health} and {@code meridian --version} say.
 */
public final class MeridianVersion {

  private static final String CURRENT = read();

  private MeridianVersion() {
  }

  public static String current() {
    return CURRENT;
  }

  private static String read() {
    try (InputStream in = MeridianVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the meridian-monitoring build");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isBlank() || v.startsWith("${")) {
        throw new IllegalStateException("version.properties was not filtered by the build: " + v);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
