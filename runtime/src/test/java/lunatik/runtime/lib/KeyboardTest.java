package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.runtime.Host;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifier.keyboard, keylocker and spyglass with a simulated keyboard (our machines have no
 * input device): a file the test appends evdev input_event records to.
 */
class KeyboardTest {
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    Path keyboard;
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Runtimes to stop after the test, whatever happened (a device left mounted would outlive the JVM). */
    final List<Runtime> started = new CopyOnWriteArrayList<>();
    Host host;

    @BeforeEach
    void setUp() throws Exception {
        keyboard = dir.resolve("keyboard");
        Files.write(keyboard, new byte[0]);
        NotifierLib.setKeyboardSource(keyboard);
        host = new Host(CHECKOUT, log::add);
        host.setLibraryPath(CHECKOUT.resolve("lua"));
        host.setDeviceDirectory(dir);
    }

    private Runtime track(Runtime rt) {
        started.add(rt);
        return rt;
    }

    @AfterEach
    void tearDown() {
        started.forEach(r -> {
            if (!r.isStopped()) {
                r.stop();
            }
        });
        NotifierLib.setKeyboardSource(null);
    }

    /** Appends key events: each pair is a code and a value (1 press, 0 release). */
    private void keys(int... codeValue) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24 * codeValue.length / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < codeValue.length; i += 2) {
            b.putLong(0).putLong(0).putShort((short) 1).putShort((short) codeValue[i]).putInt(codeValue[i + 1]);
        }
        Files.write(keyboard, b.array(), StandardOpenOption.APPEND);
    }

    /** Presses and releases each key. */
    private void type(int... codes) throws Exception {
        int[] cv = new int[codes.length * 4];
        for (int i = 0; i < codes.length; i++) {
            cv[4 * i] = codes[i];
            cv[4 * i + 1] = 1;
            cv[4 * i + 2] = codes[i];
            cv[4 * i + 3] = 0;
        }
        keys(cv);
    }

    /** One read(2) of up to 4 KiB, as cat makes (Files.readString starts with a 1-byte read). */
    private static String read(Path p) throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4096);
            int n = ch.read(b);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII);
        }
    }

    private static void waitFor(Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.call() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(c.call()).isTrue();
    }

    @Test
    void keyEventsAreKeycodesThenKeysymsWithShiftState() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Files.writeString(root.resolve("keys.lua"), """
            local notifier = require("notifier")
            notifier.keyboard(function(event, down, shift, value)
              print(event, down, shift, string.format("0x%x", value))
            end)
            """);
        Host h = new Host(root, log::add);
        Runtime rt = track(h.runtime("keys", true));
        keys(42, 1, 30, 1, 30, 0, 42, 0);
        waitFor(() -> log.size() >= 8);
        assertThat(log).containsExactly(
            "1\ttrue\ttrue\t0x2a", "4\ttrue\ttrue\t0xf700",
            "1\ttrue\ttrue\t0x1e", "4\ttrue\ttrue\t0xfb41",
            "1\tfalse\ttrue\t0x1e", "4\tfalse\ttrue\t0xfb41",
            "1\tfalse\tfalse\t0x2a", "4\tfalse\tfalse\t0xf700");
        rt.stop();
    }

    @Test
    void keylockerLocksAndUnlocksOnItsSequence() throws Exception {
        Runtime rt = track(host.runtime("examples/keylocker", true));
        int[] sequence = {103, 103, 108, 108, 105, 106, 105, 106, 29, 56};
        type(30, 31); // other keys first
        type(sequence);
        waitFor(() -> log.contains("keylocker: locked"));
        // a simulated keyboard cannot be grabbed: the log says the keys go on
        assertThat(log).anyMatch(l -> l.contains("cannot be grabbed"));
        type(103, 30); // a wrong turn restarts the sequence
        type(sequence);
        waitFor(() -> log.contains("keylocker: unlocked"));
        rt.stop();
    }

    @Test
    void spyglassLogsWhatIsTypedAndSendsItByUdp() throws Exception {
        Runtime rt = track(host.runtime("examples/spyglass", true));
        Path spy = dir.resolve("spyglass");
        type(35, 23, 28); // h i Enter
        Thread.sleep(300);
        assertThat(read(spy)).isEqualTo("hi<cr>");
        assertThat(read(spy)).isEmpty(); // read clears it
        Files.writeString(spy, "enable=false");
        type(45); // x, not logged
        Thread.sleep(300);
        assertThat(read(spy)).isEmpty();
        Files.writeString(spy, "enable=true");
        try (DatagramSocket rx = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            rx.setSoTimeout(5000);
            Files.writeString(spy, "net=127.0.0.1:" + rx.getLocalPort());
            type(24, 37); // o k
            Thread.sleep(300);
            assertThat(read(spy)).isEmpty(); // sent instead
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            rx.receive(p);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
        rt.stop();
        assertThat(Files.exists(spy)).isFalse();
    }
}
