/**
 * The rpcx wire format: bytes to {@link io.jrpcx.protocol.Message} and back.
 *
 * <p>Start with {@code io.jrpcx.internal.FrameCodec} (internal), which documents the frame layout and the
 * validation applied to every inbound frame, and {@link io.jrpcx.protocol.Message}, the decoded
 * frame. Payload compression ({@link io.jrpcx.protocol.Compressor}, gzip by default) is part of
 * the frame; turning payloads into objects is the job of {@code io.jrpcx.codec}.
 */
package io.jrpcx.protocol;
