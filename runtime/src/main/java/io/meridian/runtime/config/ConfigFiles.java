package io.meridian.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens YAML config files as {@link ConfigNode}s with errors that name the file and line. */
public final class ConfigFiles {

  private static final YAMLMapper YAML = new YAMLMapper();

  private ConfigFiles() {
  }

  public static ConfigNode open(Path path) throws ConfigException {
    String name = path.toString();
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(name, "", "no such file");
    } catch (IOException e) {
      throw new ConfigException(name, "", "cannot be read: " + e.getMessage());
    }
    return parse(name, text);
  }

  /** The parser's explanation on one line, without its echo of the source text. */
  private static String summary(String message) {
    StringBuilder out = new StringBuilder();
    for (String line : String.valueOf(message).split("\\R")) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0)) || line.startsWith("in '")) {
        continue;
      }
      out.append(out.length() == 0 ? "" : "; ").append(line.trim());
    }
    return out.toString();
  }

  public static ConfigNode parse(String name, String text) throws ConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new ConfigException(name, "", "is not valid YAML" + where + ": " + summary(e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(name, "", "is empty");
    }
    if (!root.isObject()) {
      throw new ConfigException(name, "", "must be a YAML mapping of settings at the top level");
    }
    return new ConfigNode(name, "", root);
  }
}
