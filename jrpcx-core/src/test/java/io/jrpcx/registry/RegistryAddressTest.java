package io.jrpcx.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryAddressTest {
  @Test
  void anEtcdAddressGivesItsHostsWithTheDefaultPortWhereNoneIsWritten() {
    RegistryAddress a = RegistryAddress.parse("etcd://10.0.0.1:2379,10.0.0.2,[::1]");
    assertThat(a.scheme()).isEqualTo("etcd");
    assertThat(a.hostsFor(2379, "etcd"))
        .containsExactly("10.0.0.1:2379", "10.0.0.2:2379", "[::1]:2379");
    assertThat(a).hasToString("etcd://10.0.0.1:2379,10.0.0.2,[::1]");
  }

  @Test
  void aRedisAddressKeepsItsPasswordAndDatabase() {
    RegistryAddress a = RegistryAddress.parse("redis://:s3cret@127.0.0.1:6379/2");
    assertThat(a.userInfo()).isEqualTo(":s3cret");
    assertThat(a.hosts()).containsExactly("127.0.0.1:6379");
    assertThat(a.path()).isEqualTo("/2");
  }

  @Test
  void mdnsNeedsNoHost() {
    RegistryAddress a = RegistryAddress.parse("mdns://");
    assertThat(a.hosts()).isEmpty();
    assertThat(RegistryAddress.parse("MDNS://127.0.0.1/local.").path()).isEqualTo("/local.");
  }

  @Test
  void whatARegistryCannotUseIsRefusedNamingTheAddress() {
    assertThatThrownBy(() -> RegistryAddress.parse("127.0.0.1:2379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'127.0.0.1:2379' has no scheme");
    assertThatThrownBy(() -> RegistryAddress.parse("etcd://").hostsFor(2379, "etcd"))
        .hasMessageContaining("'etcd://' names no server");
    assertThatThrownBy(() -> RegistryAddress.parse("etcd://u:p@h:1").hostsFor(2379, "etcd"))
        .hasMessageContaining("no user, path or query");
    assertThatThrownBy(() -> RegistryAddress.parse("consul://h:1").hostsFor(2379, "etcd"))
        .hasMessageContaining("is a consul:// address; expected etcd://");
    assertThatThrownBy(() -> RegistryAddress.parse("etcd://h:99999").hostsFor(2379, "etcd"))
        .hasMessageContaining("host 'h:99999' has no valid port");
    assertThatThrownBy(() -> RegistryAddress.parse("etcd://::1:2379").hostsFor(2379, "etcd"))
        .hasMessageContaining("write it in brackets");
    assertThatThrownBy(() -> RegistryAddress.parse("etcd://a,,b"))
        .hasMessageContaining("empty host");
  }

  @Test
  void aSchemeWhoseModuleIsMissingNamesTheModuleToAdd() {
    // jrpcx-core's tests have no registry module on the class path.
    assertThatThrownBy(() -> Registries.discovery("etcd://127.0.0.1:2379", "/rpcx_test", "Arith"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "registry address 'etcd://127.0.0.1:2379' needs io.jrpcx:jrpcx-registry-etcd on the"
                + " class path; it is not there");
    assertThatThrownBy(() -> Registries.registerPlugin("zk://127.0.0.1:2181", "/rpcx_test"))
        .hasMessageContaining("io.jrpcx:jrpcx-registry-zookeeper");
  }

  @Test
  void anUnknownSchemeIsRefused() {
    assertThatThrownBy(() -> Registries.template("eureka://127.0.0.1:8761", "/rpcx_test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("registry address 'eureka://127.0.0.1:8761': unknown registry");
  }

  @Test
  void hostsAreListedAsWritten() {
    assertThat(RegistryAddress.parse("zk://a:1,b:2").hosts()).isEqualTo(List.of("a:1", "b:2"));
  }
}
