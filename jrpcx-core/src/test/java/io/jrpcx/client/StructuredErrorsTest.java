package io.jrpcx.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.jrpcx.Context;
import io.jrpcx.RpcError;
import io.jrpcx.RpcName;
import io.jrpcx.ServiceException;
import io.jrpcx.client.discovery.Peer2PeerDiscovery;
import io.jrpcx.protocol.Message;
import io.jrpcx.testing.Args;
import io.jrpcx.testing.Reply;
import io.jrpcx.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Error codes and details travel beside rpcx's error text, over a real loopback server, and an
 * XClient proxy throws the exception its interface declares for a code.
 */
@Timeout(30)
class StructuredErrorsTest {
  @RegisterExtension
  final TestServer server =
      TestServer.create(b -> {}, s -> s.register("Orders", new OrderService(), ""));

  private static final Map<String, String> DETAILS =
      Map.of("orderId", "o-404", "region", "eu west&1");

  /** A checked domain exception shared by service and client, built with its details. */
  @RpcError(code = "order_not_found")
  public static class OrderNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;
    public final Map<String, String> details;

    public OrderNotFoundException(String message, Map<String, String> details) {
      super(message);
      this.details = details;
    }
  }

  /** A runtime one with only a message constructor. */
  @RpcError(code = "out_of_stock")
  public static class OutOfStockException extends ServiceException {
    private static final long serialVersionUID = 1L;

    public OutOfStockException(String message) {
      super(message);
    }
  }

  /** Declares a code but cannot be built from a message. */
  @RpcError(code = "unbuildable")
  public static class UnbuildableException extends Exception {
    private static final long serialVersionUID = 1L;
  }

  public static class OrderService {
    public Reply find(Args a) {
      throw ServiceException.of("order_not_found", "order not found: o-" + a.A, DETAILS);
    }

    public Reply plain(Args a) {
      throw new ServiceException("order not found: o-" + a.A);
    }

    public Reply declared(Args a) throws OrderNotFoundException {
      throw new OrderNotFoundException("order not found: o-" + a.A, Map.of());
    }

    public Reply stock(Args a) {
      throw new OutOfStockException("out of stock: " + a.A);
    }

    public Reply otherCode(Args a) {
      throw ServiceException.of("rate_limited", "slow down", null);
    }
  }

  public interface OrdersApi {
    Reply find(Args a) throws OrderNotFoundException;

    Reply plain(Args a) throws OrderNotFoundException;

    Reply declared(Args a) throws OrderNotFoundException;

    Reply stock(Args a) throws OutOfStockException;

    Reply otherCode(Args a) throws OrderNotFoundException;

    CompletableFuture<Reply> findAsync(Args a) throws OrderNotFoundException;

    @RpcName("OtherCode")
    CompletionStage<Reply> otherCodeLater(Args a) throws OrderNotFoundException;
  }

  public interface BadApi {
    @RpcName("Find")
    Reply find(Args a) throws UnbuildableException;
  }

  private static Context ctx() {
    return Context.background().withTimeout(Duration.ofSeconds(10));
  }

  private XClient xclient() {
    return XClient.create(
        "Orders",
        FailMode.FAILTRY,
        SelectMode.RANDOM_SELECT,
        new Peer2PeerDiscovery("tcp@" + server.address(), ""),
        ClientOptions.DEFAULT);
  }

  @Test
  void codeAndDetailsArriveWithTheUnchangedRpcxText() {
    Client client = server.connect();
    Call<Reply> call = client.go(ctx(), "Orders", "Find", new Args(404, 0), Reply.class);

    ServiceException e = catchThrowableOfType(ServiceException.class, () -> call.await());
    assertThat(e).hasMessage("order not found: o-404");
    assertThat(e.code()).isEqualTo("order_not_found");
    assertThat(e.details()).isEqualTo(DETAILS);
    assertThat(call.responseMetadata())
        .containsEntry(Message.ERROR_KEY, "order not found: o-404")
        .containsEntry(Message.ERROR_CODE_KEY, "order_not_found")
        .containsEntry(Message.ERROR_DETAILS_KEY, "orderId=o-404&region=eu+west%261");
  }

  @Test
  void theRpcxErrorTextIsWhatGoSendsForTheSameMessage() {
    Client client = server.connect();
    Call<Reply> coded = client.go(ctx(), "Orders", "Find", new Args(404, 0), Reply.class);
    Call<Reply> plain = client.go(ctx(), "Orders", "Plain", new Args(404, 0), Reply.class);
    assertThatThrownBy(coded::await).isInstanceOf(ServiceException.class);
    assertThatThrownBy(plain::await).isInstanceOf(ServiceException.class);

    // Go's server answers errors.New(text) with exactly text under __rpcx_error__.
    assertThat(coded.responseMetadata().get(Message.ERROR_KEY).getBytes())
        .isEqualTo("order not found: o-404".getBytes());
    assertThat(plain.responseMetadata()).containsOnlyKeys(Message.ERROR_KEY);
    assertThat(plain.responseMetadata().get(Message.ERROR_KEY))
        .isEqualTo(coded.responseMetadata().get(Message.ERROR_KEY));
  }

  @Test
  void errorsWithoutACodeStayPlainServiceExceptions() {
    ServiceException e =
        catchThrowableOfType(
            ServiceException.class,
            () -> server.connect().call(ctx(), "Orders", "Plain", new Args(404, 0), Reply.class));

    assertThat(e.getClass()).isEqualTo(ServiceException.class);
    assertThat(e.code()).isNull();
    assertThat(e.details()).isEmpty();
  }

  @Test
  void aProxyThrowsTheDeclaredExceptionForTheCode() {
    try (XClient x = xclient()) {
      OrdersApi orders = x.proxy(OrdersApi.class);

      OrderNotFoundException e =
          catchThrowableOfType(OrderNotFoundException.class, () -> orders.find(new Args(404, 0)));
      assertThat(e).hasMessage("order not found: o-404");
      assertThat(e.details).isEqualTo(DETAILS);
      assertThat(e.getCause()).isInstanceOf(ServiceException.class);
      assertThat(((ServiceException) e.getCause()).code()).isEqualTo("order_not_found");
    }
  }

  @Test
  void aFutureMethodFailsWithTheDeclaredExceptionForTheCode() {
    try (XClient x = xclient()) {
      OrdersApi orders = x.proxy(OrdersApi.class);

      Throwable failure =
          catchThrowable(() -> orders.findAsync(new Args(404, 0)).get(10, TimeUnit.SECONDS));
      assertThat(failure).isInstanceOf(ExecutionException.class);
      assertThat(failure.getCause())
          .isInstanceOf(OrderNotFoundException.class)
          .hasMessage("order not found: o-404")
          .hasCauseInstanceOf(ServiceException.class);
      assertThat(((OrderNotFoundException) failure.getCause()).details).isEqualTo(DETAILS);

      Throwable other =
          catchThrowable(
              () ->
                  orders
                      .otherCodeLater(new Args(1, 0))
                      .toCompletableFuture()
                      .get(10, TimeUnit.SECONDS));
      assertThat(other.getCause()).isExactlyInstanceOf(ServiceException.class);
      assertThat(((ServiceException) other.getCause()).code()).isEqualTo("rate_limited");
    }
  }

  @Test
  void aServiceThrowingAnAnnotatedExceptionSendsItsCode() {
    try (XClient x = xclient()) {
      OrdersApi orders = x.proxy(OrdersApi.class);

      assertThatThrownBy(() -> orders.declared(new Args(7, 0)))
          .isInstanceOf(OrderNotFoundException.class)
          .hasMessage("order not found: o-7");
      OutOfStockException e =
          catchThrowableOfType(OutOfStockException.class, () -> orders.stock(new Args(3, 0)));
      assertThat(e).hasMessage("out of stock: 3");
      assertThat(e.code()).isEqualTo("out_of_stock");
    }
  }

  @Test
  void anUnknownCodeOrNoCodeGivesThePlainServiceException() {
    try (XClient x = xclient()) {
      OrdersApi orders = x.proxy(OrdersApi.class);

      ServiceException unknown =
          catchThrowableOfType(ServiceException.class, () -> orders.otherCode(new Args(1, 0)));
      assertThat(unknown.getClass()).isEqualTo(ServiceException.class);
      assertThat(unknown.code()).isEqualTo("rate_limited");
      assertThat(unknown).hasMessage("slow down");

      ServiceException none =
          catchThrowableOfType(ServiceException.class, () -> orders.plain(new Args(404, 0)));
      assertThat(none.getClass()).isEqualTo(ServiceException.class);
      assertThat(none.code()).isNull();
    }
  }

  @Test
  void aProxyRefusesADeclaredErrorItCouldNotBuild() {
    try (XClient x = xclient()) {
      assertThatThrownBy(() -> x.proxy(BadApi.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(UnbuildableException.class.getName())
          .hasMessageContaining("(String message)");
    }
  }
}
