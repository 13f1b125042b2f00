/**
 * Runnable examples. Start with {@link io.jrpcx.examples.Quickstart}; {@link
 * io.jrpcx.examples.ArithServer}, {@link io.jrpcx.examples.ArithClient} and {@link
 * io.jrpcx.examples.ArithAsyncClient} mirror rpcx's basic examples and talk to their Go
 * counterparts; {@link io.jrpcx.examples.FileServer} and {@link io.jrpcx.examples.FileClient}
 * move files and streams over rpcx's side channel.
 */
package io.jrpcx.examples;
