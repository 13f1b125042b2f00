package io.jrpcx.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Redis as rpcx's Redis registry writes it through libkv: key {@code "/" + <basePath>/...}, value
 * the JSON envelope {@code {"Key":..,"Value":<base64>,"LastIndex":n}}. Listed with {@code SCAN},
 * never {@code KEYS}. An edit writes a new envelope as the register plugin does, inside
 * {@code WATCH}/{@code MULTI} so a concurrent rewrite is never lost, with {@code KEEPTTL} so the
 * leaf still expires when its server stops refreshing it. Re-read on the console's timer.
 */
final class RedisStore implements WritableStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 10;

  private final String url;
  private final String prefix;
  private final RedisClient client;
  private StatefulRedisConnection<String, String> connection; // guarded by this

  RedisStore(String url, String basePath, Duration timeout) {
    this.url = url;
    // libkv's normalisation prefixes one '/' to the key the plugin was given
    this.prefix = "/" + RegistryStore.trimTrailingSlashes(basePath) + "/";
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(timeout);
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .build());
  }

  @Override
  public String describe() {
    return "Redis at " + url.replaceAll("//[^@/]*@", "//");
  }

  private synchronized RedisCommands<String, String> redis() {
    if (connection == null || !connection.isOpen()) {
      connection = client.connect();
    }
    return connection.sync();
  }

  @Override
  public synchronized SortedMap<String, SortedMap<String, String>> read() {
    RedisCommands<String, String> redis = redis();
    List<String> keys = new ArrayList<>();
    ScanArgs match = ScanArgs.Builder.matches(globEscape(prefix) + "*").limit(500);
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = redis.scan(cursor, match);
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    SortedMap<String, SortedMap<String, String>> services = new TreeMap<>();
    for (int i = 0; i < keys.size(); i += 256) {
      List<String> batch = keys.subList(i, Math.min(keys.size(), i + 256));
      for (KeyValue<String, String> kv : redis.mget(batch.toArray(new String[0]))) {
        if (kv.hasValue()) {
          RegistryStore.addKey(
              services, kv.getKey().substring(prefix.length()), envelopeValue(kv.getValue()));
        }
      }
    }
    return services;
  }

  @Override
  public synchronized String update(String service, String node, UnaryOperator<String> edit) {
    String key = prefix + service + "/" + node;
    RedisCommands<String, String> redis = redis();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      redis.watch(key);
      String found = redis.get(key);
      if (found == null) {
        redis.unwatch();
        throw new NoSuchElementException(
            "no node " + node + " of " + service + " in " + describe());
      }
      String value = edit.apply(envelopeValue(found));
      redis.multi();
      redis.set(key, envelope(key.substring(1), value), SetArgs.Builder.keepttl());
      TransactionResult r = redis.exec();
      if (!r.wasDiscarded()) {
        return value;
      }
    }
    throw new ConcurrentModificationException(
        node + " of " + service + " kept changing in " + describe() + "; try again");
  }

  /** The metadata inside libkv's envelope; a value not written by rpcx is shown as it is. */
  private static String envelopeValue(String json) {
    try {
      JsonNode value = JSON.readTree(json).get("Value");
      return value == null || value.isNull()
          ? ""
          : new String(Base64.getMimeDecoder().decode(value.asText()), StandardCharsets.UTF_8);
    } catch (Exception e) {
      return json;
    }
  }

  /**
   * libkv's envelope as Go's {@code json.Marshal} writes it: fields in this order, HTML characters
   * escaped as Go escapes them, {@code LastIndex} the nanoseconds within the second, as libkv's
   * redis store fills it.
   */
  static String envelope(String key, String value) {
    ObjectNode o = JSON.createObjectNode();
    o.put("Key", key);
    o.put("Value", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    o.put("LastIndex", Instant.now().getNano());
    // '<', '>' and '&' only occur inside strings here (base64 has none): escaping them in the
    // text is escaping them in the strings.
    return o.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
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
  public synchronized void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
