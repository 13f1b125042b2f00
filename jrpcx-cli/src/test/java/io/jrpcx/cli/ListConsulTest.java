package io.jrpcx.cli;

import io.jrpcx.registry.AbstractRegisterPlugin;
import io.jrpcx.registry.consul.ConsulRegisterPlugin;
import io.jrpcx.registry.consul.ConsulStandIn;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@code jrpcx list} against the Consul stand-in of jrpcx-registry-consul's tests (no Consul
 * binary can be installed on the build machines).
 */
class ListConsulTest extends RegistryListContract {
  private ConsulStandIn consul;

  @BeforeEach
  void startConsul() throws IOException {
    consul = ConsulStandIn.start();
    closeLast(consul);
  }

  @Override
  String registryUrl() {
    return "consul://" + consul.address();
  }

  @Override
  String unreachableUrl() {
    return "consul://127.0.0.1:" + freePort();
  }

  @Override
  AbstractRegisterPlugin plugin(String serviceAddress, String basePath) {
    return ConsulRegisterPlugin.builder()
        .consulAddress(consul.address())
        .serviceAddress(serviceAddress)
        .basePath(basePath)
        .build();
  }
}
