package io.jrpcx.benchmark;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jrpcx.benchmark.proto.BenchGrpc;
import io.jrpcx.benchmark.proto.BenchmarkMessage;
import io.jrpcx.benchmark.proto.Blob;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRPC-java: unary calls of the {@code Bench} service from {@code benchmark.proto} over
 * grpc-netty-shaded, one {@link ManagedChannel} (one HTTP/2 connection) per connection, default
 * executors on both sides.
 */
final class GrpcPeer {
  private static final int MAX_MESSAGE = 64 << 20;

  private GrpcPeer() {}

  private static final class BenchService extends BenchGrpc.BenchImplBase {
    @Override
    public void say(BenchmarkMessage request, StreamObserver<BenchmarkMessage> responses) {
      responses.onNext(BenchMessages.serve(request));
      responses.onCompleted();
    }

    @Override
    public void echo(Blob request, StreamObserver<Blob> responses) {
      responses.onNext(request);
      responses.onCompleted();
    }
  }

  static PeerServer startServer() throws Exception {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    if (Boolean.getBoolean("jrpcx.bench.direct")) {
      builder.directExecutor();
    }
    Server server =
        builder.addService(new BenchService()).maxInboundMessageSize(MAX_MESSAGE).build().start();
    return new PeerServer() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        server.shutdownNow();
      }
    };
  }

  static PeerClient connect(String host, int port, int connections, Workload workload)
      throws Exception {
    List<ManagedChannel> channels =
        Parallel.open(
            connections,
            i ->
                NettyChannelBuilder.forAddress(host, port)
                    .usePlaintext()
                    .directExecutor()
                    .maxInboundMessageSize(MAX_MESSAGE)
                    .build(),
            ManagedChannel::shutdownNow);
    BenchGrpc.BenchStub[] stubs = new BenchGrpc.BenchStub[channels.size()];
    for (int i = 0; i < stubs.length; i++) {
      stubs[i] = BenchGrpc.newStub(channels.get(i));
    }
    return new GrpcClient(channels, stubs, workload);
  }

  private static final class GrpcClient implements PeerClient {
    private final List<ManagedChannel> channels;
    private final BenchGrpc.BenchStub[] stubs;
    private final AtomicInteger next = new AtomicInteger();
    private final Workload workload;
    private final BenchmarkMessage message = GoogleMessage1.filled().toProto();
    private final Blob blob;

    GrpcClient(List<ManagedChannel> channels, BenchGrpc.BenchStub[] stubs, Workload workload) {
      this.channels = channels;
      this.stubs = stubs;
      this.workload = workload;
      this.blob =
          workload.isMessage()
              ? null
              : Blob.newBuilder()
                  .setData(ByteString.copyFrom(BenchMessages.bytes(workload.size())))
                  .build();
    }

    @Override
    public CompletableFuture<?> call() {
      BenchGrpc.BenchStub stub = stubs[Math.floorMod(next.getAndIncrement(), stubs.length)];
      if (workload.isMessage()) {
        Reply<BenchmarkMessage> reply =
            new Reply<>() {
              @Override
              boolean ok(BenchmarkMessage m) {
                return BenchMessages.isServed(m);
              }
            };
        stub.say(message, reply);
        return reply.future;
      }
      Reply<Blob> reply =
          new Reply<>() {
            @Override
            boolean ok(Blob b) {
              return b.getData().size() == blob.getData().size();
            }
          };
      stub.echo(blob, reply);
      return reply.future;
    }

    @Override
    public void close() {
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
      for (ManagedChannel c : channels) {
        try {
          c.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Completes {@link #future} with the unary reply once it is checked. */
  private abstract static class Reply<T> implements StreamObserver<T> {
    final CompletableFuture<T> future = new CompletableFuture<>();
    private T value;

    abstract boolean ok(T value);

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      if (ok(value)) {
        future.complete(value);
      } else {
        future.completeExceptionally(PeerClient.wrongReply(value));
      }
    }
  }
}
