package io.jrpcx.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Injects the client configured as {@code jrpcx.clients.<value>}: the {@link
 * io.jrpcx.client.XClient} itself when the field or parameter is an {@code XClient}, otherwise a
 * typed proxy over it ({@code XClient.proxy}) of the interface declared.
 *
 * <pre>{@code
 * @RestController
 * class MulController {
 *   private final ArithApi arith;
 *
 *   MulController(@RpcxClient("arith") ArithApi arith) { this.arith = arith; }
 * }
 * }</pre>
 *
 * <p>Works on fields (no {@code @Autowired} needed: this annotation carries it), constructor
 * parameters and {@code @Bean} method parameters. The context fails to start, naming the
 * injection point, when no such client is configured or the type is neither an interface nor
 * {@code XClient}. Every proxy of one name shares that client's connections.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Autowired
public @interface RpcxClient {
  /** The client's name: the key under {@code jrpcx.clients}. */
  String value();
}
