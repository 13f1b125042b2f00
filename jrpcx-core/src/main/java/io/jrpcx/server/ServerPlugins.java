package io.jrpcx.server;

import io.jrpcx.ServiceException;
import io.jrpcx.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's plugins sorted by hook once, so a call walks only the plugins that implement each
 * hook and no {@code instanceof} runs per request.
 */
final class ServerPlugins {
  private static final Logger log = LoggerFactory.getLogger(ServerPlugins.class);

  /** Every plugin, in order: networks look for their settings among them (KCP's key). */
  final List<ServerPlugin> all;

  final List<ServerPlugin.Register> register = new ArrayList<>();
  final List<ServerPlugin.PostConnAccept> postConnAccept = new ArrayList<>();
  final List<ServerPlugin.PostConnClose> postConnClose = new ArrayList<>();
  final List<ServerPlugin.PostReadRequest> postReadRequest = new ArrayList<>();
  final List<ServerPlugin.Heartbeat> heartbeat = new ArrayList<>();
  final List<ServerPlugin.PreCall> preCall = new ArrayList<>();
  final List<ServerPlugin.AroundMethod> aroundMethod = new ArrayList<>();
  final List<ServerPlugin.PostCall> postCall = new ArrayList<>();
  final List<ServerPlugin.PreWriteResponse> preWriteResponse = new ArrayList<>();
  final List<ServerPlugin.PostWriteResponse> postWriteResponse = new ArrayList<>();
  final List<ServerPlugin.PreWriteRequest> preWriteRequest = new ArrayList<>();
  final List<ServerPlugin.PostWriteRequest> postWriteRequest = new ArrayList<>();

  ServerPlugins(List<ServerPlugin> plugins) {
    this.all = List.copyOf(plugins);
    for (ServerPlugin p : plugins) {
      add(p, ServerPlugin.Register.class, register);
      add(p, ServerPlugin.PostConnAccept.class, postConnAccept);
      add(p, ServerPlugin.PostConnClose.class, postConnClose);
      add(p, ServerPlugin.PostReadRequest.class, postReadRequest);
      add(p, ServerPlugin.Heartbeat.class, heartbeat);
      add(p, ServerPlugin.PreCall.class, preCall);
      add(p, ServerPlugin.AroundMethod.class, aroundMethod);
      add(p, ServerPlugin.PostCall.class, postCall);
      add(p, ServerPlugin.PreWriteResponse.class, preWriteResponse);
      add(p, ServerPlugin.PostWriteResponse.class, postWriteResponse);
      add(p, ServerPlugin.PreWriteRequest.class, preWriteRequest);
      add(p, ServerPlugin.PostWriteRequest.class, postWriteRequest);
    }
  }

  private static <T> void add(ServerPlugin p, Class<T> hook, List<T> list) {
    if (hook.isInstance(p)) {
      list.add(hook.cast(p));
    }
  }

  boolean connectionAccepted(ClientConnection c) {
    for (ServerPlugin.PostConnAccept p : postConnAccept) {
      try {
        if (!p.connectionAccepted(c)) {
          return false;
        }
      } catch (RuntimeException e) {
        log.warn("PostConnAccept plugin {} failed; rejecting {}", p, c.remoteAddress(), e);
        return false;
      }
    }
    return true;
  }

  void connectionClosed(ClientConnection c) {
    for (ServerPlugin.PostConnClose p : postConnClose) {
      try {
        p.connectionClosed(c);
      } catch (RuntimeException e) {
        log.warn("PostConnClose plugin {} failed", p, e);
      }
    }
  }

  /**
   * Runs PostReadRequest hooks. Returns null to go on, or the {@link ServiceException} to answer
   * the request with; any other failure is thrown and closes the connection.
   */
  ServiceException postReadRequest(ClientConnection c, Message request) throws Exception {
    for (ServerPlugin.PostReadRequest p : postReadRequest) {
      try {
        p.postReadRequest(c, request);
      } catch (ServiceException e) {
        return e;
      }
    }
    return null;
  }

  void heartbeat(ClientConnection c, Message request) {
    for (ServerPlugin.Heartbeat p : heartbeat) {
      try {
        p.heartbeat(c, request);
      } catch (RuntimeException e) {
        log.warn("Heartbeat plugin {} failed", p, e);
      }
    }
  }

  Object preCall(ServerContext ctx, Object args) throws Exception {
    for (ServerPlugin.PreCall p : preCall) {
      args = p.preCall(ctx, args);
    }
    return args;
  }

  /**
   * Runs the AroundMethod hooks; closing the result closes what they returned, the last entered
   * first. Costs nothing when no plugin has the hook.
   */
  MethodScope enterMethod(ServerContext ctx) {
    if (aroundMethod.isEmpty()) {
      return MethodScope.NONE;
    }
    AutoCloseable[] entered = new AutoCloseable[aroundMethod.size()];
    for (int i = 0; i < entered.length; i++) {
      ServerPlugin.AroundMethod p = aroundMethod.get(i);
      try {
        entered[i] = p.enter(ctx);
      } catch (Exception e) {
        log.warn(
            "AroundMethod plugin {} failed to enter {}.{}; the method runs without it",
            p,
            ctx.servicePath(),
            ctx.serviceMethod(),
            e);
      }
    }
    return () -> {
      for (int i = entered.length - 1; i >= 0; i--) {
        if (entered[i] != null) {
          try {
            entered[i].close();
          } catch (Exception e) {
            log.warn(
                "AroundMethod plugin {} failed to leave {}.{}",
                aroundMethod.get(i),
                ctx.servicePath(),
                ctx.serviceMethod(),
                e);
          }
        }
      }
    };
  }

  /** What {@link #enterMethod} entered; closing it never throws. */
  interface MethodScope extends AutoCloseable {
    MethodScope NONE = () -> {};

    @Override
    void close();
  }

  void preWriteResponse(ClientConnection c, Message request, Message response) {
    for (ServerPlugin.PreWriteResponse p : preWriteResponse) {
      try {
        p.preWriteResponse(c, request, response);
      } catch (Exception e) {
        log.warn("PreWriteResponse plugin {} failed", p, e);
      }
    }
  }

  void postWriteResponse(ClientConnection c, Message request, Message response, Throwable error) {
    for (ServerPlugin.PostWriteResponse p : postWriteResponse) {
      try {
        p.postWriteResponse(c, request, response, error);
      } catch (Exception e) {
        log.warn("PostWriteResponse plugin {} failed", p, e);
      }
    }
  }

  void preWriteRequest(ClientConnection c, Message push) throws Exception {
    for (ServerPlugin.PreWriteRequest p : preWriteRequest) {
      p.preWriteRequest(c, push);
    }
  }

  void postWriteRequest(ClientConnection c, Message push, Throwable error) {
    for (ServerPlugin.PostWriteRequest p : postWriteRequest) {
      try {
        p.postWriteRequest(c, push, error);
      } catch (Exception e) {
        log.warn("PostWriteRequest plugin {} failed", p, e);
      }
    }
  }
}
