package io.jrpcx.codec;

import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.impl.UnsupportedTypeDeserializer;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.impl.UnsupportedTypeSerializer;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * What {@link JacksonCodec#checkEncodable} and {@link JacksonCodec#checkDecodable} look for: the
 * failures Jackson would otherwise report only at the first call, found by walking the type, the
 * properties of its beans and the elements of its containers.
 *
 * <ul>
 *   <li>a type Jackson knows and refuses without a module (java.time, Optional or Joda types on a
 *       mapper without their modules);
 *   <li>when decoding, a concrete class Jackson cannot create: no no-argument constructor, no
 *       {@code @JsonCreator}, not a record.
 * </ul>
 *
 * Anything else is left to the call, so a type another codec handles is never refused here: a
 * lookup that throws proves nothing and is skipped.
 */
final class JacksonTypeCheck {
  private final ObjectMapper mapper;
  private final String codec;
  private final boolean decode;
  private final Set<JavaType> seen = new HashSet<>();

  private JacksonTypeCheck(ObjectMapper mapper, String codec, boolean decode) {
    this.mapper = mapper;
    this.codec = codec;
    this.decode = decode;
  }

  static void check(ObjectMapper mapper, String codec, Type type, boolean decode) {
    JavaType t = mapper.constructType(type);
    new JacksonTypeCheck(mapper, codec, decode).visit(t, null);
  }

  private void visit(JavaType t, String path) {
    if (t == null || t.isPrimitive() || t.hasRawClass(Object.class) || !seen.add(t)) {
      return;
    }
    if (decode) {
      visitDeserializer(t, path);
    } else {
      visitSerializer(t, path);
    }
    if (t.isContainerType() || t.isReferenceType()) {
      visit(t.getKeyType(), where(path, t) + " key");
      visit(t.getContentType(), where(path, t) + " element");
    }
  }

  private void visitSerializer(JavaType t, String path) {
    JsonSerializer<Object> ser;
    try {
      ser = mapper.getSerializerProviderInstance().findValueSerializer(t);
    } catch (Exception e) {
      return;
    }
    if (ser instanceof UnsupportedTypeSerializer) {
      fail("encode", t, path, unsupported(t));
    }
    if (ser instanceof BeanSerializerBase) {
      for (Iterator<PropertyWriter> it = ser.properties(); it.hasNext(); ) {
        PropertyWriter w = it.next();
        visit(w.getType(), where(path, t) + "." + w.getName());
      }
    }
  }

  private void visitDeserializer(JavaType t, String path) {
    DeserializationConfig config = mapper.getDeserializationConfig();
    JsonDeserializer<Object> deser;
    try {
      deser =
          ((DefaultDeserializationContext) mapper.getDeserializationContext())
              .createDummyInstance(config)
              .findRootValueDeserializer(t);
    } catch (Exception e) {
      return;
    }
    if (deser instanceof UnsupportedTypeDeserializer) {
      fail("decode", t, path, unsupported(t));
    }
    if (deser instanceof BeanDeserializerBase) {
      BeanDeserializerBase bean = (BeanDeserializerBase) deser;
      ValueInstantiator vi = bean.getValueInstantiator();
      Class<?> raw = t.getRawClass();
      if (!raw.isInterface() && !Modifier.isAbstract(raw.getModifiers()) && !vi.canInstantiate()) {
        fail(
            "decode",
            t,
            path,
            "Jackson cannot create it: give it a no-argument constructor (it may be private),"
                + " make it a record, or mark a constructor @JsonCreator");
      }
      for (Iterator<SettableBeanProperty> it = bean.properties(); it.hasNext(); ) {
        SettableBeanProperty p = it.next();
        visit(p.getType(), where(path, t) + "." + p.getName());
      }
      SettableBeanProperty[] creatorProps = vi.getFromObjectArguments(config);
      if (creatorProps != null) {
        for (SettableBeanProperty p : creatorProps) {
          visit(p.getType(), where(path, t) + "." + p.getName());
        }
      }
    }
  }

  private static String unsupported(JavaType t) {
    return "Jackson handles "
        + t.getRawClass().getName()
        + " only with a module this mapper does not have (java.time: jackson-datatype-jsr310,"
        + " Optional: jackson-datatype-jdk8; the default codecs have both)";
  }

  private static String where(String path, JavaType t) {
    return path != null ? path : t.getRawClass().getSimpleName();
  }

  private void fail(String what, JavaType t, String path, String why) {
    throw new IllegalArgumentException(
        codec
            + " cannot "
            + what
            + " "
            + t.toCanonical()
            + (path == null ? "" : " (" + path + ")")
            + ": "
            + why);
  }
}
