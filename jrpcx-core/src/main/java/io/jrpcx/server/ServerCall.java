package io.jrpcx.server;

import io.jrpcx.CodecException;
import io.jrpcx.Deadline;
import io.jrpcx.RpcError;
import io.jrpcx.ServiceException;
import io.jrpcx.codec.Codec;
import io.jrpcx.protocol.CompressType;
import io.jrpcx.protocol.Message;
import io.jrpcx.registry.GoQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request on its way through the server: auth, lookup, argument decoding, the method, reply
 * encoding and the response. Exactly one outcome is written (none for oneway): whichever of the
 * method's completion and the caller's deadline comes first.
 */
final class ServerCall implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ServerCall.class);

  /** rpcx compresses a response only above this size, and only when the request was compressed. */
  static final int COMPRESS_THRESHOLD = 1024;

  private final Server server;
  private final Caller conn;
  private final Message request;
  private final ServerContext ctx;

  /** Bytes of the server's memory budget the request holds until the call ends. */
  private final long charge;

  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile Future<?> deadlineTimer;

  ServerCall(Server server, Caller conn, Message request) {
    this(server, conn, request, 0);
  }

  ServerCall(Server server, Caller conn, Message request, long charge) {
    this.server = server;
    this.conn = conn;
    this.request = request;
    this.charge = charge;
    this.ctx = new ServerContext(conn, request, deadlineOf(request));
  }

  /** The one end of every call: counted out of the server and its connection. */
  private void finished() {
    server.callFinished();
    conn.callFinished(charge);
  }

  @Override
  public void run() {
    try {
      if (server.authenticator != null && !authenticate()) {
        return;
      }
      Deadline deadline = ctx.deadline();
      if (deadline != null) {
        long nanos = deadline.remaining(TimeUnit.NANOSECONDS);
        if (nanos <= 0) {
          answerError(
              "rpcx: the caller's deadline passed before " + target() + " started",
              null,
              null,
              false);
          return;
        }
        try {
          deadlineTimer = conn.timer().schedule(this::deadlineExpired, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          // The server closed while this request waited for a handler thread: its connection
          // is gone and nobody can receive an answer.
          log.debug("dropping {}: the server closed before it ran", target());
          if (answered.compareAndSet(false, true)) {
            finished();
          }
          return;
        }
      }
      ServiceDefinition service = server.service(request.servicePath());
      if (service == null) {
        answerError(
            "rpcx: can't find service " + Texts.clip(request.servicePath()), null, null, false);
        return;
      }
      MethodInvoker method = service.method(request.serviceMethod());
      if (method == null) {
        answerError(
            "rpcx: can't find method " + Texts.clip(request.serviceMethod()), null, null, false);
        return;
      }
      Codec codec = server.codecs.get(request.serializeType());
      if (codec == null) {
        answerError("can not find codec for " + request.serializeType(), null, null, false);
        return;
      }
      Object args;
      try {
        args = codec.decode(request.payload(), method.argType);
      } catch (CodecException e) {
        answerError(
            "rpcx: can't decode the args of " + target() + ": " + e.getMessage(),
            null,
            null,
            false);
        return;
      }
      invoke(method, codec, args);
    } catch (Throwable t) {
      log.error("unexpected failure serving {}", target(), t);
      answerError(
          "rpcx: internal server error serving " + target() + ": " + errorText(t),
          null,
          null,
          false);
    }
  }

  private boolean authenticate() {
    try {
      server.authenticator.authenticate(conn, request, request.metadata(Message.AUTH_KEY));
      return true;
    } catch (Throwable t) {
      String text = t.getMessage() == null ? "rpcx: authentication failed" : t.getMessage();
      answerError(text, null, null, true);
      return false;
    }
  }

  private void invoke(MethodInvoker method, Codec codec, Object args) {
    Object reply = null;
    try {
      args = server.plugins.preCall(ctx, args);
      if (method.rpcxStyle) {
        reply = method.newReply();
      }
      ServerPlugins.MethodScope scope = server.plugins.enterMethod(ctx);
      Object result;
      try {
        result = method.invoke(ctx, args, reply);
      } finally {
        scope.close();
      }
      if (method.voidReply) {
        complete(codec, args, null, null, true);
        return;
      }
      if (result instanceof CompletionStage) {
        Object finalArgs = args;
        ((CompletionStage<?>) result)
            .whenComplete((r, t) -> complete(codec, finalArgs, r, unwrap(t)));
        return;
      }
      complete(codec, args, result, null);
    } catch (Throwable t) {
      // rpcx encodes the reply even when the method failed; a Go caller may read both.
      complete(codec, args, reply, t);
    }
  }

  private void complete(Codec codec, Object args, Object reply, Throwable error) {
    complete(codec, args, reply, error, false);
  }

  /**
   * Answers with the method's outcome; {@code voidReply}: the method returns void, and unless a
   * {@code PostCall} plugin supplies a reply the answer has an empty payload.
   */
  private void complete(
      Codec codec, Object args, Object reply, Throwable error, boolean voidReply) {
    if (answered.get()) {
      return; // the deadline answered first; the late result has nowhere to go
    }
    for (ServerPlugin.PostCall p : server.plugins.postCall) {
      try {
        reply = p.postCall(ctx, args, reply, error);
      } catch (Throwable t) {
        if (error == null) {
          error = t;
        }
      }
    }
    if (error != null) {
      answerError(errorText(error), codec, reply, false, error);
      return;
    }
    byte[] payload;
    try {
      // Go's server sends an empty payload for a nil reply, which every codec's caller reads as
      // "no reply".
      payload = voidReply && reply == null ? new byte[0] : codec.encode(reply);
    } catch (CodecException e) {
      answerError(
          "rpcx: can't encode the reply of " + target() + ": " + e.getMessage(), null, null, false);
      return;
    }
    Message response = request.newResponse();
    response.setPayload(payload);
    answer(response, false);
  }

  private void deadlineExpired() {
    answerError(
        "rpcx: " + target() + " did not finish before the caller's deadline", null, null, false);
  }

  /**
   * Answers with an error. {@code reply}, when not null, is encoded into the payload as Go rpcx
   * does for methods that fail after filling their reply.
   */
  private void answerError(String text, Codec codec, Object reply, boolean closeAfter) {
    answerError(text, codec, reply, closeAfter, null);
  }

  /**
   * Answers with the error {@code error} of the method: its text, and its code and details, when
   * it has them, in jrpcx's keys beside rpcx's.
   */
  private void answerError(
      String text, Codec codec, Object reply, boolean closeAfter, Throwable error) {
    Message response = request.newResponse();
    response.setStatusType(Message.STATUS_ERROR);
    if (codec != null && reply != null) {
      try {
        response.setPayload(codec.encode(reply));
      } catch (CodecException e) {
        log.debug("reply of failed call {} could not be encoded", target(), e);
      }
    }
    response.putMetadata(Message.ERROR_KEY, text);
    if (error != null) {
      putErrorCode(response, error);
    }
    answer(response, closeAfter);
  }

  private static void putErrorCode(Message response, Throwable error) {
    String code;
    Map<String, String> details;
    if (error instanceof ServiceException) {
      ServiceException se = (ServiceException) error;
      code = se.code();
      details = se.details();
    } else {
      RpcError ann = error.getClass().getAnnotation(RpcError.class);
      code = ann == null ? null : ann.code();
      details = Map.of();
    }
    if (code != null) {
      response.putMetadata(Message.ERROR_CODE_KEY, code);
    }
    if (!details.isEmpty()) {
      response.putMetadata(Message.ERROR_DETAILS_KEY, GoQuery.encodeSingle(details));
    }
  }

  private void answer(Message response, boolean closeAfter) {
    if (!answered.compareAndSet(false, true)) {
      return;
    }
    Future<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    if (request.isOneway()) {
      finished();
      if (closeAfter) {
        conn.close();
      }
      return;
    }
    Map<String, String> extra = ctx.responseMetadataIfAny();
    if (extra != null && !extra.isEmpty()) {
      synchronized (extra) {
        // Keys the server set (the error text) win over the service's, as in rpcx.
        extra.forEach(
            (k, v) -> {
              if (response.metadata(k) == null) {
                response.putMetadata(k, v);
              }
            });
      }
    }
    if (request.compressType() != CompressType.NONE
        && response.payload().length > COMPRESS_THRESHOLD) {
      response.setCompressType(request.compressType());
    }
    server.plugins.preWriteResponse(conn, request, response);
    conn.respond(
        request,
        response,
        closeAfter,
        error -> {
          server.plugins.postWriteResponse(conn, request, response, error);
          finished();
          if (closeAfter) {
            conn.close();
          }
        });
  }

  private String errorText(Throwable t) {
    if (t instanceof VirtualMachineError) {
      // "Java heap space" tells a caller nothing it can use, and tells an attacker it worked.
      return "rpcx: internal server error serving " + target();
    }
    String text = t.getMessage();
    if (text == null || text.isEmpty()) {
      text = t.getClass().getName();
    }
    if (server.includeStackTraces && !(t instanceof ServiceException)) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      text = text + "\n" + trace;
    }
    return text;
  }

  private String target() {
    return Texts.clip(request.servicePath()) + "." + Texts.clip(request.serviceMethod());
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The deadline a Go client sends as {@code __ServerTimeout}: remaining milliseconds. */
  private static Deadline deadlineOf(Message request) {
    String timeout = request.metadata(Message.SERVER_TIMEOUT_KEY);
    if (timeout == null) {
      return null;
    }
    try {
      return Deadline.after(Long.parseLong(timeout.trim()), TimeUnit.MILLISECONDS);
    } catch (NumberFormatException e) {
      log.debug("ignoring malformed {}={}", Message.SERVER_TIMEOUT_KEY, timeout);
      return null;
    }
  }
}
