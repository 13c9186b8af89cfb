package lunatik.runtime.lib;

import lunatik.testsupport.Require;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import lunatik.linux.ffm.LibC;

/**
 * A network namespace made for a test (its loopback up) and removed after it, with a thread
 * inside it for the test's own sockets. The network modules work in it while it is open.
 */
final class TestNamespace implements AutoCloseable {
    final String name;
    final Path path;
    private final ExecutorService inside;

    TestNamespace(String suffix) throws Exception {
        Require.root();
        Require.command("ip", "iproute2");
        name = "lunatik-" + suffix + "-" + ProcessHandle.current().pid();
        path = Path.of("/var/run/netns", name);
        sh("ip", "netns", "add", name);
        sh("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        inside = Executors.newSingleThreadExecutor();
        inside.submit(() -> {
            LibC.enterNetworkNamespace(path.toString());
            return null;
        }).get();
    }

    /** Makes this the namespace of the network modules. */
    TestNamespace use() {
        NetNamespace.set(path);
        return this;
    }

    /** Runs a command (not in the namespace: prefix {@code ip netns exec name} for that). */
    static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    /** Runs a command inside the namespace. */
    String exec(String... cmd) throws Exception {
        String[] full = new String[cmd.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(cmd, 0, full, 4, cmd.length);
        return sh(full);
    }

    /** Runs {@code c} on the test's thread inside the namespace. */
    <T> T call(Callable<T> c) throws Exception {
        return inside.submit(c).get();
    }

    @Override
    public void close() throws java.io.IOException {
        NetNamespace.set(null);
        inside.shutdownNow();
        try {
            sh("ip", "netns", "del", name);
        } catch (Exception e) {
            throw new java.io.IOException(e);
        }
    }
}
