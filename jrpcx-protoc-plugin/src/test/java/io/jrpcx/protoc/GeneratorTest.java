package io.jrpcx.protoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin on CodeGeneratorRequests built as protoc builds them, from the descriptor set (with
 * comments) protoc wrote for {@code src/test/proto} during this module's build.
 */
class GeneratorTest {
  private static final Path DESCRIPTORS = Path.of("target/test-descriptors/test-protos.pb");

  static CodeGeneratorRequest request(String... filesToGenerate) throws IOException {
    FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(DESCRIPTORS));
    CodeGeneratorRequest.Builder b =
        CodeGeneratorRequest.newBuilder().addAllFileToGenerate(List.of(filesToGenerate));
    for (FileDescriptorProto f : set.getFileList()) {
      b.addProtoFile(f); // dependencies come first in a descriptor set, as in a request
    }
    return b.build();
  }

  private static Map<String, String> generated(String... files) throws IOException {
    CodeGeneratorResponse response = Generator.generate(request(files));
    assertThat(response.getError()).isEmpty();
    return response.getFileList().stream()
        .collect(
            Collectors.toMap(
                CodeGeneratorResponse.File::getName, CodeGeneratorResponse.File::getContent));
  }

  @Test
  void oneFilePerServiceInTheJavaPackageOfTheMessages() throws IOException {
    assertThat(generated("plugin_test.proto"))
        .containsOnlyKeys(
            "io/jrpcx/protoc/testing/InventoryRpcx.java",
            "io/jrpcx/protoc/testing/StockKeeperRpcx.java");
    assertThat(generated("helloworld.proto"))
        .containsOnlyKeys("io/jrpcx/interop/helloworld/GreeterRpcx.java");
  }

  @Test
  void servicePathAndMethodNamesAreThoseOfProtocGenRpcx() throws IOException {
    String greeter =
        generated("helloworld.proto").get("io/jrpcx/interop/helloworld/GreeterRpcx.java");
    assertThat(greeter)
        .contains("public static final String SERVICE_PATH = \"Greeter\";")
        .contains("public static final String METHOD_SAY_HELLO = \"SayHello\";")
        .contains("public static final String METHOD_ECHO = \"Echo\";");

    String keeper =
        generated("plugin_test.proto").get("io/jrpcx/protoc/testing/StockKeeperRpcx.java");
    assertThat(keeper)
        .contains("SERVICE_PATH = \"StockKeeper\";")
        .contains("METHOD_GET_LEVEL = \"GetLevel\";")
        .contains("METHOD_RESET_ALL_2_X = \"ResetAll_2X\";")
        .contains("getLevel(io.jrpcx.protoc.testing.PluginTest.ItemRequest request)");
  }

  @Test
  void goCamelCaseMatchesProtocGenGo() {
    assertThat(JavaNames.goCamelCase("SayHello")).isEqualTo("SayHello");
    assertThat(JavaNames.goCamelCase("sayHello")).isEqualTo("SayHello");
    assertThat(JavaNames.goCamelCase("say_hello")).isEqualTo("SayHello");
    assertThat(JavaNames.goCamelCase("stock_keeper")).isEqualTo("StockKeeper");
    assertThat(JavaNames.goCamelCase("_private")).isEqualTo("XPrivate");
    assertThat(JavaNames.goCamelCase("v2beta")).isEqualTo("V2Beta");
    assertThat(JavaNames.goCamelCase("reset_all_2x")).isEqualTo("ResetAll_2X");
    assertThat(JavaNames.goCamelCase("HTTPServer")).isEqualTo("HTTPServer");
  }

  @Test
  void javaKeywordsGetATrailingUnderscoreButKeepTheirRpcxName() throws IOException {
    String inventory =
        generated("plugin_test.proto").get("io/jrpcx/protoc/testing/InventoryRpcx.java");
    assertThat(inventory)
        .contains("METHOD_NEW = \"New\";")
        .contains("new_(io.jrpcx.protoc.testing.PluginTest.Item request)");
  }

  @Test
  void messagesFromOtherFilesAndNestedMessagesAreFullyQualified() throws IOException {
    String inventory =
        generated("plugin_test.proto").get("io/jrpcx/protoc/testing/InventoryRpcx.java");
    assertThat(inventory)
        .contains(
            "io.jrpcx.interop.helloworld.HelloReply greet("
                + "io.jrpcx.interop.helloworld.HelloRequest request)")
        .contains(
            "io.jrpcx.protoc.testing.PluginTest.Item.Part nested("
                + "io.jrpcx.protoc.testing.PluginTest.Item.Part request)");
  }

  @Test
  void protoCommentsBecomeJavadocThatCannotBreakOut() throws IOException {
    String inventory =
        generated("plugin_test.proto").get("io/jrpcx/protoc/testing/InventoryRpcx.java");
    assertThat(inventory)
        .contains(
            " * Keeps an inventory of &lt;b&gt;items&lt;/b&gt; &amp; their stock; ends a"
                + " comment: *&#47; and has a &#92;u escape.")
        .contains(" * &#64;see nothing")
        .contains(" * Looks an item up by its id.");
  }

  @Test
  void aStreamingRpcIsRefusedWithAnErrorNamingIt() throws IOException {
    CodeGeneratorResponse response = Generator.generate(request("streaming_test.proto"));

    assertThat(response.getFileList()).isEmpty();
    assertThat(response.getError())
        .isEqualTo(
            "streaming_test.proto: Ticker.Watch is a server"
                + " streaming rpc; rpcx has no streaming calls, so jrpcx-protoc-plugin generates only"
                + " unary rpcs (remove the stream keyword or move the rpc to a service this plugin does"
                + " not run on)");
  }

  @Test
  void mainReadsTheRequestFromStdinAndWritesTheResponseToStdout() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    JrpcxProtocPlugin.run(new ByteArrayInputStream(request("helloworld.proto").toByteArray()), out);

    CodeGeneratorResponse response = CodeGeneratorResponse.parseFrom(out.toByteArray());
    assertThat(response.getFileList())
        .extracting(CodeGeneratorResponse.File::getName)
        .containsExactly("io/jrpcx/interop/helloworld/GreeterRpcx.java");
    assertThat(response.getSupportedFeatures())
        .isEqualTo(CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE);
  }

  @Test
  void generatedCodeCompilesWithEveryLintWarningAnError(@TempDir Path dir) throws IOException {
    Map<String, String> files = generated("helloworld.proto", "plugin_test.proto");
    List<Path> sources = new ArrayList<>();
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path p = dir.resolve("src").resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue());
      sources.add(p);
    }
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    boolean ok;
    try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
      ok =
          javac
              .getTask(
                  output,
                  fm,
                  diagnostics,
                  List.of(
                      "-Xlint:all",
                      "-Werror",
                      "--release",
                      "17",
                      "-classpath",
                      System.getProperty("java.class.path"),
                      "-d",
                      classes.toString()),
                  null,
                  fm.getJavaFileObjectsFromPaths(sources))
              .call();
    }

    assertThat(diagnostics.getDiagnostics()).extracting(Diagnostic::toString).isEmpty();
    assertThat(ok).as(output.toString()).isTrue();
    assertThat(classes.resolve("io/jrpcx/interop/helloworld/GreeterRpcx$Client.class")).exists();
  }
}
