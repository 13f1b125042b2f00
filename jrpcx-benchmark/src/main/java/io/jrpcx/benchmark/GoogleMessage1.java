package io.jrpcx.benchmark;

import io.jrpcx.benchmark.proto.BenchmarkMessage;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The benchmark message as a plain Java class: the same 40 fields as {@code BenchmarkMessage} in
 * {@code src/main/proto/benchmark.proto} (the protobuf benchmarks' "GoogleMessage1" shape that
 * rpcx-benchmark uses), for the peers that do not speak protobuf: jrpcx with MsgPack or JSON and
 * Dubbo with its default Hessian2. Public fields keep it a plain record that every codec maps the
 * same way.
 *
 * <p>{@link Serializable} is only the marker Dubbo's Hessian2 serialization requires; nothing
 * here uses Java serialization.
 */
public final class GoogleMessage1 implements Serializable {
  private static final long serialVersionUID = 1L;

  public String field1;
  public String field9;
  public String field18;
  public boolean field80;
  public boolean field81;
  public int field2;
  public int field3;
  public int field280;
  public int field6;
  public long field22;
  public String field4;
  public long[] field5 = new long[0];
  public boolean field59;
  public String field7;
  public int field16;
  public int field130;
  public boolean field12;
  public boolean field17;
  public boolean field13;
  public boolean field14;
  public int field104;
  public int field100;
  public int field101;
  public String field102;
  public String field103;
  public int field29;
  public boolean field30;
  public int field60;
  public int field271;
  public int field272;
  public int field150;
  public int field23;
  public boolean field24;
  public int field25;
  public boolean field78;
  public int field67;
  public int field68;
  public int field128;
  public String field129;
  public int field131;

  /** Fields stay at their Java defaults; see {@link #filled()}. */
  public GoogleMessage1() {}

  /**
   * The message every client sends: every string {@link BenchMessages#TEXT}, every number
   * {@link BenchMessages#NUMBER}, every bool true, {@code field5} empty.
   */
  public static GoogleMessage1 filled() {
    GoogleMessage1 m = new GoogleMessage1();
    m.field1 = BenchMessages.TEXT;
    m.field9 = BenchMessages.TEXT;
    m.field18 = BenchMessages.TEXT;
    m.field80 = true;
    m.field81 = true;
    m.field2 = BenchMessages.NUMBER;
    m.field3 = BenchMessages.NUMBER;
    m.field280 = BenchMessages.NUMBER;
    m.field6 = BenchMessages.NUMBER;
    m.field22 = BenchMessages.NUMBER;
    m.field4 = BenchMessages.TEXT;
    m.field59 = true;
    m.field7 = BenchMessages.TEXT;
    m.field16 = BenchMessages.NUMBER;
    m.field130 = BenchMessages.NUMBER;
    m.field12 = true;
    m.field17 = true;
    m.field13 = true;
    m.field14 = true;
    m.field104 = BenchMessages.NUMBER;
    m.field100 = BenchMessages.NUMBER;
    m.field101 = BenchMessages.NUMBER;
    m.field102 = BenchMessages.TEXT;
    m.field103 = BenchMessages.TEXT;
    m.field29 = BenchMessages.NUMBER;
    m.field30 = true;
    m.field60 = BenchMessages.NUMBER;
    m.field271 = BenchMessages.NUMBER;
    m.field272 = BenchMessages.NUMBER;
    m.field150 = BenchMessages.NUMBER;
    m.field23 = BenchMessages.NUMBER;
    m.field24 = true;
    m.field25 = BenchMessages.NUMBER;
    m.field78 = true;
    m.field67 = BenchMessages.NUMBER;
    m.field68 = BenchMessages.NUMBER;
    m.field128 = BenchMessages.NUMBER;
    m.field129 = BenchMessages.TEXT;
    m.field131 = BenchMessages.NUMBER;
    return m;
  }

  /** The same values as a protobuf message. */
  public BenchmarkMessage toProto() {
    BenchmarkMessage.Builder b = BenchmarkMessage.newBuilder();

    b.setField1(field1);
    b.setField9(field9);
    b.setField18(field18);
    b.setField80(field80);
    b.setField81(field81);
    b.setField2(field2);
    b.setField3(field3);
    b.setField280(field280);
    b.setField6(field6);
    b.setField22(field22);
    b.setField4(field4);
    for (long v : field5) {
      b.addField5(v);
    }
    b.setField59(field59);
    b.setField7(field7);
    b.setField16(field16);
    b.setField130(field130);
    b.setField12(field12);
    b.setField17(field17);
    b.setField13(field13);
    b.setField14(field14);
    b.setField104(field104);
    b.setField100(field100);
    b.setField101(field101);
    b.setField102(field102);
    b.setField103(field103);
    b.setField29(field29);
    b.setField30(field30);
    b.setField60(field60);
    b.setField271(field271);
    b.setField272(field272);
    b.setField150(field150);
    b.setField23(field23);
    b.setField24(field24);
    b.setField25(field25);
    b.setField78(field78);
    b.setField67(field67);
    b.setField68(field68);
    b.setField128(field128);
    b.setField129(field129);
    b.setField131(field131);
    return b.build();
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof GoogleMessage1)) {
      return false;
    }
    GoogleMessage1 o = (GoogleMessage1) other;
    return Objects.equals(field1, o.field1)
        && Objects.equals(field9, o.field9)
        && Objects.equals(field18, o.field18)
        && field80 == o.field80
        && field81 == o.field81
        && field2 == o.field2
        && field3 == o.field3
        && field280 == o.field280
        && field6 == o.field6
        && field22 == o.field22
        && Objects.equals(field4, o.field4)
        && Arrays.equals(field5, o.field5)
        && field59 == o.field59
        && Objects.equals(field7, o.field7)
        && field16 == o.field16
        && field130 == o.field130
        && field12 == o.field12
        && field17 == o.field17
        && field13 == o.field13
        && field14 == o.field14
        && field104 == o.field104
        && field100 == o.field100
        && field101 == o.field101
        && Objects.equals(field102, o.field102)
        && Objects.equals(field103, o.field103)
        && field29 == o.field29
        && field30 == o.field30
        && field60 == o.field60
        && field271 == o.field271
        && field272 == o.field272
        && field150 == o.field150
        && field23 == o.field23
        && field24 == o.field24
        && field25 == o.field25
        && field78 == o.field78
        && field67 == o.field67
        && field68 == o.field68
        && field128 == o.field128
        && Objects.equals(field129, o.field129)
        && field131 == o.field131;
  }

  @Override
  public int hashCode() {
    return Objects.hash(field1, field2, field22);
  }
}
