package io.jrpcx.server;

import io.jrpcx.RpcName;
import io.jrpcx.codec.Codec;
import io.jrpcx.codec.Codecs;
import io.jrpcx.codec.SerializeType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A registered service: its name, registry metadata and methods by rpcx name. */
final class ServiceDefinition {
  private static final Logger log = LoggerFactory.getLogger(ServiceDefinition.class);

  final String name;
  final Object service;
  final String metadata;
  private final Map<String, MethodInvoker> methods;

  private ServiceDefinition(
      String name, Object service, String metadata, Map<String, MethodInvoker> methods) {
    this.name = name;
    this.service = service;
    this.metadata = metadata;
    this.methods = methods;
  }

  static ServiceDefinition of(String name, Object service, String metadata) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("service name is empty");
    }
    Map<String, MethodInvoker> methods = new HashMap<>();
    Method[] candidates = service.getClass().getMethods();
    // Deterministic order makes the duplicate-name error name the same pair every run.
    Arrays.sort(candidates, Comparator.comparing(Method::toGenericString));
    for (Method m : candidates) {
      MethodInvoker invoker =
          MethodInvoker.of(
              service,
              m,
              why -> log.warn("service {}: not serving {}: {}", name, m.toGenericString(), why));
      if (invoker == null) {
        continue;
      }
      MethodInvoker previous = methods.put(invoker.name, invoker);
      if (previous != null) {
        throw new IllegalArgumentException(
            "service "
                + name
                + " has two methods named "
                + invoker.name
                + "; rename one with @RpcName");
      }
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(
          "service "
              + name
              + " ("
              + service.getClass().getName()
              + ") has no public method of a supported shape: void m(Context, Args, Reply),"
              + " Reply m(Args), Reply m(Context, Args), or the same returning void or"
              + " CompletionStage<Reply>");
    }
    return new ServiceDefinition(
        name, service, metadata == null ? "" : metadata, Map.copyOf(methods));
  }

  static String defaultName(Object service) {
    Class<?> type = service.getClass();
    RpcName ann = type.getAnnotation(RpcName.class);
    String name = ann != null ? ann.value() : type.getSimpleName();
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot name an anonymous class; use register(name, service, metadata)");
    }
    return name;
  }

  /**
   * Fails on a method whose argument type no codec can decode, or whose reply type no codec can
   * encode: a client may call in any serialize type the server has, so one codec that can is
   * enough, and the error lists why each of the others cannot.
   */
  void checkTypes(Codecs codecs) {
    for (String methodName : new TreeSet<>(methods.keySet())) {
      MethodInvoker m = methods.get(methodName);
      check(codecs, methodName, "argument", m.argType, true);
      if (!m.voidReply) { // answered with an empty payload: nothing to encode
        check(codecs, methodName, "reply", m.replyType, false);
      }
    }
  }

  private void check(Codecs codecs, String method, String role, Type type, boolean decode) {
    List<String> reasons = new ArrayList<>();
    for (int t = 0; t <= SerializeType.MAX; t++) {
      Codec codec = codecs.get(t);
      if (codec == null) {
        continue;
      }
      try {
        if (decode) {
          codec.checkDecodable(type);
        } else {
          codec.checkEncodable(type);
        }
        return;
      } catch (IllegalArgumentException e) {
        reasons.add(e.getMessage());
      }
    }
    if (!reasons.isEmpty()) {
      throw new IllegalArgumentException(
          "service "
              + name
              + " method "
              + method
              + ": no codec can "
              + (decode ? "decode" : "encode")
              + " its "
              + role
              + " type "
              + type.getTypeName()
              + ": "
              + String.join("; ", reasons));
    }
  }

  MethodInvoker method(String name) {
    return methods.get(name);
  }

  Iterable<String> methodNames() {
    return methods.keySet();
  }
}
