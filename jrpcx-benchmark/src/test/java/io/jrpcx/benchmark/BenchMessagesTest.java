package io.jrpcx.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrpcx.benchmark.proto.BenchmarkMessage;
import io.jrpcx.codec.JsonCodec;
import io.jrpcx.codec.MsgPackCodec;
import org.junit.jupiter.api.Test;

class BenchMessagesTest {

  @Test
  void theProtobufMessageIsRpcxBenchmarksShapeAndSize() {
    BenchmarkMessage proto = GoogleMessage1.filled().toProto();

    assertThat(BenchmarkMessage.getDescriptor().getFields()).hasSize(40);
    assertThat(proto.getSerializedSize()).isEqualTo(581);
    assertThat(proto.getField129()).isEqualTo(BenchMessages.TEXT);
    assertThat(proto.getField131()).isEqualTo(BenchMessages.NUMBER);
    assertThat(proto.getField78()).isTrue();
  }

  @Test
  void thePlainMessageRoundTripsThroughMsgPackAndJson() {
    GoogleMessage1 message = GoogleMessage1.filled();
    MsgPackCodec msgpack = new MsgPackCodec();
    JsonCodec json = new JsonCodec();

    assertThat(msgpack.decode(msgpack.encode(message), GoogleMessage1.class)).isEqualTo(message);
    assertThat(json.decode(json.encode(message), GoogleMessage1.class)).isEqualTo(message);
  }

  @Test
  void theServerSetsTwoFieldsOnEitherForm() {
    GoogleMessage1 plain = BenchMessages.serve(GoogleMessage1.filled());
    BenchmarkMessage proto = BenchMessages.serve(GoogleMessage1.filled().toProto());

    assertThat(BenchMessages.isServed(plain)).isTrue();
    assertThat(BenchMessages.isServed(proto)).isTrue();
    assertThat(plain.toProto()).isEqualTo(proto);
    assertThat(BenchMessages.isServed(GoogleMessage1.filled())).isFalse();
  }
}
