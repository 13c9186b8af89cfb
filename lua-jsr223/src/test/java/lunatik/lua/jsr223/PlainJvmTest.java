package lunatik.lua.jsr223;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's ten-line program, taken from the README itself, compiled and run in a JVM 25 given
 * nothing but a class path: the embedding API and javax.script run a script with coroutines
 * (on virtual threads there); and with the flag, on continuations, with the same output.
 */
class PlainJvmTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    static final String CLASSPATH = String.join(File.pathSeparator,
        CHECKOUT.resolve("lua-jsr223/target/classes").toString(),
        CHECKOUT.resolve("lua-stdlib/target/classes").toString(),
        CHECKOUT.resolve("lua-core/target/classes").toString());

    record Result(int status, String out, String err) {
    }

    static Result java(Path dir, List<String> flags, String main) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", dir + File.pathSeparator + CLASSPATH, main));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JDK_JAVA_OPTIONS"); // nothing but what is on the command line
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Path err = dir.resolve("stderr-" + flags.size());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, Files.readString(err));
    }

    static void compile(Path dir, String name, String source) throws Exception {
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null,
            "-cp", CLASSPATH, "-d", dir.toString(), file.toString());
        assertThat(rc).as("javac " + name).isZero();
    }

    /** The ```java block of the README that holds {@code class Hello}. */
    static String readmeProgram() throws Exception {
        String readme = Files.readString(CHECKOUT.resolve("README.md"));
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            if (m.group(1).contains("public class Hello")) {
                return m.group(1);
            }
        }
        throw new AssertionError("no Hello program in README.md");
    }

    @Test
    void theReadmeProgramRunsWithoutFlagsAndWithThem(@TempDir Path dir) throws Exception {
        String program = readmeProgram();
        assertThat(program.strip().lines().filter(l -> !l.isBlank()).count()).as("lines").isLessThanOrEqualTo(12);
        compile(dir, "Hello", program);
        Result plain = java(dir, List.of(), "Hello");
        assertThat(plain.err()).isEmpty();
        assertThat(plain.status()).isZero();
        assertThat(plain.out()).isEqualTo("62\n62\n");
        Result flagged = java(dir, List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED"), "Hello");
        assertThat(flagged.err()).isEmpty();
        assertThat(flagged.out()).isEqualTo("62\n62\n");
    }

    /** Which mechanism each JVM gets, and what the memory count says about what it cannot see. */
    @Test
    void withoutFlagsCoroutinesUseThreadsAndTheMemoryCountSaysWhatItMisses(@TempDir Path dir) throws Exception {
        compile(dir, "Probe", """
            import lunatik.lua.lib.Stdlib;
            import lunatik.lua.vm.*;
            public class Probe {
                public static void main(String[] args) {
                    LuaState L = Stdlib.newState(Dialect.FULL);
                    Object r = L.call(L.load(\"""
                        local cos = {}
                        for i = 1, 1000 do
                          cos[i] = coroutine.create(function(x) local y = coroutine.yield(x + 1); return x * y end)
                          assert(coroutine.resume(cos[i], i))
                        end
                        local sum = 0
                        for i = 1, 1000 do local ok, v = coroutine.resume(cos[i], 2); sum = sum + v end
                        local ok, e = pcall(coroutine.wrap(function() coroutine.yield(1); error('boom') end))
                        local c = coroutine.wrap(function() coroutine.yield(1); error('boom') end)
                        c()
                        local ok2, e2 = pcall(c)
                        return sum .. ' ' .. tostring(ok) .. ' ' .. tostring(ok2) .. ' ' .. e2 .. ' ' .. (collectgarbage('count') > 0 and 'counted' or 'zero')
                        \""", "=probe"));
                    System.out.println(Fiber.usesContinuations() + " " + StateHeap.countsCompiledLocals() + " " + r);
                }
            }
            """);
        Result plain = java(dir, List.of(), "Probe");
        assertThat(plain.status()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo("false false 1001000 true false probe:9: boom counted\n");
        assertThat(plain.err()).startsWith("lunatik: warning: the memory count").contains("--add-opens java.base/java.lang=ALL-UNNAMED")
            .contains("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED");
        Result flagged = java(dir, List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED"), "Probe");
        assertThat(flagged.out()).isEqualTo("true true 1001000 true false probe:9: boom counted\n");
        assertThat(flagged.err()).isEmpty();
    }
}
