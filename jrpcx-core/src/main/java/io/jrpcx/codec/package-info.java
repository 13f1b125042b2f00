/**
 * Payload codecs: call arguments and replies to bytes and back.
 *
 * <p>Start with {@link io.jrpcx.codec.Codecs}, the table clients and servers consult by the
 * serialize type of each message, and {@link io.jrpcx.codec.SerializeType} for the numbers. The
 * built-in codecs follow Go rpcx's conventions so that Go peers read what Java writes:
 * {@link io.jrpcx.codec.RawCodec}, {@link io.jrpcx.codec.JsonCodec} and
 * {@link io.jrpcx.codec.MsgPackCodec}.
 */
package io.jrpcx.codec;
