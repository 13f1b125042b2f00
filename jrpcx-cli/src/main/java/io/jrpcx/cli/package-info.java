/**
 * The {@code jrpcx} command line: {@code call} one method and print the reply as JSON,
 * {@code list} the services a registry knows, {@code bench} a method under load. The entry point
 * is {@link io.jrpcx.cli.Jrpcx}; {@code bin/jrpcx} runs it from the shaded jar.
 */
package io.jrpcx.cli;
