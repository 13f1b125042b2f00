package io.jrpcx.spring.boot;

import io.netty.util.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.springframework.util.ClassUtils;

/**
 * Refuses to start on Netty 4.1. Spring Boot 3.5's dependency management picks Netty 4.1, and
 * jrpcx is built on 4.2's API: without this check the application would fail later with a bare
 * {@code NoClassDefFoundError} from the first server or client, far from the cause.
 */
final class NettyCheck {
  /** A class new in Netty 4.2 that jrpcx's transport is built on. */
  static final String NETTY_42_CLASS = "io.netty.channel.MultiThreadIoEventLoopGroup";

  private NettyCheck() {}

  /**
   * Checks that {@code classLoader} sees Netty 4.2.
   *
   * @throws IllegalStateException saying which Netty was found and how to get 4.2
   */
  static void check(ClassLoader classLoader) {
    if (!ClassUtils.isPresent(NETTY_42_CLASS, classLoader)) {
      throw new IllegalStateException(message(foundVersion(classLoader), builtWith()));
    }
  }

  static String message(String found, String builtWith) {
    return "jrpcx needs Netty 4.2 (it was built with "
        + builtWith
        + ") but the class path has Netty "
        + found
        + ", and lacks "
        + NETTY_42_CLASS
        + ". Spring Boot 3.5 manages Netty 4.1: with spring-boot-starter-parent set"
        + " <netty.version>"
        + builtWith
        + "</netty.version> in the pom's <properties>; with spring-boot-dependencies imported,"
        + " import io.netty:netty-bom:"
        + builtWith
        + " (or io.jrpcx:jrpcx-bom) before it";
  }

  /** The version of netty-common on the class path, as Netty reports it. */
  private static String foundVersion(ClassLoader classLoader) {
    try {
      Version v = Version.identify(classLoader).get("netty-common");
      return v == null ? "of an unknown version" : v.artifactVersion();
    } catch (LinkageError e) {
      // io.netty.util.Version is netty-common's: without it there is no Netty version to tell
      return "without netty-common";
    }
  }

  /** The Netty version this starter was built and tested with. */
  static String builtWith() {
    Properties p = new Properties();
    try (InputStream in = NettyCheck.class.getResourceAsStream("jrpcx-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("netty.version", "4.2");
  }
}
