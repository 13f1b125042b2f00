package io.jrpcx.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * Serves a bean with the jrpcx server configured by {@code jrpcx.server.*}: it is registered
 * under {@link #name()} (the simple name of its class when empty, as {@code
 * Server.register(service)} names it) once the application context has started, and so written to
 * the registry then, if one is configured. It is a {@link Component}: component scanning makes the
 * annotated class a bean.
 *
 * <pre>{@code
 * @RpcxService(name = "Arith", weight = 10, group = "g1")
 * class Arith {
 *   public void mul(Context ctx, Args args, Reply reply) { reply.C = args.A * args.B; }
 * }
 * }</pre>
 *
 * <p>Put it on a component class or on a {@code @Bean} method. A context with such beans and no
 * {@code jrpcx.server.address} fails to start.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcxService {
  /**
   * The service name clients call; empty for the simple name of the bean's class. (Not {@code
   * value}: Spring would take that for the bean's name.)
   */
  String name() default "";

  /** The {@code weight} metadata weighted selectors read; 0 writes none (rpcx then takes 1). */
  int weight() default 0;

  /** The {@code group} metadata; clients with a group call only nodes of their group. */
  String group() default "";

  /** Further metadata as a query string, such as {@code state=inactive&region=eu}. */
  String metadata() default "";
}
