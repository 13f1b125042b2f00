/**
 * JMH micro-benchmarks: rpcx frame encode/decode ({@code FrameCodecBenchmark}) and the MsgPack and
 * JSON payload codecs next to protobuf-java ({@code PayloadCodecBenchmark}). Run them with
 * {@code java -jar jrpcx-benchmark/target/jrpcx-benchmark.jar jmh -prof gc} (see the module's
 * README).
 */
package io.jrpcx.benchmark.jmh;
