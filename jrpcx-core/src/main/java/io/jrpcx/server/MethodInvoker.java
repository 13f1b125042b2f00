package io.jrpcx.server;

import io.jrpcx.Context;
import io.jrpcx.RpcName;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletionStage;

/**
 * One service method, resolved once at registration into a method handle so that a call costs no
 * reflection. Supported shapes:
 *
 * <pre>
 * void name(Context|ServerContext ctx, Args args, Reply reply)   rpcx style; Reply built empty
 * Reply name(Args args)                                          Java style
 * Reply name(Context|ServerContext ctx, Args args)               Java style
 * CompletionStage&lt;Reply&gt; ... (either Java style)                 asynchronous
 * </pre>
 */
final class MethodInvoker {
  private static final int NO_CONTEXT = 0;
  private static final int CONTEXT = 1;
  private static final int SERVER_CONTEXT = 2;

  final String name;
  final Type argType;

  /** What the reply is encoded as: the reply parameter, the return type, or what it completes to. */
  final Type replyType;

  final boolean rpcxStyle;

  /** Runs on the network thread: annotated {@link NonBlocking}, or its class is. */
  final boolean nonBlocking;

  private final int contextKind;
  private final MethodHandle handle;
  private final MethodHandle replyFactory;

  private MethodInvoker(
      String name,
      Type argType,
      Type replyType,
      boolean rpcxStyle,
      boolean nonBlocking,
      int contextKind,
      MethodHandle handle,
      MethodHandle replyFactory) {
    this.name = name;
    this.argType = argType;
    this.replyType = replyType;
    this.rpcxStyle = rpcxStyle;
    this.nonBlocking = nonBlocking;
    this.contextKind = contextKind;
    this.handle = handle;
    this.replyFactory = replyFactory;
  }

  /**
   * Returns the invoker for {@code method} of {@code target}, or null when the method does not
   * have a supported shape. Throws when it has the rpcx shape but its reply cannot be built.
   */
  static MethodInvoker of(Object target, Method method) {
    int mod = method.getModifiers();
    if (!Modifier.isPublic(mod)
        || Modifier.isStatic(mod)
        || method.isBridge()
        || method.isSynthetic()
        || method.getDeclaringClass() == Object.class
        || overridesObjectMethod(method)) {
      return null;
    }
    Class<?>[] params = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    Class<?> ret = method.getReturnType();
    int firstKind = params.length > 0 ? contextKind(params[0]) : NO_CONTEXT;
    String name = rpcName(method);
    boolean nonBlocking =
        method.isAnnotationPresent(NonBlocking.class)
            || target.getClass().isAnnotationPresent(NonBlocking.class);
    try {
      method.setAccessible(true); // public methods of non-public classes, e.g. nested services
      MethodHandle mh = MethodHandles.lookup().unreflect(method).bindTo(target);
      if (params.length == 3 && firstKind != NO_CONTEXT && ret == void.class) {
        Class<?> replyClass = params[2];
        MethodHandle factory = replyFactory(method, replyClass);
        MethodHandle h =
            mh.asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class));
        return new MethodInvoker(
            name, generic[1], generic[2], true, nonBlocking, firstKind, h, factory);
      }
      if (ret == void.class) {
        return null; // Java style must return its reply; void one-arg methods look like setters
      }
      if (params.length == 2 && firstKind != NO_CONTEXT) {
        MethodHandle h = mh.asType(MethodType.methodType(Object.class, Object.class, Object.class));
        return new MethodInvoker(
            name, generic[1], replyType(method), false, nonBlocking, firstKind, h, null);
      }
      if (params.length == 1 && firstKind == NO_CONTEXT) {
        MethodHandle h = mh.asType(MethodType.methodType(Object.class, Object.class));
        return new MethodInvoker(
            name, generic[0], replyType(method), false, nonBlocking, NO_CONTEXT, h, null);
      }
      return null;
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot use " + method + " as a service method: " + e.getMessage(), e);
    }
  }

  /** Builds the empty reply an rpcx-style method fills in. */
  Object newReply() throws Throwable {
    return (Object) replyFactory.invokeExact();
  }

  /**
   * Runs the method. Returns the reply: the filled {@code reply} for rpcx style, the returned
   * value, or a {@link java.util.concurrent.CompletionStage} for asynchronous methods.
   */
  Object invoke(ServerContext ctx, Object args, Object reply) throws Throwable {
    Object c =
        contextKind == SERVER_CONTEXT ? ctx : contextKind == CONTEXT ? ctx.toMethodContext() : null;
    if (rpcxStyle) {
      handle.invokeExact(c, args, reply);
      return reply;
    }
    if (contextKind == NO_CONTEXT) {
      return (Object) handle.invokeExact(args);
    }
    return (Object) handle.invokeExact(c, args);
  }

  /**
   * The type a Java-style method's reply is encoded from: its return type, or for a
   * {@link CompletionStage} what it completes to (Object when the method does not say).
   */
  private static Type replyType(Method method) {
    Type ret = method.getGenericReturnType();
    if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
      if (ret instanceof ParameterizedType
          && ((ParameterizedType) ret).getRawType() instanceof Class
          && CompletionStage.class.isAssignableFrom(
              (Class<?>) ((ParameterizedType) ret).getRawType())) {
        return ((ParameterizedType) ret).getActualTypeArguments()[0];
      }
      return Object.class;
    }
    return ret;
  }

  static String rpcName(Method method) {
    RpcName ann = method.getAnnotation(RpcName.class);
    if (ann != null) {
      return ann.value();
    }
    String n = method.getName();
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  private static int contextKind(Class<?> type) {
    if (type == ServerContext.class) {
      return SERVER_CONTEXT;
    }
    return type == Context.class ? CONTEXT : NO_CONTEXT;
  }

  private static MethodHandle replyFactory(Method method, Class<?> replyClass)
      throws IllegalAccessException {
    if (replyClass.isPrimitive()
        || replyClass.isInterface()
        || replyClass.isArray()
        || Modifier.isAbstract(replyClass.getModifiers())) {
      throw new IllegalArgumentException(
          method
              + ": the reply parameter of an rpcx-style method"
              + " must be a concrete class the server can create, not "
              + replyClass.getName());
    }
    Constructor<?> ctor;
    try {
      ctor = replyClass.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          method
              + ": reply type "
              + replyClass.getName()
              + " needs a no-argument constructor so the server can create it",
          e);
    }
    ctor.setAccessible(true);
    return MethodHandles.lookup()
        .unreflectConstructor(ctor)
        .asType(MethodType.methodType(Object.class));
  }

  private static boolean overridesObjectMethod(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
