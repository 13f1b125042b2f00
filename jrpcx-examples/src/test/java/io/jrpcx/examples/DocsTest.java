package io.jrpcx.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and {@code docs/} stay true: every relative link (and its {@code #anchor}) resolves
 * to a file in the repository, the README stays an entry point of at most 200 lines with the two
 * commands {@code .ci/run} relies on, every example class a code block runs exists with a
 * {@code main} method, and every Java block that names its source file (a first line {@code //
 * path/To.java}) is that file's code, so the tests that run the file run the block.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DocsTest {
  /** The README's test command; {@code .ci/run} runs it verbatim. */
  static final String TEST_COMMAND = "bash .ci/install-test-deps && mvn -B verify";

  /** The README's first command: builds, then runs {@link Quickstart}. */
  static final String QUICKSTART_COMMAND =
      "mvn -B -q -DskipTests package && java -jar jrpcx-examples/target/jrpcx-examples.jar";

  /**
   * Docs that other branches add; a link to one passes while it is missing, and is checked like
   * any other once it exists.
   */
  static final Set<String> WRITTEN_ELSEWHERE = Set.of();

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
  private static final Pattern EXAMPLE_CLASS =
      Pattern.compile("\\bio\\.jrpcx\\.examples\\.([A-Z][A-Za-z0-9_]*)");
  private static final Pattern SOURCE_LINE = Pattern.compile("^//\\s*(\\S+\\.java)\\b.*");

  private final Path root = repositoryRoot();

  @Test
  void theReadmeIsAnEntryPointOfAtMost200LinesWithTheTwoCommands() throws IOException {
    List<String> readme = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
    assertThat(readme).hasSizeLessThanOrEqualTo(200);
    assertThat(codeLines(readme, "sh")).contains(QUICKSTART_COMMAND, TEST_COMMAND);
    assertThat(Files.readAllLines(root.resolve(".ci/run"), StandardCharsets.UTF_8))
        .as(".ci/run runs the README's test command verbatim")
        .contains(TEST_COMMAND);
  }

  @Test
  void everyRelativeLinkResolvesInTheRepository() {
    assertThat(brokenLinks(root, markdownFiles(root), WRITTEN_ELSEWHERE)).isEmpty();
  }

  @Test
  void everyExampleClassACodeBlockNamesHasAMainMethod() {
    Set<String> named = new LinkedHashSet<>();
    for (Path md : markdownFiles(root)) {
      for (String line : codeLines(read(md), null)) {
        Matcher m = EXAMPLE_CLASS.matcher(line);
        while (m.find()) {
          named.add(m.group(1));
        }
      }
    }
    assertThat(named).as("the docs run example classes").contains("ArithServer", "ArithClient");
    List<String> missing = new ArrayList<>();
    for (String simpleName : named) {
      if (!hasMain("io.jrpcx.examples." + simpleName)) {
        missing.add(simpleName);
      }
    }
    assertThat(missing).as("example classes named in docs without a public static main").isEmpty();
  }

  @Test
  void javaBlocksThatNameTheirSourceAreThatSource() {
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path md : markdownFiles(root)) {
      for (List<String> block : codeBlocks(read(md), "java")) {
        Matcher m = SOURCE_LINE.matcher(block.get(0).trim());
        if (!m.matches()) {
          continue;
        }
        Path source = root.resolve(m.group(1)).normalize();
        String where = root.relativize(md) + " (" + m.group(1) + ")";
        checked.add(where);
        if (!source.startsWith(root) || !Files.isRegularFile(source)) {
          problems.add(where + ": no such file");
          continue;
        }
        String missing = firstLineNotInOrder(block.subList(1, block.size()), read(source));
        if (missing != null) {
          problems.add(where + ": not in the source, or out of order: " + missing);
        }
      }
    }
    assertThat(checked)
        .as("Java blocks that name their source")
        .anyMatch(s -> s.startsWith("README.md") && s.contains("Quickstart.java"));
    assertThat(problems).isEmpty();
  }

  @Test
  void theCheckerFindsBrokenLinksAnchorsAndDriftedBlocks(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(
        dir.resolve("README.md"),
        String.join(
            "\n",
            "# Title",
            "## A section",
            "[ok](docs/a.md#a-heading) [self](#a-section)",
            "[gone](docs/gone.md) [bad anchor](docs/a.md#nope) [pending](docs/later.md)",
            "```sh",
            "[not a link](nowhere.md)",
            "```",
            "`[code](nowhere.md)`",
            "[outside](../../etc/passwd) [web](https://example.com/x.md)"));
    Files.writeString(dir.resolve("docs/a.md"), "# A heading\n[up](../README.md)\n");
    assertThat(brokenLinks(dir, markdownFiles(dir), Set.of("docs/later.md")))
        .containsExactlyInAnyOrder(
            "README.md: docs/gone.md", "README.md: docs/a.md#nope", "README.md: ../../etc/passwd");
    assertThat(
            firstLineNotInOrder(
                List.of("a();", "b(); // note", "", "c();"),
                List.of("a();", "x();", "b();  // other note", "c();")))
        .isNull();
    assertThat(firstLineNotInOrder(List.of("b();", "a();"), List.of("a();", "b();")))
        .isEqualTo("a();");
  }

  /** {@code "file: link"} for every relative link that does not resolve, anchors included. */
  static List<String> brokenLinks(Path root, List<Path> files, Set<String> writtenElsewhere) {
    List<String> broken = new ArrayList<>();
    for (Path md : files) {
      for (String line : proseLines(read(md))) {
        Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
        while (m.find()) {
          String link = m.group(1);
          if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            continue; // https:, mailto: ...
          }
          int hash = link.indexOf('#');
          String path = hash < 0 ? link : link.substring(0, hash);
          String anchor = hash < 0 ? null : link.substring(hash + 1);
          Path target = path.isEmpty() ? md : md.getParent().resolve(path).normalize();
          String relative = target.startsWith(root) ? root.relativize(target).toString() : null;
          boolean ok;
          if (relative == null) {
            ok = false;
          } else if (!Files.exists(target)) {
            ok = writtenElsewhere.contains(relative.replace('\\', '/'));
          } else if (anchor != null && target.toString().endsWith(".md")) {
            ok = anchors(read(target)).contains(anchor);
          } else {
            ok = true;
          }
          if (!ok) {
            broken.add(root.relativize(md) + ": " + link);
          }
        }
      }
    }
    return broken;
  }

  /** GitHub's anchors for a Markdown file's headings. */
  static Set<String> anchors(List<String> lines) {
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : proseLines(lines)) {
      if (line.startsWith("#")) {
        String text = line.replaceFirst("^#+\\s*", "").replace("`", "");
        anchors.add(
            text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  /**
   * The first line of {@code block} (trimmed, trailing {@code //} comment dropped; blank and
   * comment-only lines skipped) not found in {@code source} after the previous one, or null.
   */
  static String firstLineNotInOrder(List<String> block, List<String> source) {
    int at = 0;
    for (String raw : block) {
      String line = withoutComment(raw);
      if (line.isEmpty()) {
        continue;
      }
      while (at < source.size() && !withoutComment(source.get(at)).equals(line)) {
        at++;
      }
      if (at == source.size()) {
        return line;
      }
      at++;
    }
    return null;
  }

  private static String withoutComment(String line) {
    String s = line.trim();
    int comment = s.indexOf("//");
    return (comment < 0 ? s : s.substring(0, comment)).trim();
  }

  private static boolean hasMain(String className) {
    try {
      Method main = Class.forName(className).getMethod("main", String[].class);
      return Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers());
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return false;
    }
  }

  /** Lines outside fenced code blocks. */
  private static List<String> proseLines(List<String> lines) {
    List<String> prose = new ArrayList<>();
    boolean inCode = false;
    for (String line : lines) {
      if (line.trim().startsWith("```")) {
        inCode = !inCode;
      } else if (!inCode) {
        prose.add(line);
      }
    }
    return prose;
  }

  /** The fenced code blocks in {@code language} (any, when null), each as its lines. */
  private static List<List<String>> codeBlocks(List<String> lines, String language) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> current = null;
    boolean wanted = false;
    for (String line : lines) {
      String t = line.trim();
      if (t.startsWith("```")) {
        if (current == null) {
          current = new ArrayList<>();
          wanted = language == null || t.substring(3).trim().equals(language);
        } else {
          if (wanted && !current.isEmpty()) {
            blocks.add(current);
          }
          current = null;
        }
      } else if (current != null) {
        current.add(line);
      }
    }
    return blocks;
  }

  private static List<String> codeLines(List<String> lines, String language) {
    return codeBlocks(lines, language).stream().flatMap(List::stream).collect(Collectors.toList());
  }

  /** README.md and every Markdown file under docs/. */
  static List<Path> markdownFiles(Path root) {
    List<Path> files = new ArrayList<>();
    files.add(root.resolve("README.md"));
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> walk = Files.walk(docs)) {
        walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory above the module that holds {@code .ci/run} and the README. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(".ci/run"))
          && Files.isRegularFile(dir.resolve("README.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }
}
