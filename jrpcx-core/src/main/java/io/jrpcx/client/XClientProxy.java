package io.jrpcx.client;

import io.jrpcx.Context;
import io.jrpcx.RpcError;
import io.jrpcx.RpcName;
import io.jrpcx.ServiceException;
import io.jrpcx.codec.Codec;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The invocation handler behind {@link XClient#proxy}: every interface method is resolved once,
 * when the proxy is made, to a service method name, an argument shape and a reply type, so a call
 * does no reflection beyond the proxy dispatch itself.
 */
final class XClientProxy implements InvocationHandler {
  private final XClient x;
  private final Class<?> api;
  private final Map<Method, Target> targets;

  private XClientProxy(XClient x, Class<?> api, Map<Method, Target> targets) {
    this.x = x;
    this.api = api;
    this.targets = targets;
  }

  static XClientProxy of(XClient x, Class<?> api) {
    if (!api.isInterface()) {
      throw new IllegalArgumentException(api.getName() + " is not an interface");
    }
    Map<Method, Target> targets = new HashMap<>();
    Codec codec = x.options().codecs().get(x.options().serializeType());
    for (Method m : api.getMethods()) {
      if (m.isDefault() || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Target t = Target.of(m);
      checkTypes(codec, m, t);
      targets.put(m, t);
    }
    return new XClientProxy(x, api, targets);
  }

  /**
   * Fails now, not at the first call, on an argument type the client's codec cannot encode or a
   * reply type it cannot decode.
   */
  private static void checkTypes(Codec codec, Method m, Target t) {
    try {
      if (t.argsIndex >= 0) {
        codec.checkEncodable(m.getGenericParameterTypes()[t.argsIndex]);
      }
      if (!t.returnsVoid) {
        codec.checkDecodable(t.replyType);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(m + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Target t = targets.get(method);
    if (t == null) {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      return objectMethod(proxy, method, args);
    }
    Context ctx = t.hasContext ? (Context) args[0] : Context.background();
    Object callArgs = t.argsIndex < 0 ? null : args[t.argsIndex];
    if (t.async) {
      CompletableFuture<Object> reply = x.callAsync(ctx, t.serviceMethod, callArgs, t.replyType);
      return t.errors.isEmpty() ? reply : t.mapErrors(reply);
    }
    Object reply;
    try {
      reply = x.call(ctx, t.serviceMethod, callArgs, t.replyType);
    } catch (ServiceException e) {
      throw t.declared(e);
    }
    return t.returnsVoid ? null : reply;
  }

  private Object objectMethod(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "XClient proxy of " + api.getName() + " for " + x.servicePath();
      default:
        // An interface proxy receives only equals, hashCode and toString from Object.
        throw new IllegalStateException("unexpected method " + method);
    }
  }

  /** What one interface method calls. */
  private static final class Target {
    final String serviceMethod;
    final boolean hasContext;
    final int argsIndex;
    final boolean async;
    final boolean returnsVoid;
    final Type replyType;

    /** Constructors of the exceptions the method declares, by their {@link RpcError} code. */
    final Map<String, Constructor<? extends Throwable>> errors;

    private Target(
        String serviceMethod,
        boolean hasContext,
        int argsIndex,
        boolean async,
        boolean returnsVoid,
        Type replyType,
        Map<String, Constructor<? extends Throwable>> errors) {
      this.serviceMethod = serviceMethod;
      this.hasContext = hasContext;
      this.argsIndex = argsIndex;
      this.async = async;
      this.returnsVoid = returnsVoid;
      this.replyType = replyType;
      this.errors = errors;
    }

    /**
     * The exception the method declares for {@code e}'s code, with {@code e} as its cause, or
     * {@code e} itself when it has no code or the method declares none for it.
     */
    Throwable declared(ServiceException e) {
      String code = e.code();
      Constructor<? extends Throwable> ctor = code == null ? null : errors.get(code);
      if (ctor == null) {
        return e;
      }
      Throwable mapped;
      try {
        mapped =
            ctor.getParameterCount() == 2
                ? ctor.newInstance(e.getMessage(), e.details())
                : ctor.newInstance(e.getMessage());
      } catch (ReflectiveOperationException | RuntimeException failed) {
        e.addSuppressed(failed);
        return e;
      }
      // The cause keeps the code and details reachable whatever the class stores; a class whose
      // constructor already decided its cause keeps it.
      try {
        mapped.initCause(e);
      } catch (IllegalStateException causeAlreadySet) {
        mapped.addSuppressed(e);
      }
      return mapped;
    }

    /**
     * {@code reply}, but failed with the declared exception where {@link #declared} would throw
     * one: a future method declares its errors as a blocking one does, in {@code throws}.
     */
    CompletableFuture<Object> mapErrors(CompletableFuture<Object> reply) {
      CompletableFuture<Object> out = new CompletableFuture<>();
      reply.whenComplete(
          (value, failure) -> {
            if (failure == null) {
              out.complete(value);
              return;
            }
            Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            out.completeExceptionally(cause instanceof ServiceException se ? declared(se) : cause);
          });
      // Cancelling the future handed out abandons the call, as cancelling callAsync's does.
      out.whenComplete(
          (value, failure) -> {
            if (out.isCancelled()) {
              reply.cancel(true);
            }
          });
      return out;
    }

    static Target of(Method m) {
      Class<?>[] params = m.getParameterTypes();
      boolean hasContext = params.length > 0 && params[0] == Context.class;
      int rest = params.length - (hasContext ? 1 : 0);
      if (rest > 1) {
        throw new IllegalArgumentException(
            m
                + " takes "
                + params.length
                + " parameters; an"
                + " rpcx method takes one arguments object, optionally after a Context");
      }
      int argsIndex = rest == 0 ? -1 : params.length - 1;
      Class<?> raw = m.getReturnType();
      boolean async = raw == CompletableFuture.class || raw == CompletionStage.class;
      boolean returnsVoid = raw == void.class;
      Type replyType;
      if (async) {
        Type generic = m.getGenericReturnType();
        if (!(generic instanceof ParameterizedType)) {
          throw new IllegalArgumentException(m + " must say what its future holds");
        }
        replyType = ((ParameterizedType) generic).getActualTypeArguments()[0];
      } else if (returnsVoid) {
        replyType = Object.class; // the reply is decoded and dropped
      } else {
        replyType = box(m.getGenericReturnType());
      }
      return new Target(
          serviceMethod(m, async),
          hasContext,
          argsIndex,
          async,
          returnsVoid,
          replyType,
          declaredErrors(m));
    }

    /**
     * The exceptions {@code m} declares that carry an {@link RpcError} code, checked now so a
     * class the proxy cannot build fails at {@link XClient#proxy}, not at the first error.
     */
    private static Map<String, Constructor<? extends Throwable>> declaredErrors(Method m) {
      Map<String, Constructor<? extends Throwable>> errors = new HashMap<>();
      for (Class<?> type : m.getExceptionTypes()) {
        RpcError ann = type.getAnnotation(RpcError.class);
        if (ann == null) {
          continue;
        }
        if (ann.code().isEmpty()) {
          throw new IllegalArgumentException(
              m + ": @RpcError of " + type.getName() + " has no code");
        }
        Constructor<? extends Throwable> ctor = constructor(type.asSubclass(Throwable.class));
        if (ctor == null) {
          throw new IllegalArgumentException(
              m
                  + ": "
                  + type.getName()
                  + " needs a public constructor (String message, Map<String, String> details)"
                  + " or (String message) for the proxy to throw it");
        }
        Constructor<? extends Throwable> other = errors.put(ann.code(), ctor);
        if (other != null) {
          throw new IllegalArgumentException(
              m
                  + " declares two exceptions with code "
                  + ann.code()
                  + ": "
                  + other.getDeclaringClass().getName()
                  + " and "
                  + type.getName());
        }
      }
      return errors.isEmpty() ? Map.of() : Map.copyOf(errors);
    }

    private static Constructor<? extends Throwable> constructor(Class<? extends Throwable> type) {
      if (Modifier.isAbstract(type.getModifiers())) {
        return null;
      }
      Constructor<? extends Throwable> ctor;
      try {
        ctor = type.getConstructor(String.class, Map.class);
      } catch (NoSuchMethodException e) {
        try {
          ctor = type.getConstructor(String.class);
        } catch (NoSuchMethodException none) {
          return null;
        }
      }
      // A public constructor of a class nested in a non-public one still needs this.
      ctor.trySetAccessible();
      return ctor;
    }

    /**
     * The rpc method: {@link RpcName}'s value, else the method's name capitalised, with an {@code
     * Async} suffix dropped from a method returning a future, so that {@code mul} and {@code
     * mulAsync} of one interface both call {@code Mul}.
     */
    private static String serviceMethod(Method m, boolean async) {
      RpcName name = m.getAnnotation(RpcName.class);
      if (name != null) {
        return name.value();
      }
      String n = m.getName();
      if (async && n.endsWith("Async") && n.length() > "Async".length()) {
        n = n.substring(0, n.length() - "Async".length());
      }
      return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    private static Type box(Type t) {
      if (!(t instanceof Class) || !((Class<?>) t).isPrimitive()) {
        return t;
      }
      Class<?> c = (Class<?>) t;
      if (c == int.class) {
        return Integer.class;
      }
      if (c == long.class) {
        return Long.class;
      }
      if (c == boolean.class) {
        return Boolean.class;
      }
      if (c == double.class) {
        return Double.class;
      }
      if (c == float.class) {
        return Float.class;
      }
      if (c == short.class) {
        return Short.class;
      }
      if (c == byte.class) {
        return Byte.class;
      }
      return Character.class;
    }
  }
}
