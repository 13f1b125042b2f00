package io.jrpcx.protoc;

import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The protoc plugin: reads a {@code CodeGeneratorRequest} from standard input and writes a
 * {@code CodeGeneratorResponse} to standard output, as protoc runs every plugin. For each proto
 * {@code service} it generates {@code <Service>Rpcx.java}, in the Java package of the file's
 * messages, holding the rpcx names, the {@code Service} and {@code AsyncService} interfaces to
 * implement, {@code register(Server, ...)} and a {@code Client} over an {@code XClient}.
 *
 * <p>Names are those of Go's {@code protoc-gen-rpcx}: the service path is the service name and
 * the method the rpc name, each in Go's CamelCase (identical for CamelCase names such as
 * {@code Greeter} and {@code SayHello}), so Go servers and Java clients meet without
 * configuration. Streaming rpcs are refused: rpcx has no streaming calls. Problems are reported
 * to protoc, which prints them and fails.
 */
public final class JrpcxProtocPlugin {
  private JrpcxProtocPlugin() {}

  public static void main(String[] args) throws IOException {
    run(System.in, System.out);
  }

  /** One protoc round: request in, response out. */
  static void run(InputStream in, OutputStream out) throws IOException {
    CodeGeneratorRequest request = CodeGeneratorRequest.parseFrom(in);
    CodeGeneratorResponse response = Generator.generate(request);
    response.writeTo(out);
    out.flush();
  }
}
