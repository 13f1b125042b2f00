package io.jrpcx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rpcx name of a service class or method, when the default does not fit. By default a service
 * is named after its class's simple name and a method after its Java name with the first letter
 * upper-cased ({@code mul} serves {@code Mul}), which is how Go services are named.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RpcName {
  String value();
}
