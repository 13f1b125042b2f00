/**
 * Side-by-side benchmarks of jrpcx against gRPC-java, Apache Dubbo and a raw Netty echo.
 *
 * <p>Start at {@link io.jrpcx.benchmark.Main} (the command line) and {@code Runner} (one server
 * JVM per run, the table, the JSON). {@code LoadGenerator} drives any {@code PeerClient} with a
 * fixed number of calls in flight (closed loop) or at a target rate (open loop) and records
 * latencies in HdrHistograms; {@link io.jrpcx.benchmark.Peer} lists the systems compared, each
 * implemented in its own {@code *Peer} class; {@link io.jrpcx.benchmark.BenchMessages} defines the
 * message and what the server does with it; {@code ServerMain} is the server JVM.
 * {@code io.jrpcx.benchmark.jmh} holds the JMH micro-benchmarks.
 */
package io.jrpcx.benchmark;
