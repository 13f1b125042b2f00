/**
 * A Spring Boot application with jrpcx: {@link io.jrpcx.examples.spring.Arith} served over rpcx
 * with {@code @RpcxService}, and {@code GET /mul} calling it through an {@code @RpcxClient} proxy
 * ({@link io.jrpcx.examples.spring.MulController}). Start from {@link
 * io.jrpcx.examples.spring.ArithApplication}.
 */
package io.jrpcx.examples.spring;
