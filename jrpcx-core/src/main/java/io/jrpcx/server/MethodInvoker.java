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
import java.util.function.Consumer;

/**
 * One service method, resolved once at registration into a method handle so that a call costs no
 * reflection. Supported shapes:
 *
 * <pre>
 * void name(Context|ServerContext ctx, Args args, Reply reply)   rpcx style; Reply built empty
 * Reply name(Args args)                                          Java style
 * Reply name(Context|ServerContext ctx, Args args)               Java style
 * void name(Args args), void name(Context|ServerContext, Args)     Java style; empty reply
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

  /** Returns void without an rpcx reply: answered with an empty payload, as Go does for nil. */
  final boolean voidReply;

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
      boolean voidReply,
      boolean nonBlocking,
      int contextKind,
      MethodHandle handle,
      MethodHandle replyFactory) {
    this.name = name;
    this.argType = argType;
    this.replyType = replyType;
    this.rpcxStyle = rpcxStyle;
    this.voidReply = voidReply;
    this.nonBlocking = nonBlocking;
    this.contextKind = contextKind;
    this.handle = handle;
    this.replyFactory = replyFactory;
  }

  /**
   * Returns the invoker for {@code method} of {@code target}, or null when it is not a service
   * method: not public, or one every object has. Throws when it has the rpcx shape but its reply
   * cannot be built.
   *
   * @param skipped told why a public method that is not of a supported shape is skipped; it is
   *     then null that is returned
   */
  static MethodInvoker of(Object target, Method method, Consumer<String> skipped) {
    int mod = method.getModifiers();
    if (!Modifier.isPublic(mod)
        || method.isBridge()
        || method.isSynthetic()
        || method.getDeclaringClass() == Object.class
        || overridesObjectMethod(method)) {
      return null;
    }
    if (Modifier.isStatic(mod)) {
      skipped.accept("it is static");
      return null;
    }
    Class<?>[] params = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    Class<?> ret = method.getReturnType();
    int firstKind = params.length > 0 ? contextKind(params[0]) : NO_CONTEXT;
    String shapeError = shapeError(params.length, firstKind, ret);
    if (shapeError != null) {
      skipped.accept(shapeError);
      return null;
    }
    String name = rpcName(method);
    boolean nonBlocking =
        method.isAnnotationPresent(NonBlocking.class)
            || target.getClass().isAnnotationPresent(NonBlocking.class);
    boolean returnsVoid = ret == void.class;
    try {
      method.setAccessible(true); // public methods of non-public classes, e.g. nested services
      MethodHandle mh = MethodHandles.lookup().unreflect(method).bindTo(target);
      if (params.length == 3) {
        Class<?> replyClass = params[2];
        MethodHandle factory = replyFactory(method, replyClass);
        MethodHandle h =
            mh.asType(MethodType.methodType(void.class, Object.class, Object.class, Object.class));
        return new MethodInvoker(
            name, generic[1], generic[2], true, false, nonBlocking, firstKind, h, factory);
      }
      Class<?> result = returnsVoid ? void.class : Object.class;
      if (params.length == 2) {
        MethodHandle h = mh.asType(MethodType.methodType(result, Object.class, Object.class));
        return new MethodInvoker(
            name,
            generic[1],
            replyType(method),
            false,
            returnsVoid,
            nonBlocking,
            firstKind,
            h,
            null);
      }
      MethodHandle h = mh.asType(MethodType.methodType(result, Object.class));
      return new MethodInvoker(
          name,
          generic[0],
          replyType(method),
          false,
          returnsVoid,
          nonBlocking,
          NO_CONTEXT,
          h,
          null);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot use " + method + " as a service method: " + e.getMessage(), e);
    }
  }

  /** Why a public method of this shape cannot be served, or null when it can. */
  private static String shapeError(int params, int firstKind, Class<?> ret) {
    String shapes =
        "; the shapes served are void m(Context, Args, Reply), Reply m(Args), Reply m(Context, Args),"
            + " the same returning void or CompletionStage<Reply>";
    if (params == 0 || (params == 1 && firstKind != NO_CONTEXT)) {
      return "it takes no arguments object" + shapes;
    }
    if (params > 3) {
      return "it takes " + params + " parameters" + shapes;
    }
    if (params > 1 && firstKind == NO_CONTEXT) {
      return "it takes "
          + params
          + " parameters and the first is not a Context or ServerContext"
          + shapes;
    }
    if (params == 3 && ret != void.class) {
      return "an rpcx-style method (Context, Args, Reply) fills its reply and returns void, not "
          + ret.getName();
    }
    return null;
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
    if (voidReply) {
      if (contextKind == NO_CONTEXT) {
        handle.invokeExact(args);
      } else {
        handle.invokeExact(c, args);
      }
      return null;
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
