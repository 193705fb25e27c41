package io.meridian.runtime.config;

/** A config file that cannot be used: names the file, the field and what is wrong. */
public final class ConfigException extends Exception {

  private final String file;
  private final String field;

  public ConfigException(String file, String field, String reason) {
    super(file + (field.isEmpty() ? "" : ": field '" + field + "'") + ": " + reason, null, false, false);
    this.file = file;
    this.field = field;
  }

  public String file() {
    return file;
  }

  public String field() {
    return field;
  }
}
