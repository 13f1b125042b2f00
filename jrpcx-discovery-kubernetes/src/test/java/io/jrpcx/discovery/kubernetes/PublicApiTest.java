package io.jrpcx.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The module's public API names no Netty type (core's InternalBoundaryTest rule, applied here):
 * fabric8's Vert.x client runs on Netty, which users must be able to shade. fabric8's own
 * {@code Config} is allowed: it is how Kubernetes credentials are given.
 */
class PublicApiTest {
  @Test
  void noPublicSignatureNamesNettyFabric8ModelsOrJrpcxInternals() {
    List<String> crossings = new ArrayList<>();
    for (Class<?> c : List.of(KubernetesDiscovery.class, KubernetesDiscovery.Builder.class)) {
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
      supers.add(c.getGenericSuperclass());
      check(c.getName() + " (supertypes)", supers, crossings);
    }
    assertThat(crossings).isEmpty();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(String member, List<Type> types, List<String> crossings) {
    for (Type t : types) {
      String name = t.getTypeName();
      boolean fabric8 =
          name.contains("io.fabric8.") && !name.equals("io.fabric8.kubernetes.client.Config");
      if (fabric8 || name.contains("io.netty.") || name.contains("io.jrpcx.internal.")) {
        crossings.add(member + ": " + name);
      }
    }
  }
}
