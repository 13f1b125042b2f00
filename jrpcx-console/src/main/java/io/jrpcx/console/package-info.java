/**
 * The jrpcx console: a web page to see and steer the services and nodes of an rpcx registry and
 * to try calls. Start at {@link io.jrpcx.console.Console}; the page's files are in
 * {@code io/jrpcx/console/web} in the jar.
 */
package io.jrpcx.console;
