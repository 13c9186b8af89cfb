package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone interpreter, run as users run it: a process with arguments, stdin, stdout, stderr, status. */
class CliTest {
    private static final Path JAR = Path.of("../lua-cli/target/lua-cli-" + System.getProperty("lunatik.version", "0.1.0-SNAPSHOT") + ".jar").toAbsolutePath();

    record Result(int status, String out, String err) {
    }

    private static Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-exports");
        cmd.add("java.base/jdk.internal.vm=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void executesAStatement() throws Exception {
        Result r = run("", "-e", "print(1 + 1, 7 / 2)");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("2\t3.5\n");
    }

    @Test
    void kernelDialectWithK() throws Exception {
        Result r = run("", "-k", "-e", "print(7 / 2, _VERSION, math.sqrt)");
        assertThat(r.out()).isEqualTo("3\tLua 5.4-kernel\tnil\n");
    }

    @Test
    void scriptGetsItsArguments(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("args.lua");
        Files.writeString(s, "print(#arg, arg[0] == ..., select('#', ...), arg[1], arg[2])");
        Result r = run("", s.toString(), "a", "b");
        assertThat(r.out()).isEqualTo("2\tfalse\t2\ta\tb\n");
    }

    @Test
    void runtimeErrorExitsWithStatusOneAndATraceback(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("boom.lua");
        Files.writeString(s, "local function f()\n  error('boom')\nend\nf()\n");
        Result r = run("", s.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("lunatik-lua: " + s + ":2: boom\nstack traceback:\n");
        assertThat(r.err()).contains(s + ":4: in main chunk");
    }

    /** As lua.c: the reason after the name, and "cannot read" for a directory. */
    @Test
    void aScriptThatCannotBeReadIsReported(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.lua");
        Result r = run("", missing.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lunatik-lua: cannot open " + missing + ": No such file or directory\n");
        r = run("", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lunatik-lua: cannot read " + dir + ": Is a directory\n");
    }

    @Test
    void syntaxErrorIsReported(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("bad.lua");
        Files.writeString(s, "x = = 1\n");
        Result r = run("", s.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("lunatik-lua: " + s + ":1: unexpected symbol near '='\n");
    }

    @Test
    void readsTheProgramFromStdinWithDash() throws Exception {
        Result r = run("print(select('#', ...) == 0 and 'ok' or 'no')", "-");
        assertThat(r.out()).isEqualTo("ok\n");
    }

    @Test
    void interactiveModeEvaluatesExpressionsAndContinuesIncompleteChunks() throws Exception {
        Result r = run("1 + 2\nfunction f()\nreturn 42\nend\nf()\nerror('x')\nprint('after')\n", "-i");
        assertThat(r.out()).contains("3\n").contains("42\n").contains("after\n");
        assertThat(r.err()).contains("stdin:1: x");
    }

    @Test
    void osExitSetsTheStatus() throws Exception {
        Result r = run("", "-e", "io.write('bye\\n') os.exit(3)");
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("bye\n");
    }

    @Test
    void everythingWrittenReachesThePipeBeforeTheProcessEnds() throws Exception {
        // the process ends with Runtime.halt (no exit logging): nothing buffered may be lost,
        // the __gc of the state's close included (the object kept in a global: collected
        // earlier, its __gc could run in the middle), in both output streams
        Result r = run("", "-e", "keep = setmetatable({}, {__gc = function() io.write('gc ran') end}) "
            + "for i = 1, 100000 do io.write(i, '\\n') end io.stderr:write('to stderr')");
        assertThat(r.status()).isZero();
        assertThat(r.out().split("\n")).hasSize(100001);
        assertThat(r.out()).startsWith("1\n2\n").endsWith("100000\ngc ran");
        assertThat(r.err()).isEqualTo("to stderr");
    }

    @Test
    void unknownOptionPrintsUsage() throws Exception {
        Result r = run("", "-z");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("unrecognized option '-z'").contains("usage:");
    }

    @Test
    void helpPrintsTheOptionsOfTheManualPage() throws Exception {
        Result r = run("", "-h");
        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("usage: lunatik-lua [options] [script [args]]");
        assertThat(run("", "--help")).isEqualTo(r);
        // each option's line says what lunatik-lua(1) says of it
        String man = Files.readString(Path.of("../dist/man/lunatik-lua.1")).replaceAll("\\\\f[BIRP]", "").replace("\\-", "-");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  (-\\S*)(?: \\S+)? +(\\S.*)$").matcher(r.out());
        int n = 0;
        while (m.find()) {
            assertThat(man).as("lunatik-lua.1 on %s", m.group(1)).contains(m.group(2).strip());
            n++;
        }
        assertThat(n).isEqualTo(9);
    }

    /**
     * The checkout's command, run through a link from another directory: it starts on the JDK
     * recorded beside its AOT cache (with the jar's name and the heap's page option: a start
     * reads that one file), and when that JDK is gone it finds one (bin/jdk25), remakes the
     * cache and records the new one; the second run starts from the record.
     */
    @Test
    void theCheckoutsCommandFindsAJdkWhenTheRecordedOneIsGone(@TempDir Path dir) throws Exception {
        Path checkout = JAR.getParent().getParent().getParent();
        Path link = dir.resolve("lua");
        Files.createSymbolicLink(link, checkout.resolve("bin/lunatik-lua"));
        Path record = checkout.resolve("lua-cli/target/lunatik-lua.aot.start");
        Files.writeString(record, dir.resolve("gone-jdk") + "\n" + JAR.getFileName() + "\n-\n");
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder(link.toString(), "-e", "print(_VERSION, 7 // 2)").directory(dir.toFile());
            pb.environment().remove("JAVA_HOME");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("run %d", i).isEqualTo("Lua 5.4\t3\n");
            assertThat(p.exitValue()).isZero();
            List<String> lines = Files.readAllLines(record);
            String jdk = lines.get(0);
            assertThat(jdk).doesNotContain("gone-jdk");
            assertThat(Path.of(jdk, "bin", "java")).isExecutable();
            assertThat(lines.get(1)).isEqualTo(JAR.getFileName().toString());
        }
    }
}
