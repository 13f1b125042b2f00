package io.jrpcx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The error code of an exception class, sent in response metadata {@value
 * io.jrpcx.protocol.Message#ERROR_CODE_KEY} next to rpcx's error text.
 *
 * <p>On the server, a service method that throws an exception of an annotated class answers with
 * this code (a {@link ServiceException} built with an explicit code keeps its own). On the client,
 * an {@link io.jrpcx.client.XClient#proxy XClient proxy} whose interface method declares the class
 * in its {@code throws} clause throws it when an error with this code arrives; the class then needs
 * a public constructor {@code (String message, Map<String, String> details)} or {@code (String
 * message)}. The class is chosen from what the interface declares, never from anything the peer
 * sends.
 *
 * <pre>{@code
 * @RpcError(code = "order_not_found")
 * public class OrderNotFoundException extends Exception {
 *   public OrderNotFoundException(String message) { super(message); }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcError {
  /** The code on the wire; not empty. */
  String code();
}
