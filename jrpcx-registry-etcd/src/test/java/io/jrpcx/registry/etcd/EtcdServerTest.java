package io.jrpcx.registry.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd test fixture finds the binary, and fails loudly (never skips) without one. */
class EtcdServerTest {

  @Test
  void aMissingEtcdBinaryFailsNamingThePackageToInstall(@TempDir Path empty) {
    assertThatThrownBy(() -> EtcdServer.findBinary(empty.toString(), empty.resolve("etcd")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("apt-get install etcd-server");
  }

  @Test
  void theBinaryIsTakenFromPathBeforeTheDebianLocation(@TempDir Path dir) throws Exception {
    Path fake =
        Files.createFile(
            dir.resolve("etcd"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(EtcdServer.findBinary("/nonexistent:" + dir, Path.of("/usr/bin/etcd")))
        .isEqualTo(fake);
    assertThat(EtcdServer.findBinary("/nonexistent", fake)).isEqualTo(fake);
  }
}
