package io.jrpcx.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd v3 as Go rpcx's {@code EtcdV3RegisterPlugin} writes it: {@code <basePath>/<service>} and
 * {@code <basePath>/<service>/<network@address>} = metadata, the base path spelled exactly as the
 * servers spell it; one prefix read lists them all.
 */
final class EtcdRegistry implements Registry {
  private final String endpoints;
  private final Duration timeout;
  private final Client client;

  EtcdRegistry(String hosts, Duration timeout) {
    this.endpoints = hosts;
    this.timeout = timeout;
    String[] urls =
        Arrays.stream(hosts.split(","))
            .map(h -> h.contains("://") ? h : "http://" + h)
            .toArray(String[]::new);
    this.client = Client.builder().endpoints(urls).connectTimeout(timeout).build();
  }

  @Override
  public ServiceTable list(String basePath) throws Exception {
    String base = Registry.trimTrailingSlashes(basePath);
    String prefix = base + "/";
    CompletableFuture<GetResponse> f =
        client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build());
    GetResponse r;
    try {
      // jetcd waits for a connection before sending, for ever: the timeout bounds that.
      r = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw Registry.unreachable("etcd at " + endpoints, timeout, null);
    } catch (ExecutionException e) {
      throw Registry.unreachable("etcd at " + endpoints, timeout, e.getCause());
    }
    ServiceTable table = new ServiceTable();
    for (KeyValue kv : r.getKvs()) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8);
      table.addKey(key.substring(prefix.length()), kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return table;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}
