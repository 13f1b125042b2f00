/** The Thrift codec, rpcx serialize type 4: start with {@link io.jrpcx.thrift.ThriftCodec}. */
package io.jrpcx.thrift;
