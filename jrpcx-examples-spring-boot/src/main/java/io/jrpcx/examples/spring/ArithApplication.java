package io.jrpcx.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Serves Arith over rpcx and {@code /mul} over HTTP; configuration in {@code application.yml}.
 *
 * <pre>
 * java -jar jrpcx-examples-spring-boot/target/jrpcx-examples-spring-boot.jar \
 *     --jrpcx.server.address=127.0.0.1:8972 --server.port=8080
 * curl 'http://127.0.0.1:8080/mul?a=10&amp;b=20'          # 200
 * curl http://127.0.0.1:8080/actuator/health             # {"status":"UP","components":{"jrpcx":...
 * java -cp jrpcx-examples/target/jrpcx-examples.jar io.jrpcx.examples.ArithClient --addr 127.0.0.1:8972
 * </pre>
 */
@SpringBootApplication
public class ArithApplication {
  /** Starts the application; any {@code --property=value} overrides application.yml. */
  public static void main(String[] args) {
    SpringApplication.run(ArithApplication.class, args);
  }
}
