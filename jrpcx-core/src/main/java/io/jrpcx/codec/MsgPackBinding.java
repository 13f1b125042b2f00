package io.jrpcx.codec;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializer;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.FieldProperty;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.impl.UnknownSerializer;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How {@link MsgPackFastPath} reads and writes one "plain" class: its properties in the order
 * Jackson writes them, each a field of a supported type, with the msgpack bytes of its key.
 *
 * <p>A class is plain when Jackson would treat it as a vanilla bean: concrete, not a record, enum,
 * collection, map or JDK class, no Jackson (or {@code java.beans}) annotation anywhere on it, its
 * supertypes, fields, methods or constructors, a no-argument constructor, and every property a
 * field of a supported type (see {@link Kind}), nested plain classes included. The analysis does
 * not trust itself: it asks the mapper for the serializer and deserializer it would use and
 * requires exactly a {@link BeanSerializer} (or the empty-bean serializer) and a
 * {@link BeanDeserializer} built on the default constructor, whose properties are these very
 * fields, in this very order. Anything else is {@link #NOT_PLAIN} and stays with Jackson.
 */
final class MsgPackBinding {
  /** The shared answer for every class the fast path leaves to Jackson. */
  static final MsgPackBinding NOT_PLAIN = new MsgPackBinding();

  /** What a property holds, and so how its value is written and read. */
  enum Kind {
    INT,
    LONG,
    SHORT,
    BYTE,
    BOOLEAN,
    DOUBLE,
    FLOAT,
    BOXED_INT,
    BOXED_LONG,
    BOXED_SHORT,
    BOXED_BYTE,
    BOXED_BOOLEAN,
    BOXED_DOUBLE,
    BOXED_FLOAT,
    STRING,
    BYTES,
    INTS,
    LONGS,
    BEAN
  }

  /** One property: a field, its kind, its key as msgpack bytes (header included). */
  static final class Property {
    final Field field;
    final Kind kind;
    final byte[] key;

    /** The key's UTF-8 bytes without the header, what a decoder compares against. */
    final byte[] name;

    final String lowerName;

    /** For {@link Kind#BEAN}: the declared class, bound on first use (cycles are allowed). */
    final Class<?> beanType;

    private volatile MsgPackBinding beanBinding;

    Property(Field field, Kind kind, Locale locale) {
      this.field = field;
      this.kind = kind;
      this.name = field.getName().getBytes(StandardCharsets.UTF_8);
      this.key = MsgPackFastWriter.strBytes(name);
      this.lowerName = field.getName().toLowerCase(locale);
      this.beanType = kind == Kind.BEAN ? field.getType() : null;
    }

    MsgPackBinding beanBinding(ClassValue<MsgPackBinding> bindings) {
      MsgPackBinding b = beanBinding;
      if (b == null) {
        b = bindings.get(beanType);
        beanBinding = b;
      }
      return b;
    }
  }

  final Class<?> type;
  final Property[] properties;
  final Constructor<?> constructor;

  /** Open addressing over the properties' names: slot holds index + 1, 0 when empty. */
  private final int[] slots;

  private MsgPackBinding() {
    type = null;
    properties = new Property[0];
    constructor = null;
    slots = new int[0];
  }

  private MsgPackBinding(Class<?> type, Property[] properties, Constructor<?> constructor) {
    this.type = type;
    this.properties = properties;
    this.constructor = constructor;
    int size = Integer.highestOneBit(Math.max(1, properties.length) * 2) << 1;
    slots = new int[size];
    for (int i = 0; i < properties.length; i++) {
      byte[] n = properties[i].name;
      int slot = hash(n, 0, n.length) & (size - 1);
      while (slots[slot] != 0) {
        slot = (slot + 1) & (size - 1);
      }
      slots[slot] = i + 1;
    }
  }

  boolean isPlain() {
    return this != NOT_PLAIN;
  }

  /**
   * The property whose name is exactly {@code data[off, off + len)}, trying {@code hint} (the one
   * after the previous key, as peers write them in order) first; -1 when none.
   */
  int indexOf(byte[] data, int off, int len, int hint) {
    if (hint < properties.length && sameBytes(properties[hint].name, data, off, len)) {
      return hint;
    }
    int mask = slots.length - 1;
    int slot = hash(data, off, len) & mask;
    for (int s; (s = slots[slot]) != 0; slot = (slot + 1) & mask) {
      if (sameBytes(properties[s - 1].name, data, off, len)) {
        return s - 1;
      }
    }
    return -1;
  }

  /** Jackson's case-insensitive match: both sides lower-cased with the mapper's locale. */
  int indexOfLowerCase(String lowerKey) {
    for (int i = 0; i < properties.length; i++) {
      if (properties[i].lowerName.equals(lowerKey)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameBytes(byte[] name, byte[] data, int off, int len) {
    if (name.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (name[i] != data[off + i]) {
        return false;
      }
    }
    return true;
  }

  private static int hash(byte[] b, int off, int len) {
    int h = len;
    for (int i = 0; i < len; i++) {
      h = h * 31 + b[off + i];
    }
    return h ^ (h >>> 16);
  }

  // ---- analysis ---------------------------------------------------------------------------------

  /** Builds the binding of {@code type} for {@code mapper}, or {@link #NOT_PLAIN}. */
  static MsgPackBinding analyse(Class<?> type, ObjectMapper mapper) {
    Locale locale = mapper.getDeserializationConfig().getLocale();
    Map<Class<?>, Boolean> seen = new IdentityHashMap<>();
    if (!isPlain(type, mapper, locale, seen)) {
      return NOT_PLAIN;
    }
    List<Field> fields = fieldsOf(type);
    Property[] properties = new Property[fields.size()];
    try {
      for (int i = 0; i < properties.length; i++) {
        Field f = fields.get(i);
        f.setAccessible(true); // getDeclaredFields hands out fresh copies: open the ones kept
        properties[i] = new Property(f, kindOf(f), locale);
      }
      Constructor<?> ctor = type.getDeclaredConstructor();
      ctor.setAccessible(true);
      return new MsgPackBinding(type, properties, ctor);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return NOT_PLAIN;
    }
  }

  /**
   * Whether {@code type} and every class its bean fields declare are plain; {@code seen} breaks
   * cycles (a class being checked counts as plain; if it is not, the outer call says so).
   */
  private static boolean isPlain(
      Class<?> type, ObjectMapper mapper, Locale locale, Map<Class<?>, Boolean> seen) {
    Boolean known = seen.get(type);
    if (known != null) {
      return known;
    }
    seen.put(type, Boolean.TRUE);
    boolean plain = isPlainShape(type, locale) && jacksonAgrees(type, mapper);
    if (plain) {
      for (Field f : fieldsOf(type)) {
        if (kindOf(f) == Kind.BEAN && !isPlain(f.getType(), mapper, locale, seen)) {
          plain = false;
          break;
        }
      }
    }
    seen.put(type, plain);
    return plain;
  }

  /** The checks that need only reflection. */
  private static boolean isPlainShape(Class<?> type, Locale locale) {
    int mods = type.getModifiers();
    if (type.isPrimitive()
        || type.isArray()
        || type.isInterface()
        || type.isEnum()
        || type.isRecord()
        || type.isAnnotation()
        || type.isAnonymousClass()
        || type.isLocalClass()
        || type.isSynthetic()
        || type.isHidden()
        || Modifier.isAbstract(mods)
        || (type.isMemberClass() && !Modifier.isStatic(mods))
        || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || Iterable.class.isAssignableFrom(type)
        || Map.Entry.class.isAssignableFrom(type)
        || Throwable.class.isAssignableFrom(type)
        || CharSequence.class.isAssignableFrom(type)
        || Number.class.isAssignableFrom(type)) {
      return false;
    }
    Set<String> lowerNames = new HashSet<>();
    for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
      String pkg = c.getPackageName();
      if (pkg.startsWith("java.")
          || pkg.startsWith("javax.")
          || pkg.startsWith("jdk.")
          || pkg.startsWith("sun.")
          || pkg.startsWith("com.fasterxml.jackson")
          || hasJacksonAnnotation(c)) {
        return false;
      }
      for (Class<?> i : allInterfaces(c)) {
        if (i.getPackageName().startsWith("com.fasterxml.jackson") || hasJacksonAnnotation(i)) {
          return false;
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (hasJacksonAnnotation(f)) {
          return false;
        }
      }
      for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
        if (hasJacksonAnnotation(m) || hasParameterAnnotation(m)) {
          return false;
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (hasJacksonAnnotation(k) || hasParameterAnnotation(k)) {
          return false;
        }
      }
    }
    try {
      type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      return false;
    }
    for (Field f : fieldsOf(type)) {
      if (kindOf(f) == null || !lowerNames.add(f.getName().toLowerCase(locale))) {
        return false; // an unsupported type, or two names Jackson would confuse when reading
      }
      try {
        f.setAccessible(true);
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  private static Set<Class<?>> allInterfaces(Class<?> c) {
    Set<Class<?>> out = new HashSet<>();
    List<Class<?>> todo = new ArrayList<>(List.of(c.getInterfaces()));
    while (!todo.isEmpty()) {
      Class<?> i = todo.remove(todo.size() - 1);
      if (out.add(i)) {
        todo.addAll(List.of(i.getInterfaces()));
      }
    }
    return out;
  }

  /**
   * Jackson's own view: the serializer and deserializer it would use are the vanilla bean ones,
   * over exactly {@link #fieldsOf} in that order, built on the no-argument constructor.
   */
  private static boolean jacksonAgrees(Class<?> type, ObjectMapper mapper) {
    List<Field> fields = fieldsOf(type);
    try {
      JsonSerializer<Object> ser =
          mapper.getSerializerProviderInstance().findTypedValueSerializer(type, true, null);
      if (ser.getClass() == BeanSerializer.class) {
        Iterator<PropertyWriter> writers = ser.properties();
        for (Field f : fields) {
          if (!writers.hasNext()) {
            return false;
          }
          PropertyWriter w = writers.next();
          if (w.getClass() != BeanPropertyWriter.class
              || !isField(w.getMember(), f)
              || !w.getName().equals(f.getName())) {
            return false;
          }
        }
        if (writers.hasNext()) {
          return false;
        }
      } else if (!(ser instanceof UnknownSerializer && fields.isEmpty())) {
        return false;
      }

      DeserializationConfig config = mapper.getDeserializationConfig();
      JavaType javaType = mapper.constructType(type);
      JsonDeserializer<Object> deser =
          ((DefaultDeserializationContext) mapper.getDeserializationContext())
              .createDummyInstance(config)
              .findRootValueDeserializer(javaType);
      if (deser.getClass() != BeanDeserializer.class) {
        return false;
      }
      BeanDeserializer bean = (BeanDeserializer) deser;
      ValueInstantiator vi = bean.getValueInstantiator();
      if (!vi.canCreateUsingDefault()
          || vi.canCreateFromObjectWith()
          || vi.canCreateUsingDelegate()
          || vi.canCreateUsingArrayDelegate()) {
        return false;
      }
      Set<Field> expected = new HashSet<>(fields);
      int count = 0;
      for (Iterator<SettableBeanProperty> it = bean.properties(); it.hasNext(); count++) {
        SettableBeanProperty p = it.next();
        if (p.getClass() != FieldProperty.class
            || !(p.getMember().getMember() instanceof Field)
            || !expected.contains((Field) p.getMember().getMember())
            || !p.getName().equals(((Field) p.getMember().getMember()).getName())) {
          return false;
        }
      }
      return count == fields.size();
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean isField(AnnotatedMember member, Field f) {
    return member != null && member.getMember() instanceof Field && member.getMember().equals(f);
  }

  /**
   * The properties Jackson finds with field visibility ANY: instance fields that are neither
   * static, transient nor synthetic, superclass fields first, each class in declaration order.
   */
  static List<Field> fieldsOf(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      chain.add(0, c);
    }
    List<Field> out = new ArrayList<>();
    for (Class<?> c : chain) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /** The kind of a field's declared type, or null when the fast path does not handle it. */
  static Kind kindOf(Field f) {
    if (!(f.getGenericType() instanceof Class)) {
      return null;
    }
    Class<?> t = f.getType();
    if (t == int.class) {
      return Kind.INT;
    } else if (t == long.class) {
      return Kind.LONG;
    } else if (t == short.class) {
      return Kind.SHORT;
    } else if (t == byte.class) {
      return Kind.BYTE;
    } else if (t == boolean.class) {
      return Kind.BOOLEAN;
    } else if (t == double.class) {
      return Kind.DOUBLE;
    } else if (t == float.class) {
      return Kind.FLOAT;
    } else if (t == Integer.class) {
      return Kind.BOXED_INT;
    } else if (t == Long.class) {
      return Kind.BOXED_LONG;
    } else if (t == Short.class) {
      return Kind.BOXED_SHORT;
    } else if (t == Byte.class) {
      return Kind.BOXED_BYTE;
    } else if (t == Boolean.class) {
      return Kind.BOXED_BOOLEAN;
    } else if (t == Double.class) {
      return Kind.BOXED_DOUBLE;
    } else if (t == Float.class) {
      return Kind.BOXED_FLOAT;
    } else if (t == String.class) {
      return Kind.STRING;
    } else if (t == byte[].class) {
      return Kind.BYTES;
    } else if (t == int[].class) {
      return Kind.INTS;
    } else if (t == long[].class) {
      return Kind.LONGS;
    } else if (!t.isPrimitive() && !t.isArray() && !t.getPackageName().startsWith("java.")) {
      return Kind.BEAN; // whether it is plain is checked separately, cycles included
    }
    return null;
  }

  private static boolean hasJacksonAnnotation(AnnotatedElement e) {
    for (Annotation a : e.getDeclaredAnnotations()) {
      if (isJacksonish(a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasParameterAnnotation(Executable e) {
    for (Annotation[] as : e.getParameterAnnotations()) {
      for (Annotation a : as) {
        if (isJacksonish(a)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A Jackson annotation, one meta-annotated with one (Jackson's annotation bundles), or a
   * {@code java.beans} one Jackson reads ({@code @ConstructorProperties}, {@code @Transient}).
   */
  private static boolean isJacksonish(Annotation a) {
    Class<? extends Annotation> t = a.annotationType();
    if (t.getPackageName().startsWith("com.fasterxml.jackson")
        || t.getPackageName().startsWith("java.beans")) {
      return true;
    }
    for (Annotation meta : t.getDeclaredAnnotations()) {
      if (meta.annotationType().getPackageName().startsWith("com.fasterxml.jackson")) {
        return true;
      }
    }
    return false;
  }
}
