package io.jrpcx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Redis as Go rpcx's Redis registry writes it through libkv: key {@code "/" + <basePath>/...}
 * (so {@code //rpcx_test/Arith/tcp@10.0.0.5:8972}), value a JSON envelope whose {@code Value} is
 * the metadata in base64. Found with {@code SCAN}, never {@code KEYS}, so a busy Redis is not
 * blocked.
 */
final class RedisRegistry implements Registry {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final Duration timeout;
  private final RedisClient client;

  RedisRegistry(String url, Duration timeout) {
    this.url = url;
    this.timeout = timeout;
    RedisURI uri;
    try {
      uri = RedisURI.create(url);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "registry '" + url + "': " + e.getMessage(), e);
    }
    uri.setTimeout(timeout);
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(false)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
  }

  @Override
  public ServiceTable list(String basePath) {
    String base = Registry.trimTrailingSlashes(basePath);
    String prefix = "/" + base + "/"; // libkv's normalisation prefixes one '/'
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      List<String> keys = new ArrayList<>();
      ScanArgs match = ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(500);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = redis.scan(cursor, match);
        keys.addAll(page.getKeys());
        cursor = page;
      } while (!cursor.isFinished());
      ServiceTable table = new ServiceTable();
      for (int i = 0; i < keys.size(); i += 256) {
        List<String> batch = keys.subList(i, Math.min(keys.size(), i + 256));
        for (KeyValue<String, String> kv : redis.mget(batch.toArray(new String[0]))) {
          if (kv.hasValue()) {
            table.addKey(kv.getKey().substring(prefix.length()), envelopeValue(kv.getValue()));
          }
        }
      }
      return table;
    } catch (RedisException e) {
      throw Registry.unreachable(
          "Redis at " + url, timeout, e.getCause() != null ? e.getCause() : e);
    }
  }

  /** The metadata inside libkv's envelope {@code {"Key":..,"Value":<base64>,"LastIndex":n}}. */
  private static String envelopeValue(String json) {
    try {
      JsonNode value = JSON.readTree(json).get("Value");
      return value == null || value.isNull()
          ? ""
          : new String(Base64.getMimeDecoder().decode(value.asText()), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return json; // not written by rpcx; show it as it is
    }
  }

  private static String globEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (char c : s.toCharArray()) {
      if ("*?[]\\".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
