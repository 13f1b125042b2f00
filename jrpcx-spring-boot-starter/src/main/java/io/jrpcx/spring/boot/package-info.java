/**
 * Spring Boot auto-configuration for jrpcx: a {@link io.jrpcx.server.Server} serving the beans
 * annotated {@link io.jrpcx.spring.boot.RpcxService}, {@link io.jrpcx.client.XClient}s injected
 * where {@link io.jrpcx.spring.boot.RpcxClient} asks for them, all configured under {@code jrpcx.*}
 * ({@link io.jrpcx.spring.boot.JrpcxProperties}).
 *
 * <p>Start from {@link io.jrpcx.spring.boot.JrpcxAutoConfiguration}; the guide is {@code
 * docs/spring-boot.md}.
 */
package io.jrpcx.spring.boot;
