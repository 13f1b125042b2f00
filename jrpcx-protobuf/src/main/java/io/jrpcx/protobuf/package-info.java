/**
 * The Protobuf codec, rpcx serialize type 2: start with {@link io.jrpcx.protobuf.ProtobufCodec}.
 * Typed service stubs are generated from {@code .proto} files by {@code jrpcx-protoc-plugin}.
 */
package io.jrpcx.protobuf;
