/**
 * A protoc plugin generating jrpcx service interfaces, clients and server registration from
 * {@code .proto} services. Start with {@link io.jrpcx.protoc.JrpcxProtocPlugin}; the generated
 * code needs {@code jrpcx-protobuf} on the classpath.
 */
package io.jrpcx.protoc;
