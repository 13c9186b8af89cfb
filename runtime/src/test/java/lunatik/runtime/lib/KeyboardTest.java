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
    /** The rest of the system: what the keyboard notifiers let through, as input_event records. */
    Path sink;
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Runtimes to stop after the test, whatever happened (a device left mounted would outlive the JVM). */
    final List<Runtime> started = new CopyOnWriteArrayList<>();
    Host host;

    @BeforeEach
    void setUp() throws Exception {
        keyboard = dir.resolve("keyboard");
        Files.write(keyboard, new byte[0]);
        NotifierLib.setKeyboardSource(keyboard);
        sink = dir.resolve("sink");
        NotifierLib.setKeyboardSink(sink);
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
        NotifierLib.setKeyboardSink(null);
    }

    /** The key events (code/value) that reached the sink, in order (its SYN_REPORTs left out). */
    private List<String> sinkKeys() throws Exception {
        if (!Files.exists(sink)) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(sink)).order(ByteOrder.nativeOrder());
        List<String> out = new java.util.ArrayList<>();
        for (int at = 0; at + 24 <= b.limit(); at += 24) {
            if (b.getShort(at + 16) == 1) {
                out.add(b.getShort(at + 18) + "/" + b.getInt(at + 20));
            }
        }
        return out;
    }

    /** Each key pressed then released, as code/value. */
    private static List<String> typed(int... codes) {
        List<String> out = new java.util.ArrayList<>();
        for (int c : codes) {
            out.add(c + "/1");
            out.add(c + "/0");
        }
        return out;
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
        // as the console's: the shift state is the one before the key (a shift key's press
        // reads false, its release true), and POST_KEYSYM, with the same state, follows each key
        // that got through
        waitFor(() -> log.size() >= 12);
        assertThat(log).containsExactly(
            "1\ttrue\tfalse\t0x2a", "4\ttrue\tfalse\t0xf700", "5\ttrue\tfalse\t0xf700",
            "1\ttrue\ttrue\t0x1e", "4\ttrue\ttrue\t0xfb41", "5\ttrue\ttrue\t0xfb41",
            "1\tfalse\ttrue\t0x1e", "4\tfalse\ttrue\t0xfb41", "5\tfalse\ttrue\t0xfb41",
            "1\tfalse\ttrue\t0x2a", "4\tfalse\ttrue\t0xf700", "5\tfalse\ttrue\t0xf700");
        rt.stop();
    }

    @Test
    void keylockerLocksAndUnlocksOnItsSequence() throws Exception {
        Runtime rt = track(host.runtime("examples/keylocker", true));
        int[] sequence = {103, 103, 108, 108, 105, 106, 105, 106, 29, 56};
        type(30, 31); // other keys first
        type(sequence);
        waitFor(() -> log.contains("keylocker: locked"));
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

    static final int[] SEQUENCE = {103, 103, 108, 108, 105, 106, 105, 106, 29, 56};

    /**
     * Lunatik's keylocker and spyglass, unmodified, on one keyboard chain, loaded in either
     * order: keys typed while locked reach neither spyglass nor the rest of the system (the
     * sink), keys typed before and after reach both, and a notifier sees no key typed before it
     * was registered.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void keylockerKeepsLockedKeysFromSpyglassAndTheSystemInEitherOrder(boolean keylockerFirst) throws Exception {
        String first = keylockerFirst ? "examples/keylocker" : "examples/spyglass";
        String second = keylockerFirst ? "examples/spyglass" : "examples/keylocker";
        Path spy = dir.resolve("spyglass");
        track(host.runtime(first, true));
        type(45, 21); // x y: before the second one exists
        waitFor(() -> sinkKeys().size() == 4);
        track(host.runtime(second, true));
        type(30, 48); // a b
        waitFor(() -> sinkKeys().size() == 8);
        type(SEQUENCE);
        waitFor(() -> log.contains("keylocker: locked"));
        type(46, 32); // c d: locked
        type(SEQUENCE);
        waitFor(() -> log.contains("keylocker: unlocked"));
        type(18, 33); // e f
        List<String> expected = new java.util.ArrayList<>(typed(45, 21, 30, 48));
        expected.addAll(typed(SEQUENCE)); // the last release (LAlt's) is stopped, but its press went on: so does its release
        expected.add("56/0"); // the unlocking release got through
        expected.addAll(typed(18, 33));
        waitFor(() -> sinkKeys().size() >= expected.size());
        Thread.sleep(200);
        assertThat(sinkKeys()).containsExactlyElementsOf(expected);
        // spyglass logs releases' keysyms: the arrows, LCtrl and LAlt are <nil>; the locking
        // LAlt's release was stopped on its KEYCODE, so spyglass had no KEYSYM of it, whichever
        // came first in the chain
        String nils = "<nil>".repeat(9);
        assertThat(read(spy)).isEqualTo((keylockerFirst ? "" : "xy") + "ab" + nils + "<nil>" + "ef");
    }

    /** Chain order and verdicts, with scripts of our own: registration order, STOP, BAD, errors. */
    @Test
    void eventsGoDownOneChainInRegistrationOrderUntilAStopOrBad() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        // "one" stops the KEYCODE of a (30), answers BAD to the KEYCODE of b (48), fails on c (46)
        Files.writeString(root.resolve("one.lua"), """
            local notifier = require("notifier")
            notifier.keyboard(function(event, down, shift, value)
              if not down then return end
              print("one", event, value)
              if event == notifier.kbd.KEYCODE and value == 30 then return notifier.notify.STOP end
              if event == notifier.kbd.KEYCODE and value == 48 then return notifier.notify.BAD end
              if event == notifier.kbd.KEYCODE and value == 46 then error("one fails") end
              return notifier.notify.OK
            end)
            """);
        Files.writeString(root.resolve("two.lua"), """
            local notifier = require("notifier")
            notifier.keyboard(function(event, down, shift, value)
              if down then print("two", event, value) end
            end)
            """);
        Host h = new Host(root, log::add);
        track(h.runtime("one", true));
        track(h.runtime("two", true));
        keys(30, 1);
        keys(48, 1);
        keys(46, 1);
        waitFor(() -> log.stream().filter(l -> l.startsWith("two")).count() >= 5);
        Thread.sleep(200);
        assertThat(log.stream().filter(l -> l.startsWith("one\t") || l.startsWith("two\t"))).containsExactly(
            // STOP on KEYCODE: two never sees it, nor any KEYSYM; UNBOUND_KEYCODE goes down the chain
            "one\t1\t30", "one\t2\t30", "two\t2\t30",
            // BAD ends the KEYCODE event's chain, but only STOP withholds the KEYSYM
            "one\t1\t48", "one\t4\t64354", "two\t4\t64354", "one\t5\t64354", "two\t5\t64354",
            // an error is logged and the event goes on
            "one\t1\t46", "two\t1\t46", "one\t4\t64355", "two\t4\t64355", "one\t5\t64355", "two\t5\t64355");
        assertThat(log).anyMatch(l -> l.endsWith("one.lua:7: one fails"));
        // a and b did not reach the sink; c did
        assertThat(sinkKeys()).containsExactly("48/1", "46/1");
    }

    /**
     * A runtime that is busy is passed by (after a wait, with a line in its log), a stopped one
     * leaves the chain, and a notifier cannot stop itself from its own callback.
     */
    @Test
    void busyAndStoppedRuntimesDoNotWedgeTheChain() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        for (String name : List.of("one", "two")) {
            Files.writeString(root.resolve(name + ".lua"), """
                local notifier = require("notifier")
                local n
                n = notifier.keyboard(function(event, down, shift, value)
                  if down and event == notifier.kbd.KEYCODE then
                    print("NAME", value)
                    if value == 32 then print(pcall(n.stop, n)) end
                  end
                end)
                """.replace("NAME", name));
        }
        Host h = new Host(root, log::add);
        Runtime one = track(h.runtime("one", true));
        Runtime two = track(h.runtime("two", true));
        one.lock().lock(); // busy: its own script holds it
        long t0 = System.nanoTime();
        try {
            keys(30, 1);
            waitFor(() -> log.contains("two\t30"));
        } finally {
            one.lock().unlock();
        }
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(NotifierChain.WAIT.toNanos());
        assertThat(log).contains("notifier: runtime 'one' was busy for 2000 ms: the event passed it by")
            .doesNotContain("one\t30");
        two.stop();
        keys(31, 1);
        waitFor(() -> log.contains("one\t31"));
        keys(32, 1);
        waitFor(() -> log.contains("one\t32"));
        waitFor(() -> log.stream().anyMatch(l -> l.contains("cannot unregister itself")));
        assertThat(log).anyMatch(l -> l.matches("false\t\\[[0-9a-f]+\\] notifier cannot unregister itself \\(deadlock\\)"))
            .doesNotContain("two\t31", "two\t32");
        // the keys that got through reached the sink, in order
        assertThat(sinkKeys()).containsExactly("30/1", "31/1", "32/1");
    }

    /** A callback that never returns is interrupted after the chain's limit; the key goes on to the next. */
    @Test
    void aRunawayCallbackIsInterruptedAndTheKeyGoesOn() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Files.writeString(root.resolve("loop.lua"), """
            local notifier = require("notifier")
            notifier.keyboard(function(event, down, shift, value)
              if value == 30 then while true do pcall(function() while true do end end) end end
            end)
            """);
        Files.writeString(root.resolve("two.lua"), """
            local notifier = require("notifier")
            notifier.keyboard(function(event, down, shift, value)
              if down and event == notifier.kbd.KEYCODE then print("two", value) end
            end)
            """);
        Host h = new Host(root, log::add);
        track(h.runtime("loop", true));
        track(h.runtime("two", true));
        keys(30, 1);
        waitFor(() -> log.contains("two\t30"));
        assertThat(log).anyMatch(l -> l.contains("notifier callback ran longer than 1000 ms"));
        keys(31, 1);
        waitFor(() -> log.contains("two\t31"));
        assertThat(sinkKeys()).containsExactly("30/1", "31/1");
    }
}
