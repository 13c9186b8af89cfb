package lunatik.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lunatik.cli.LunatikCliAccess;
import org.junit.jupiter.api.Test;

/**
 * The lunatik command's shell front (bin/lunatik-front): run, spawn, stop, list and status
 * answered by bash with no JVM, compared, output and exit status, with the JVM path
 * (LunatikCli) on the same daemon; --help against the manual page; the bash completion through
 * compgen; the manual pages through man(1) after an install of the documentation.
 */
class CommandFrontTest extends DaemonFixture {
    record Result(int status, String output) {
    }

    /** bin/lunatik with the front only: where it would start a JVM it exits 99. */
    Result front(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", CHECKOUT.resolve("bin/lunatik").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LUNATIK_DEVDIR", dev.toString());
        pb.environment().put("LUNATIK_RUNDIR", run.toString());
        pb.environment().put("LUNATIK_FRONT_ONLY", "1");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), text);
    }

    /** The same command through the JVM path. */
    Result jvm(String... args) {
        out.reset();
        int status = cli.command(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theFrontAnswersAsTheJvmPathDoes() throws Exception {
        assertThat(cli.command("load")).isZero();
        // status, list with nothing running
        assertThat(front("status")).isEqualTo(jvm("status"));
        assertThat(front("status").output()).startsWith("lunatikd is loaded\n").contains("\nnetfilter is loaded\n");
        assertThat(front("list")).isEqualTo(new Result(0, "\n")).isEqualTo(jvm("list"));
        // run: success (an empty line, status 0), through each path in turn
        assertThat(front("run", "examples/passwd")).isEqualTo(new Result(0, "\n"));
        assertThat(Files.exists(dev.resolve("passwd"))).isTrue();
        assertThat(front("list")).isEqualTo(new Result(0, "examples/passwd\n")).isEqualTo(jvm("list"));
        // already running: the runner's error, status 1
        Result again = front("run", "examples/passwd");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.output()).contains("examples/passwd is already running");
        assertThat(again).isEqualTo(jvm("run", "examples/passwd"));
        assertThat(front("stop", "examples/passwd")).isEqualTo(new Result(0, "\n"));
        assertThat(Files.exists(dev.resolve("passwd"))).isFalse();
        assertThat(jvm("run", "examples/passwd")).isEqualTo(new Result(0, "\n"));
        assertThat(jvm("stop", "examples/passwd")).isEqualTo(new Result(0, "\n"));
        // a missing script; a script whose top level fails; a parameter that is not Lua
        Result missing = front("run", "examples/nonexistent");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.output()).contains("cannot open").contains("examples/nonexistent.lua");
        assertThat(missing).isEqualTo(jvm("run", "examples/nonexistent"));
        Result fails = front("run", "daemon/src/test/resources/scripts/fails");
        assertThat(fails.status()).isEqualTo(1);
        assertThat(fails.output()).contains("this script fails on purpose");
        assertThat(fails).isEqualTo(jvm("run", "daemon/src/test/resources/scripts/fails"));
        assertThat(front("run", "examples/passwd", "nonsense(")).isEqualTo(jvm("run", "examples/passwd", "nonsense("));
        assertThat(front("run", "examples/passwd", "nonsense(").status()).isEqualTo(1);
        // a name with quotes and backslashes reaches the runner as it was typed
        Result odd = front("stop", "a\"b\\c");
        assertThat(odd).isEqualTo(jvm("stop", "a\"b\\c"));
        // spawn, with the sleep parameter
        assertThat(front("spawn", "examples/passwd", "true")).isEqualTo(new Result(0, "\n"));
        assertThat(front("list").output()).isEqualTo("examples/passwd\n");
        assertThat(front("stop", "examples/passwd")).isEqualTo(new Result(0, "\n"));
        // usage errors
        assertThat(front("run")).isEqualTo(jvm("run")).extracting(Result::status).isEqualTo(1);
        assertThat(front("bogus")).isEqualTo(jvm("bogus")).extracting(Result::status).isEqualTo(1);
        // what needs the JVM goes to it
        assertThat(front().status()).isEqualTo(99); // the REPL
        assertThat(front("load").status()).isEqualTo(99);
    }

    @Test
    void aDeviceFolderWithSpacesAndPatternCharacters() throws Exception {
        Path odd = run.resolve("dev a+b.(c)[d]*");
        Files.createDirectories(odd);
        LunatikCliAccess other = new LunatikCliAccess(odd, run.resolve("run2"), new PrintStream(out, true), CHECKOUT,
            CHECKOUT.resolve("lua"));
        try {
            assertThat(other.command("load")).isZero();
            dev = odd;
            assertThat(front("list")).isEqualTo(new Result(0, "\n"));
            assertThat(front("status").output()).startsWith("lunatikd is loaded\n");
            // a folder whose name the first one matches as a pattern, with no daemon: not loaded
            dev = run.resolve("dev a+b.(c)[d]");
            Files.createDirectories(dev);
            assertThat(front("status").output()).startsWith("lunatikd is not loaded\n");
        } finally {
            other.command("unload");
        }
    }

    @Test
    void withoutADaemon() throws Exception {
        // status answers; list and run would load the daemon, which the JVM does
        assertThat(front("status")).isEqualTo(jvm("status"));
        assertThat(front("status").output()).startsWith("lunatikd is not loaded\n");
        assertThat(front("list").status()).isEqualTo(99);
        assertThat(front("run", "examples/passwd").status()).isEqualTo(99);
        // a plain file where the device would be (a daemon made it and did not mount it yet, or
        // died) is not written to
        Files.writeString(dev.resolve("lunatik"), "");
        assertThat(front("list").status()).isEqualTo(99);
        assertThat(Files.readString(dev.resolve("lunatik"))).isEmpty();
    }

    @Test
    void theStatusListIsTheModules() throws Exception {
        Result r = front("status");
        List<String> modules = r.output().lines().skip(1).map(l -> l.replace(" is not loaded", "")).toList();
        assertThat(modules).containsExactlyElementsOf(lunatik.runtime.Lunatik.moduleNames());
    }

    /** The description of each command and option in `--help` text: term -> words. */
    static Map<String, String> entries(String help) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = Pattern.compile("(?m)^  (\\S.*?)  +(\\S.*)$").matcher(help);
        while (x.find()) {
            m.put(x.group(1).strip(), x.group(2).strip());
        }
        return m;
    }

    /** A manual page's text with its font and dash escapes removed. */
    static String manText(String page) throws Exception {
        return Files.readString(CHECKOUT.resolve("dist/man").resolve(page)).replaceAll("\\\\f[BIRP]", "").replace("\\-", "-");
    }

    @Test
    void helpMatchesTheManualPages() throws Exception {
        Result help = front("--help");
        assertThat(help.status()).isZero();
        Map<String, String> e = entries(help.output());
        assertThat(e).containsKeys("load", "unload", "reload", "status", "list", "run <script> [sleep]", "stop <script>", "--version");
        String man = manText("lunatik.1");
        e.values().forEach(d -> assertThat(man).as("lunatik.1 says: %s", d).contains(d));
        assertThat(front("-h")).isEqualTo(help);
        assertThat(front("--version").output()).matches("lunatik \\d+\\.\\d+\\.\\d+\\S*\n");
        Map<String, String> d = entries(Lunatikd.HELP);
        assertThat(d).hasSizeGreaterThan(10);
        String dman = manText("lunatikd.8");
        d.values().forEach(v -> assertThat(dman).as("lunatikd.8 says: %s", v).contains(v));
        // every option lunatikd's parser takes is in its help and its manual page
        Matcher o = Pattern.compile("case \"(--[a-z-]+)\"")
            .matcher(Files.readString(CHECKOUT.resolve("daemon/src/main/java/lunatik/daemon/Lunatikd.java")));
        int options = 0;
        while (o.find()) {
            Pattern whole = Pattern.compile(Pattern.quote(o.group(1)) + "(?![a-z-])");
            assertThat(Lunatikd.HELP).as("lunatikd --help names %s", o.group(1)).containsPattern(whole);
            assertThat(dman).as("lunatikd.8 names %s", o.group(1)).containsPattern(whole);
            options++;
        }
        assertThat(options).isGreaterThanOrEqualTo(12);
    }

    @Test
    void manFindsThePagesAnInstallPuts() throws Exception {
        lunatik.testsupport.Require.command("man", "man-db");
        Path dest = run.resolve("dest");
        ProcessBuilder pb = new ProcessBuilder("bash", CHECKOUT.resolve("bin/install").toString(), "--docs").inheritIO();
        pb.environment().put("DESTDIR", dest.toString());
        assertThat(pb.start().waitFor()).isZero();
        for (String page : List.of("lunatik", "lunatikd", "lunatik-lua")) {
            ProcessBuilder m = new ProcessBuilder("man", "-P", "cat", page).redirectErrorStream(true);
            m.environment().put("MANPATH", dest.resolve("usr/local/share/man").toString());
            m.environment().put("MANWIDTH", "100");
            Process p = m.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(text).isZero();
            assertThat(text).contains("NAME").contains(page + " - ");
        }
        assertThat(dest.resolve("usr/share/bash-completion/completions/lunatik")).exists();
    }

    /** COMPREPLY of the completion for the words typed, the last one being completed. */
    List<String> complete(Path root, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String s : words) {
            w.append(" '").append(s).append('\'');
        }
        String script = ". " + CHECKOUT.resolve("dist/lunatik.bash-completion") + "\n"
            + "PATH=" + CHECKOUT.resolve("bin") + ":$PATH\n"
            + "COMP_WORDS=(" + w + "); COMP_CWORD=" + (words.length - 1) + "\n"
            + "_lunatik; printf '%s\\n' \"${COMPREPLY[@]}\"\n"
            + "complete -p lunatik >&2\n";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().put("LUNATIK_ROOT", root.toString());
        pb.environment().put("LUNATIK_DEVDIR", dev.toString());
        pb.environment().put("LUNATIK_RUNDIR", run.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return text.lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Test
    void bashCompletion() throws Exception {
        Path root = run.resolve("root");
        Files.createDirectories(root.resolve("examples/echod"));
        Files.writeString(root.resolve("examples/passwd.lua"), "");
        Files.writeString(root.resolve("examples/echod/daemon.lua"), "");
        Files.writeString(root.resolve("examples/notes.txt"), "");
        Files.writeString(root.resolve("mine.lua"), "");
        assertThat(complete(root, "lunatik", "s")).containsExactly("spawn", "status", "stop");
        assertThat(complete(root, "lunatik", "")).contains("load", "run", "--help").hasSize(12);
        assertThat(complete(root, "lunatik", "run", "")).containsExactly("examples/", "mine");
        assertThat(complete(root, "lunatik", "run", "ex")).containsExactly("examples/");
        assertThat(complete(root, "lunatik", "spawn", "examples/")).containsExactly("examples/echod/", "examples/passwd");
        assertThat(complete(root, "lunatik", "run", "examples/echod/d")).containsExactly("examples/echod/daemon");
        assertThat(complete(root, "lunatik", "run", "examples/passwd", "f")).containsExactly("false");
        // stop: the scripts that run, asked of the daemon (none: no daemon, and none is started)
        assertThat(complete(root, "lunatik", "stop", "")).isEmpty();
        assertThat(Files.exists(dev.resolve("lunatik"))).isFalse();
        assertThat(cli.command("load")).isZero();
        assertThat(cli.command("run", "examples/passwd")).isZero();
        assertThat(cli.command("run", "examples/shared")).isZero();
        assertThat(complete(root, "lunatik", "stop", "")).containsExactly("examples/passwd", "examples/shared");
        assertThat(complete(root, "lunatik", "stop", "examples/p")).containsExactly("examples/passwd");
    }
}
