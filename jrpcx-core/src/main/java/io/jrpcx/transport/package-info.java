/**
 * Netty plumbing shared by server and client: event loops (epoll when available, NIO otherwise),
 * TCP and unix-socket addresses, the inbound frame decoder and the batching frame writer.
 *
 * <p>Internal: the classes here are public only so that {@code io.jrpcx.server} and
 * {@code io.jrpcx.client} can use them. They are not API and may change in any release; they are
 * also the only place where Netty types appear.
 */
package io.jrpcx.transport;
