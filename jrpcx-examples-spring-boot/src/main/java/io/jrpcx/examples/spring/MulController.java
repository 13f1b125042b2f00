package io.jrpcx.examples.spring;

import io.jrpcx.spring.boot.RpcxClient;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /mul?a=10&b=20} answers {@code 200}, computed by Arith over rpcx. */
@RestController
public class MulController {
  private final ArithApi arith;

  /** The proxy of the client configured as {@code jrpcx.clients.arith}. */
  public MulController(@RpcxClient("arith") ArithApi arith) {
    this.arith = arith;
  }

  @GetMapping("/mul")
  public int mul(@RequestParam("a") int a, @RequestParam("b") int b) {
    return arith.mul(new Args(a, b)).C;
  }

  /** Asynchronous: Spring MVC answers when the rpcx reply arrives, no thread waits for it. */
  @GetMapping("/add")
  public CompletableFuture<Integer> add(@RequestParam("a") int a, @RequestParam("b") int b) {
    return arith.addAsync(new Args(a, b)).thenApply(r -> r.C);
  }
}
