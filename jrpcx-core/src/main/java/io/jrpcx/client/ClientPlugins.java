package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.client.selector.SelectFunction;
import io.jrpcx.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's plugins sorted by hook once, so a call walks only the plugins that apply. */
final class ClientPlugins {
  private static final Logger log = LoggerFactory.getLogger(ClientPlugins.class);

  private final List<ClientPlugin.CallStarted> callStarted = new ArrayList<>();
  private final List<ClientPlugin.PreCall> preCall = new ArrayList<>();
  private final List<ClientPlugin.PostCall> postCall = new ArrayList<>();
  private final List<ClientPlugin.ConnectionCreated> connectionCreated = new ArrayList<>();
  private final List<ClientPlugin.ConnectionCreateFailed> connectionCreateFailed =
      new ArrayList<>();
  private final List<ClientPlugin.ConnectionClosed> connectionClosed = new ArrayList<>();
  private final List<ClientPlugin.BeforeEncode> beforeEncode = new ArrayList<>();
  private final List<ClientPlugin.AfterDecode> afterDecode = new ArrayList<>();
  private final List<ClientPlugin.WrapSelect> wrapSelect = new ArrayList<>();
  private final List<ClientPlugin> all;

  ClientPlugins(List<ClientPlugin> plugins) {
    this.all = List.copyOf(plugins);
    for (ClientPlugin p : plugins) {
      add(p, ClientPlugin.CallStarted.class, callStarted);
      add(p, ClientPlugin.PreCall.class, preCall);
      add(p, ClientPlugin.PostCall.class, postCall);
      add(p, ClientPlugin.ConnectionCreated.class, connectionCreated);
      add(p, ClientPlugin.ConnectionCreateFailed.class, connectionCreateFailed);
      add(p, ClientPlugin.ConnectionClosed.class, connectionClosed);
      add(p, ClientPlugin.BeforeEncode.class, beforeEncode);
      add(p, ClientPlugin.AfterDecode.class, afterDecode);
      add(p, ClientPlugin.WrapSelect.class, wrapSelect);
    }
  }

  List<ClientPlugin> all() {
    return all;
  }

  /** {@code base} wrapped by every WrapSelect plugin, the first added innermost, as in rpcx. */
  SelectFunction wrapSelect(SelectFunction base) {
    SelectFunction f = base;
    for (ClientPlugin.WrapSelect p : wrapSelect) {
      f = p.wrapSelect(f);
    }
    return f;
  }

  private static <T> void add(ClientPlugin p, Class<T> hook, List<T> list) {
    if (hook.isInstance(p)) {
      list.add(hook.cast(p));
    }
  }

  boolean hasPostCall() {
    return !postCall.isEmpty();
  }

  void callStarted(Call<?> call, Message request, String address) {
    for (ClientPlugin.CallStarted p : callStarted) {
      try {
        p.callStarted(call, request, address);
      } catch (Exception e) {
        log.warn(
            "CallStarted plugin {} failed on {}.{}; the call goes on",
            p,
            call.servicePath(),
            call.serviceMethod(),
            e);
      }
    }
  }

  void preCall(Context ctx, String path, String method, Object args) throws Exception {
    for (ClientPlugin.PreCall p : preCall) {
      p.preCall(ctx, path, method, args);
    }
  }

  void postCall(
      Context ctx, String path, String method, Object args, Object reply, Throwable error) {
    for (ClientPlugin.PostCall p : postCall) {
      try {
        p.postCall(ctx, path, method, args, reply, error);
      } catch (Exception e) {
        log.warn("PostCall plugin {} failed", p, e);
      }
    }
  }

  void connectionCreated(String network, String address) throws Exception {
    for (ClientPlugin.ConnectionCreated p : connectionCreated) {
      p.connectionCreated(network, address);
    }
  }

  void connectionCreateFailed(String network, String address, Throwable cause) {
    for (ClientPlugin.ConnectionCreateFailed p : connectionCreateFailed) {
      try {
        p.connectionCreateFailed(network, address, cause);
      } catch (Exception e) {
        log.warn("ConnectionCreateFailed plugin {} failed", p, e);
      }
    }
  }

  void connectionClosed(String network, String address) {
    for (ClientPlugin.ConnectionClosed p : connectionClosed) {
      try {
        p.connectionClosed(network, address);
      } catch (Exception e) {
        log.warn("ConnectionClosed plugin {} failed", p, e);
      }
    }
  }

  void beforeEncode(Message request) {
    for (ClientPlugin.BeforeEncode p : beforeEncode) {
      try {
        p.beforeEncode(request);
      } catch (Exception e) {
        log.warn("BeforeEncode plugin {} failed", p, e);
      }
    }
  }

  void afterDecode(Message message) {
    for (ClientPlugin.AfterDecode p : afterDecode) {
      try {
        p.afterDecode(message);
      } catch (Exception e) {
        log.warn("AfterDecode plugin {} failed", p, e);
      }
    }
  }
}
