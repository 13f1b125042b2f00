package io.jrpcx.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a service method, or every method of a service class, as one that never blocks: it
 * computes its reply from its arguments, or returns a {@link java.util.concurrent.CompletionStage}
 * at once. Such calls run on the connection's network thread instead of being handed to the
 * handler executor, which saves two thread hand-offs per call.
 *
 * <p>Everything that runs for the call then runs on the network thread: the server's {@link
 * Authenticator}, the {@code PreCall}/{@code PostCall} plugins and argument decoding. None of
 * them may block either; a method that waits on I/O, a lock or another call would stall every
 * connection sharing that thread. Leave such methods unannotated: by default every method runs on
 * the handler executor.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface NonBlocking {}
