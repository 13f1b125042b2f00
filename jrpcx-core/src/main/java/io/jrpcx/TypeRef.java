package io.jrpcx;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A reply type with its type arguments, which a {@code Class} cannot carry: {@code List<Item>}
 * decodes as a list of {@code Item}s, where {@code List.class} would give a list of maps. Made as
 * an anonymous subclass, whose superclass keeps the type at run time (Jackson's {@code
 * TypeReference} and Guava's {@code TypeToken} work the same way):
 *
 * <pre>{@code
 * List<Item> items =
 *     client.call(ctx, "Inventory", "List", query, new TypeRef<List<Item>>() {});
 * }</pre>
 *
 * <p>It is a {@link Type}, so it goes wherever the call methods take a reply {@code Type}; they
 * decode into the type it captured. Make one per type and keep it in a constant if it is used
 * often: it is immutable.
 *
 * @param <T> the reply type
 */
public abstract class TypeRef<T> implements Type {
  private final Type type;

  /**
   * Captures {@code T} from the anonymous subclass's declaration.
   *
   * @throws IllegalStateException when made without a type argument ({@code new TypeRef() {}})
   */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType)) {
      throw new IllegalStateException(
          "TypeRef needs its type argument: new TypeRef<List<Item>>() {}");
    }
    this.type = ((ParameterizedType) superclass).getActualTypeArguments()[0];
  }

  /** The captured type, e.g. {@code java.util.List<com.example.Item>}. */
  public final Type type() {
    return type;
  }

  /** The captured type's name, so that a {@code TypeRef} reads as the type it stands for. */
  @Override
  public String getTypeName() {
    return type.getTypeName();
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof TypeRef && ((TypeRef<?>) o).type.equals(type);
  }

  @Override
  public final int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "TypeRef<" + type.getTypeName() + ">";
  }
}
