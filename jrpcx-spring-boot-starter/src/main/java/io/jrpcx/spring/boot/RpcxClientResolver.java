package io.jrpcx.spring.boot;

import io.jrpcx.client.XClient;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * Resolves {@link RpcxClient} injection points. Spring asks the autowire candidate resolver for a
 * "suggested value" before it looks for candidate beans (that is how {@code @Value} works); this
 * resolver answers for {@code @RpcxClient} points with the configured client or a proxy over it,
 * and hands every other question to the resolver it wraps. One mechanism thus serves fields,
 * constructor parameters and {@code @Bean} method parameters alike, without a bean per
 * (client, interface) pair.
 */
final class RpcxClientResolver implements AutowireCandidateResolver, BeanFactoryAware {
  private final AutowireCandidateResolver delegate;
  private volatile BeanFactory beanFactory;

  RpcxClientResolver(AutowireCandidateResolver delegate) {
    this.delegate = delegate;
  }

  /**
   * The bean factory post-processor that checks Netty and installs the resolver; it runs before
   * any application bean is made.
   */
  static BeanFactoryPostProcessor installer() {
    return RpcxClientResolver::install;
  }

  private static void install(ConfigurableListableBeanFactory factory) throws BeansException {
    NettyCheck.check(factory.getBeanClassLoader());
    if (factory instanceof DefaultListableBeanFactory dlbf
        && !(dlbf.getAutowireCandidateResolver() instanceof RpcxClientResolver)) {
      dlbf.setAutowireCandidateResolver(
          new RpcxClientResolver(dlbf.getAutowireCandidateResolver()));
    }
  }

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
    if (delegate instanceof BeanFactoryAware aware) {
      aware.setBeanFactory(beanFactory);
    }
  }

  @Override
  public Object getSuggestedValue(DependencyDescriptor descriptor) {
    RpcxClient annotation = descriptor.getAnnotation(RpcxClient.class);
    if (annotation == null) {
      return delegate.getSuggestedValue(descriptor);
    }
    String name = annotation.value();
    Class<?> type = descriptor.getDependencyType();
    if (type != XClient.class && !type.isInterface()) {
      throw new IllegalStateException(
          "@RpcxClient(\""
              + name
              + "\") on "
              + where(descriptor)
              + ": the type must be an interface or XClient, was "
              + type.getName());
    }
    RpcxClients clients = beanFactory.getBeanProvider(RpcxClients.class).getIfAvailable();
    if (clients == null) {
      throw new IllegalStateException(
          "@RpcxClient(\""
              + name
              + "\") on "
              + where(descriptor)
              + ": no jrpcx client is configured; set jrpcx.clients."
              + name
              + ".discovery (and .service)");
    }
    if (!clients.names().contains(name)) {
      throw new IllegalStateException(
          "@RpcxClient(\""
              + name
              + "\") on "
              + where(descriptor)
              + ": there is no jrpcx.clients."
              + name
              + "; configured: "
              + clients.names());
    }
    return type == XClient.class ? clients.client(name) : clients.proxy(name, type);
  }

  private static String where(DependencyDescriptor d) {
    if (d.getField() != null) {
      return "field " + d.getField().getDeclaringClass().getName() + "." + d.getField().getName();
    }
    return "parameter " + d.getMethodParameter().getParameterIndex() + " of " + d.getMember();
  }

  @Override
  public boolean isAutowireCandidate(BeanDefinitionHolder bdHolder, DependencyDescriptor d) {
    return delegate.isAutowireCandidate(bdHolder, d);
  }

  @Override
  public boolean isRequired(DependencyDescriptor descriptor) {
    return delegate.isRequired(descriptor);
  }

  @Override
  public boolean hasQualifier(DependencyDescriptor descriptor) {
    return delegate.hasQualifier(descriptor);
  }

  @Override
  public String getSuggestedName(DependencyDescriptor descriptor) {
    return delegate.getSuggestedName(descriptor);
  }

  @Override
  public Object getLazyResolutionProxyIfNecessary(DependencyDescriptor d, String beanName) {
    return delegate.getLazyResolutionProxyIfNecessary(d, beanName);
  }

  @Override
  public Class<?> getLazyResolutionProxyClass(DependencyDescriptor d, String beanName) {
    return delegate.getLazyResolutionProxyClass(d, beanName);
  }

  @Override
  public AutowireCandidateResolver cloneIfNecessary() {
    return new RpcxClientResolver(delegate.cloneIfNecessary());
  }
}
