package io.jrpcx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames recorded from the real Go rpcx (v1.9.1) in {@code /vectors}: {@code vectors.json}
 * describes each {@code NAME.bin}. Copied from the shared interop directory so tests run from a
 * plain clone.
 */
public final class Vectors {
  private static JsonNode root;
  private static final Map<String, Vector> BY_NAME = load();

  private Vectors() {}

  /** One recorded frame and its manifest entry. */
  public static final class Vector {
    public final String name;
    public final JsonNode manifest;
    public final byte[] bytes;

    Vector(String name, JsonNode manifest, byte[] bytes) {
      this.name = name;
      this.manifest = manifest;
      this.bytes = bytes;
    }

    public boolean isRequest() {
      return "request".equals(manifest.get("message_type").asText());
    }

    public String pair() {
      JsonNode p = manifest.get("pair");
      return p == null || p.isNull() ? null : p.asText();
    }

    public boolean deterministic() {
      return manifest.get("deterministic").asBoolean();
    }

    public int compressType() {
      return manifest.get("compress_type").asInt();
    }

    public boolean expectsNoResponse() {
      JsonNode n = manifest.get("expect_no_response");
      return n != null && n.asBoolean();
    }

    public byte[] payload() {
      return HexFormat.of().parseHex(manifest.get("payload_hex").asText());
    }

    public Map<String, String> metadata() {
      Map<String, String> m = new LinkedHashMap<>();
      for (JsonNode key : manifest.get("metadata_order")) {
        m.put(key.asText(), manifest.get("metadata").get(key.asText()).asText());
      }
      return m;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public static Vector get(String name) {
    Vector v = BY_NAME.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no vector named " + name);
    }
    return v;
  }

  /** The whole manifest, {@code vectors.json}, as recorded. */
  public static JsonNode manifest() {
    return root;
  }

  public static List<Vector> all() {
    return new ArrayList<>(BY_NAME.values());
  }

  private static Map<String, Vector> load() {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/vectors.json")) {
      if (in == null) {
        throw new IllegalStateException("test resource /vectors/vectors.json is missing");
      }
      root = new ObjectMapper().readTree(in);
      Map<String, Vector> vectors = new LinkedHashMap<>();
      for (JsonNode v : root.get("vectors")) {
        String file = v.get("file").asText();
        try (InputStream bin = Vectors.class.getResourceAsStream("/vectors/" + file)) {
          if (bin == null) {
            throw new IllegalStateException("vector file " + file + " is missing");
          }
          vectors.put(
              v.get("name").asText(), new Vector(v.get("name").asText(), v, bin.readAllBytes()));
        }
      }
      return vectors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
