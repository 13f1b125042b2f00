package io.jrpcx.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import org.junit.jupiter.api.Test;

class KVPairTest {

  @Test
  void keySplitsIntoNetworkAndAddress() {
    KVPair node = new KVPair("tcp@10.0.0.5:8972", "");

    assertThat(node.network()).isEqualTo("tcp");
    assertThat(node.address()).isEqualTo("10.0.0.5:8972");
  }

  @Test
  void keyWithoutAtIsTcp() {
    KVPair node = new KVPair("10.0.0.5:8972", "");

    assertThat(node.network()).isEqualTo("tcp");
    assertThat(node.address()).isEqualTo("10.0.0.5:8972");
  }

  @Test
  void unixKeyAddressIsTheSocketPath() {
    KVPair node = new KVPair("unix@/tmp/x.sock", "");

    assertThat(node.network()).isEqualTo("unix");
    assertThat(node.address()).isEqualTo("/tmp/x.sock");
  }

  @Test
  void repeatedKeysKeepEveryValueInOrder() {
    KVPair node = new KVPair("tcp@a:1", "group=g1&weight=10&group=g2");

    assertThat(node.metadata())
        .containsExactly(entry("group", List.of("g1", "g2")), entry("weight", List.of("10")));
    assertThat(node.metadata("group")).isEqualTo("g1");
  }

  @Test
  void valuesAreUrlDecoded() {
    KVPair node = new KVPair("tcp@a:1", "name=a%20b&sum=1%2B1&plus=c+d&k%3Dy=v%26w");

    assertThat(node.metadata("name")).isEqualTo("a b");
    assertThat(node.metadata("sum")).isEqualTo("1+1");
    assertThat(node.metadata("plus")).isEqualTo("c d");
    assertThat(node.metadata("k=y")).isEqualTo("v&w");
  }

  @Test
  void keyWithoutEqualsHasAnEmptyValue() {
    assertThat(new KVPair("tcp@a:1", "flag").metadata("flag")).isEmpty();
  }

  @Test
  void missingMetadataNameReadsAsNull() {
    assertThat(new KVPair("tcp@a:1", "weight=1").metadata("group")).isNull();
  }

  @Test
  void badEscapeReadsAsNoMetadata() {
    KVPair node = new KVPair("tcp@a:1", "weight=10&name=%zz");

    assertThat(node.metadata()).isEmpty();
    assertThat(node.value()).isEqualTo("weight=10&name=%zz");
  }

  @Test
  void nullValueIsEmpty() {
    KVPair node = new KVPair("tcp@a:1", null);

    assertThat(node.value()).isEmpty();
    assertThat(node.metadata()).isEmpty();
    assertThat(node).isEqualTo(new KVPair("tcp@a:1", "")).hasToString("tcp@a:1");
  }

  @Test
  void equalityCoversKeyAndValue() {
    assertThat(new KVPair("tcp@a:1", "w=1"))
        .isEqualTo(new KVPair("tcp@a:1", "w=1"))
        .hasSameHashCodeAs(new KVPair("tcp@a:1", "w=1"))
        .isNotEqualTo(new KVPair("tcp@a:1", "w=2"))
        .isNotEqualTo(new KVPair("tcp@a:2", "w=1"));
  }
}
