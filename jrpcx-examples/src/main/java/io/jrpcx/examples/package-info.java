/**
 * Runnable examples. Start with {@link io.jrpcx.examples.Quickstart}; {@link
 * io.jrpcx.examples.ArithServer}, {@link io.jrpcx.examples.ArithClient} and {@link
 * io.jrpcx.examples.ArithAsyncClient} mirror rpcx's basic examples and talk to their Go
 * counterparts.
 */
package io.jrpcx.examples;
