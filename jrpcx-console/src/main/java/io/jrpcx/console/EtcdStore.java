package io.jrpcx.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * etcd v3 as rpcx's etcd plugin writes it: {@code <basePath>/<service>/<network@address>} =
 * metadata, the base path spelled exactly as the servers spell it, every key on the server's
 * lease. An edit is a transaction that puts the new value on the same lease only if the key was
 * not modified since it was read, so the entry still dies with its server and a concurrent rewrite
 * by the register plugin is never lost.
 */
final class EtcdStore implements WritableStore {
  private static final int ATTEMPTS = 10;

  private final String endpoints;
  private final String prefix;
  private final Duration timeout;
  private final Client client;
  private volatile Watch.Watcher watcher;

  EtcdStore(List<String> hosts, String basePath, Duration timeout) {
    this.endpoints = String.join(",", hosts);
    this.prefix = RegistryStore.trimTrailingSlashes(basePath) + "/";
    this.timeout = timeout;
    this.client =
        Client.builder()
            .endpoints(hosts.stream().map(h -> "http://" + h).toArray(String[]::new))
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public String describe() {
    return "etcd at " + endpoints;
  }

  @Override
  public SortedMap<String, SortedMap<String, String>> read() throws Exception {
    GetResponse r =
        await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()));
    SortedMap<String, SortedMap<String, String>> services = new TreeMap<>();
    for (KeyValue kv : r.getKvs()) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8);
      RegistryStore.addKey(
          services, key.substring(prefix.length()), kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return services;
  }

  @Override
  public String update(String service, String node, UnaryOperator<String> edit) throws Exception {
    ByteSequence key = bytes(prefix + service + "/" + node);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      GetResponse found = await(client.getKVClient().get(key));
      if (found.getKvs().isEmpty()) {
        throw new NoSuchElementException(
            "no node " + node + " of " + service + " in " + describe());
      }
      KeyValue kv = found.getKvs().get(0);
      String value = edit.apply(kv.getValue().toString(StandardCharsets.UTF_8));
      // The lease the server attached: without it the entry would outlive the server.
      PutOption put =
          kv.getLease() == 0
              ? PutOption.DEFAULT
              : PutOption.builder().withLeaseId(kv.getLease()).build();
      TxnResponse r =
          await(
              client
                  .getKVClient()
                  .txn()
                  .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
                  .Then(Op.put(key, bytes(value), put))
                  .commit());
      if (r.isSucceeded()) {
        return value;
      }
    }
    throw new ConcurrentModificationException(
        node + " of " + service + " kept changing in " + describe() + "; try again");
  }

  @Override
  public boolean watch(Runnable changed) {
    Watch.Watcher w = watcher;
    if (w != null) {
      return true;
    }
    watcher =
        client
            .getWatchClient()
            .watch(
                bytes(prefix),
                WatchOption.builder().isPrefix(true).build(),
                Watch.listener(
                    response -> changed.run(),
                    error -> {
                      // Watched again on the next timed re-read, which goes on meanwhile.
                      watcher = null;
                      changed.run();
                    }));
    return true;
  }

  private <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      // jetcd waits for a connection before sending, for ever: the timeout bounds that.
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException(
          describe() + " did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    Watch.Watcher w = watcher;
    if (w != null) {
      w.close();
    }
    client.close();
  }
}
