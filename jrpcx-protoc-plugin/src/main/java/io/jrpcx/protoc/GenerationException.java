package io.jrpcx.protoc;

/** A proto file the plugin cannot generate from; its message goes back to protoc as the error. */
final class GenerationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  GenerationException(String message) {
    super(message);
  }
}
