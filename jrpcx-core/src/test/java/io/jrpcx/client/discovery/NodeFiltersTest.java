package io.jrpcx.client.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeFiltersTest {

  @ParameterizedTest(name = "client group ''{0}'', metadata ''{1}'' -> kept={2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        // No client group: every node is eligible unless inactive.
        "NULL   | ''                          | true",
        "''     | ''                          | true",
        "''     | weight=10                   | true",
        "''     | group=g1                    | true",
        "''     | state=inactive              | false",
        "''     | weight=1&state=inactive     | false",
        "''     | state=active                | true",
        "NULL   | state=inactive&group=g1     | false",
        // Only the first state value counts, as Go's Values.Get reads it.
        "''     | state=active&state=inactive | true",
        // A client group keeps only nodes listing it among their groups.
        "g1     | group=g1                    | true",
        "g1     | group=g2                    | false",
        "g1     | group=g2&group=g1           | true",
        "g1     | group=g1&group=g2           | true",
        "g1     | group=G1                    | false",
        "g1     | group=g1&state=inactive     | false",
        "g1     | group=g%31                  | true",
        // Nodes without a group are excluded when the client has one.
        "g1     | ''                          | false",
        "g1     | weight=10                   | false",
        "g1     | group=                      | false",
        "g1     | &&                          | false",
        // Metadata that does not parse is kept whatever it seems to say.
        "g1     | group=g2&name=%zz           | true",
        "''     | state=inactive&x=%zz        | true",
        "g1     | %                           | true",
      })
  void stateAndGroup(String clientGroup, String metadata, boolean kept) {
    Predicate<KVPair> filter = NodeFilters.stateAndGroup(clientGroup);

    assertThat(filter.test(new KVPair("tcp@10.0.0.1:8972", metadata))).isEqualTo(kept);
  }

  @Test
  void filtersADiscoveryList() {
    KVPair g1 = new KVPair("tcp@a:1", "group=g1&group=g2");
    KVPair g2 = new KVPair("tcp@b:1", "group=g2");
    KVPair inactive = new KVPair("tcp@c:1", "group=g1&state=inactive");
    KVPair noGroup = new KVPair("tcp@d:1", "weight=5");
    MultipleServersDiscovery d = new MultipleServersDiscovery(List.of(g1, g2, inactive, noGroup));

    d.setFilter(NodeFilters.stateAndGroup("g1"));

    assertThat(d.services()).containsExactly(g1);
  }
}
