package io.jrpcx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API boundary holds: no public signature outside {@code io.jrpcx.internal} names a Netty type
 * or an internal one, except the few listed with their reason.
 */
class InternalBoundaryTest {
  /** Members allowed to cross, each for a jrpcx module that shares the server's internals. */
  private static final Set<String> ALLOWED =
      Set.of(
          // The gateway holds HTTP bodies to the server's memory budget.
          "io.jrpcx.server.Server#memoryBudget",
          // A protocol sharing the server's port (the gateway's HTTP) installs Netty handlers:
          // the one extension point that is Netty-level by nature.
          "io.jrpcx.server.SharedPortProtocol#initChannel");

  @Test
  void noPublicSignatureOutsideInternalNamesNettyOrInternalTypes() throws Exception {
    List<String> crossings = new ArrayList<>();
    for (Class<?> c : publicApiClasses()) {
      for (Method m : c.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic()) {
          List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
          types.add(m.getGenericReturnType());
          types.addAll(List.of(m.getGenericExceptionTypes()));
          check(c.getName() + "#" + m.getName(), types, crossings);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (visible(k.getModifiers())) {
          check(c.getName() + "#<init>", List.of(k.getGenericParameterTypes()), crossings);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(c.getName() + "#" + f.getName(), List.of(f.getGenericType()), crossings);
        }
      }
      List<Type> supers = new ArrayList<>(List.of(c.getGenericInterfaces()));
      if (c.getGenericSuperclass() != null) {
        supers.add(c.getGenericSuperclass());
      }
      check(c.getName() + " (supertypes)", supers, crossings);
    }
    assertThat(crossings).as("public API naming Netty or internal types").isEmpty();
  }

  private static void check(String member, List<Type> types, List<String> crossings) {
    if (ALLOWED.contains(member)) {
      return;
    }
    for (Type t : types) {
      String name = t.getTypeName();
      if (name.contains("io.netty.") || name.contains("io.jrpcx.internal.")) {
        crossings.add(member + ": " + name);
      }
    }
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Public classes of jrpcx-core's main code outside the internal package, nested ones too. */
  private static List<Class<?>> publicApiClasses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path root =
        Path.of(NettyTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String rel = root.relativize(p).toString();
        if (!rel.endsWith(".class") || rel.contains("package-info")) {
          continue;
        }
        String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
        if (name.startsWith("io.jrpcx.internal.")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, InternalBoundaryTest.class.getClassLoader());
        if (isPublicApi(c)) {
          classes.add(c);
        }
      }
    }
    assertThat(classes).as("public API classes found").hasSizeGreaterThan(30);
    return classes;
  }

  private static boolean isPublicApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isSynthetic()) {
        return false;
      }
    }
    return true;
  }
}
