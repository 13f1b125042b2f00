package io.jrpcx.protoc;

import java.util.ArrayList;
import java.util.List;

/** One proto service as the generated Java sees it. */
final class ServiceModel {
  final String protoName;

  /** The rpcx service path. */
  final String servicePath;

  final String className;
  final String comment;
  final List<Method> methods = new ArrayList<>();

  ServiceModel(String protoName, String servicePath, String className, String comment) {
    this.protoName = protoName;
    this.servicePath = servicePath;
    this.className = className;
    this.comment = comment;
  }

  static final class Method {
    /** The rpcx method name. */
    final String rpcName;

    final String javaName;
    final String constant;
    final String input;
    final String output;
    final String comment;
    final boolean deprecated;

    Method(
        String rpcName,
        String javaName,
        String constant,
        String input,
        String output,
        String comment,
        boolean deprecated) {
      this.rpcName = rpcName;
      this.javaName = javaName;
      this.constant = constant;
      this.input = input;
      this.output = output;
      this.comment = comment;
      this.deprecated = deprecated;
    }
  }
}
