package io.jrpcx.client.selector;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.jrpcx.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * The default text of a call's arguments for consistent hashing, playing the part of Go's {@code
 * fmt.Sprintf("%v", args)}. It must be the same for equal arguments in every JVM, so an identity
 * hash code (what {@code Object.toString} prints) must never reach it.
 *
 * <ul>
 *   <li>null is {@code <nil>}, as Go prints it;
 *   <li>strings, numbers, booleans, characters and enums are their {@code toString};
 *   <li>a class that overrides {@code toString} is trusted to print its value, and is its {@code
 *       toString};
 *   <li>anything else, including arrays, collections and maps (whose {@code toString} would print
 *       elements that may not override it), is its JSON, map entries sorted by key as Go prints
 *       maps.
 * </ul>
 */
final class ArgsKey implements Function<Object, String> {
  private final JsonCodec json =
      new JsonCodec(
          JsonCodec.newGoCompatibleMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS));

  /** Reflection once per class, not once per call. */
  private final ClassValue<Boolean> printsItsValue =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          if (type.isArray()
              || Collection.class.isAssignableFrom(type)
              || Map.class.isAssignableFrom(type)) {
            return false;
          }
          try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
          } catch (NoSuchMethodException impossible) {
            return false;
          }
        }
      };

  @Override
  public String apply(Object args) {
    if (args == null) {
      return "<nil>";
    }
    if (args instanceof CharSequence
        || args instanceof Number
        || args instanceof Boolean
        || args instanceof Character
        || args instanceof Enum) {
      return args.toString();
    }
    if (printsItsValue.get(args.getClass())) {
      return args.toString();
    }
    try {
      return new String(json.encode(args), StandardCharsets.UTF_8);
    } catch (RuntimeException unencodable) {
      // Selection must not fail the call; all such arguments then share one node.
      return args.getClass().getName();
    }
  }
}
