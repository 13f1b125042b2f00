package io.jrpcx.protoc;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a protoc request into generated files, or into the error protoc reports. */
final class Generator {
  /** FileDescriptorProto field numbers, for finding comments in SourceCodeInfo. */
  private static final int FILE_SERVICE = 6;

  private static final int SERVICE_METHOD = 2;

  private Generator() {}

  static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
    CodeGeneratorResponse.Builder response =
        CodeGeneratorResponse.newBuilder()
            // Proto3 optional fields change nothing in what this plugin writes.
            .setSupportedFeatures(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
    try {
      JavaNames names = new JavaNames(request.getProtoFileList());
      Map<String, FileDescriptorProto> byName = new HashMap<>();
      for (FileDescriptorProto f : request.getProtoFileList()) {
        byName.put(f.getName(), f);
      }
      for (String fileName : request.getFileToGenerateList()) {
        FileDescriptorProto file = byName.get(fileName);
        if (file == null) {
          throw new GenerationException(fileName + ": not among the request's proto files");
        }
        for (CodeGeneratorResponse.File out : generateFile(file, names)) {
          response.addFile(out);
        }
      }
    } catch (GenerationException e) {
      return CodeGeneratorResponse.newBuilder().setError(e.getMessage()).build();
    }
    return response.build();
  }

  private static List<CodeGeneratorResponse.File> generateFile(
      FileDescriptorProto file, JavaNames names) {
    List<CodeGeneratorResponse.File> out = new ArrayList<>();
    Comments comments = new Comments(file.getSourceCodeInfo());
    Set<String> classNames = new HashSet<>();
    for (int s = 0; s < file.getServiceCount(); s++) {
      ServiceDescriptorProto service = file.getService(s);
      ServiceModel model = model(file, s, service, names, comments);
      if (!classNames.add(model.className)) {
        throw new GenerationException(
            file.getName() + ": two services generate " + model.className);
      }
      String pkg = JavaNames.javaPackage(file);
      String path = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + model.className + ".java";
      out.add(
          CodeGeneratorResponse.File.newBuilder()
              .setName(path)
              .setContent(new ServiceWriter(file.getName(), pkg, model).write())
              .build());
    }
    return out;
  }

  private static ServiceModel model(
      FileDescriptorProto file,
      int index,
      ServiceDescriptorProto service,
      JavaNames names,
      Comments comments) {
    String goName = upperFirst(JavaNames.goCamelCase(service.getName()));
    ServiceModel model =
        new ServiceModel(
            service.getName(), goName, goName + "Rpcx", comments.leading(FILE_SERVICE, index));
    Set<String> rpcNames = new HashSet<>();
    Set<String> javaNames = new HashSet<>();
    for (int m = 0; m < service.getMethodCount(); m++) {
      MethodDescriptorProto method = service.getMethod(m);
      String where = file.getName() + ": " + service.getName() + "." + method.getName();
      if (method.getClientStreaming() || method.getServerStreaming()) {
        String kind =
            method.getClientStreaming() && method.getServerStreaming()
                ? "bidirectional streaming"
                : method.getClientStreaming() ? "client streaming" : "server streaming";
        throw new GenerationException(
            where
                + " is a "
                + kind
                + " rpc; rpcx has no streaming"
                + " calls, so jrpcx-protoc-plugin generates only unary rpcs (remove the stream"
                + " keyword or move the rpc to a service this plugin does not run on)");
      }
      String rpcName = upperFirst(JavaNames.goCamelCase(method.getName()));
      String javaName = JavaNames.javaMethodName(rpcName);
      if (!rpcNames.add(rpcName)) {
        throw new GenerationException(
            where + ": another rpc of " + service.getName() + " has the same rpcx name " + rpcName);
      }
      javaNames.add(javaName);
      model.methods.add(
          new ServiceModel.Method(
              rpcName,
              javaName,
              JavaNames.constantName(rpcName),
              names.messageClass(method.getInputType()),
              names.messageClass(method.getOutputType()),
              comments.leading(FILE_SERVICE, index, SERVICE_METHOD, m),
              method.getOptions().getDeprecated()));
    }
    for (ServiceModel.Method m : model.methods) {
      if (javaNames.contains(m.javaName + "Async")) {
        throw new GenerationException(
            file.getName()
                + ": "
                + service.getName()
                + " has rpcs "
                + m.rpcName
                + " and "
                + m.rpcName
                + "Async, whose client methods would clash");
      }
    }
    return model;
  }

  private static String upperFirst(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Leading comments of a file's elements, by their path in the descriptor. */
  static final class Comments {
    private final Map<List<Integer>, String> leading = new HashMap<>();

    Comments(SourceCodeInfo info) {
      for (SourceCodeInfo.Location l : info.getLocationList()) {
        String text = l.getLeadingComments();
        if (text.isBlank() && !l.getTrailingComments().isBlank()) {
          text = l.getTrailingComments();
        }
        if (!text.isBlank()) {
          leading.putIfAbsent(l.getPathList(), text);
        }
      }
    }

    String leading(Integer... path) {
      return leading.getOrDefault(List.of(path), "");
    }
  }
}
