package io.jrpcx.examples;

import io.jrpcx.Context;
import io.jrpcx.RpcError;
import io.jrpcx.ServiceException;
import io.jrpcx.TypeRef;
import io.jrpcx.client.ClientOptions;
import io.jrpcx.client.FailMode;
import io.jrpcx.client.SelectMode;
import io.jrpcx.client.XClient;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.server.Server;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a Java service looks like in jrpcx, in one program: records as arguments and replies, an
 * {@code Instant} on the wire (as Go's {@code time.Time}), a {@code List<Item>} reply read
 * through a {@link TypeRef}, a typed proxy with a synchronous and an {@code Async} method, and a
 * domain error with a code that the proxy throws as the exception its interface declares.
 */
public final class InventoryDemo {
  private InventoryDemo() {}

  /** An item: a record, sent field by field as Go sends a struct. */
  public record Item(String sku, int count, Instant updated) {}

  /** Which items to list. */
  public record Query(String prefix) {}

  /** Thrown by the proxy when the service answers with the code {@code item_not_found}. */
  @RpcError(code = "item_not_found")
  public static class ItemNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    public ItemNotFoundException(String message, Map<String, String> details) {
      super(message + " " + details);
    }
  }

  /** The service: {@code Inventory.List} and {@code Inventory.Find}. */
  public static class Inventory {
    private final Instant now = Instant.parse("2026-12-03T10:15:30.5Z");
    private final List<Item> items =
        List.of(new Item("A-1", 3, now), new Item("A-2", 0, now), new Item("B-1", 7, now));

    public List<Item> list(Query query) {
      return items.stream().filter(i -> i.sku().startsWith(query.prefix())).toList();
    }

    public Item find(String sku) {
      return items.stream()
          .filter(i -> i.sku().equals(sku))
          .findFirst()
          .orElseThrow(
              () -> ServiceException.of("item_not_found", "no item " + sku, Map.of("sku", sku)));
    }
  }

  /** The client's view of {@code Inventory}: {@code listAsync} calls {@code List} too. */
  public interface InventoryApi {
    List<Item> list(Query query);

    CompletableFuture<List<Item>> listAsync(Query query);

    Item find(String sku) throws ItemNotFoundException;
  }

  public static void main(String[] args) throws Exception {
    Server server = Server.builder().build();
    server.register("Inventory", new Inventory(), "");
    server.start("tcp", "127.0.0.1:0");
    try (XClient inventory =
        XClient.create(
            "Inventory",
            FailMode.FAILOVER,
            SelectMode.RANDOM_SELECT,
            new Peer2PeerDiscovery("tcp@" + server.address(), ""),
            ClientOptions.DEFAULT)) {
      List<Item> a =
          inventory.call(
              Context.background(), "List", new Query("A"), new TypeRef<List<Item>>() {});
      System.out.println(
          "A: " + a.get(0).sku() + " x" + a.get(0).count() + " at " + a.get(0).updated());

      InventoryApi api = inventory.proxy(InventoryApi.class);
      System.out.println("items under B: " + api.list(new Query("B")).size());
      System.out.println(
          "items (async): " + api.listAsync(new Query("")).get(5, TimeUnit.SECONDS).size());
      try {
        api.find("Z-9");
      } catch (ItemNotFoundException e) {
        System.out.println("not found: " + e.getMessage());
      }
    } finally {
      server.shutdown(Duration.ofSeconds(5));
    }
  }
}
