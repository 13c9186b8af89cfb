package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lunatik.runtime.Host;
import lunatik.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifier.vterm: the decoding of console screens into vt events, on screens recorded from
 * /dev/vcsu1 of one of our VMs (cleared; "hi\r\n" written; "ok\u00e9" written; cleared again), and
 * the real thing where the machine has a virtual console we may write to.
 */
class VtermTest {
    @TempDir
    Path root;
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Where the notifiers of the test look for consoles. */
    Path dev = Path.of("/dev");

    @AfterEach
    void tearDown() {
        NotifierLib.setConsoleDirectory(null);
    }

    private static int[] recorded(String name) throws Exception {
        byte[] b = recordedBytes(name);
        return VtermChain.screen(MemorySegment.ofArray(b), b.length);
    }

    /** A screen recorded from /dev/vcsu1, as the device gives it. */
    private static byte[] recordedBytes(String name) throws Exception {
        try (InputStream in = VtermTest.class.getResourceAsStream("/vterm/" + name + ".vcsu")) {
            return in.readAllBytes();
        }
    }

    /** The events of one update, as "event:char" with the character as text. */
    private static List<String> events(int[] before, int[] after) {
        return VtermChain.decode(before, after).stream()
            .map(e -> e[0] + ":" + (e[1] == 0 ? "" : Character.toString((int) e[1]))).toList();
    }

    @Test
    void recordedScreensDecodeToTheWrittenCharactersThenAnUpdate() throws Exception {
        int[] cleared = recorded("tty1-0-cleared");
        int[] hi = recorded("tty1-1-hi");
        int[] ok = recorded("tty1-2-ok");
        int[] again = recorded("tty1-3-cleared");
        assertThat(cleared).hasSize(80 * 25);
        assertThat(events(cleared, hi)).containsExactly("3:h", "3:i", "4:");
        assertThat(events(hi, ok)).containsExactly("3:o", "3:k", "3:\u00e9", "4:"); // UCS-4: é is one character
        // an erasure reads as blanks written where there were characters
        assertThat(events(ok, again)).containsExactly("3: ", "3: ", "3: ", "3: ", "3: ", "4:");
        assertThat(events(hi, hi)).containsExactly("4:");
        // a screen of another size (the console was resized) is all new
        assertThat(events(new int[10], hi)).hasSize(hi.length + 1);
    }

    @Test
    void withoutAVirtualConsoleVtermSaysSo() throws Exception {
        NotifierLib.setConsoleDirectory(root);
        Files.writeString(root.resolve("vt.lua"), """
            local notifier = require("notifier")
            return function() return select(2, pcall(notifier.vterm, print)) end
            """);
        Host h = new Host(root, log::add);
        Runtime rt = h.runtime("vt", true);
        String r = rt.run(S -> S.call1(rt.entry()).toString());
        rt.stop();
        assertThat(r).isEqualTo("couldn't create notifier: no virtual console on this machine (no " + root.resolve("vcsu")
            + "<N>)");
    }

    /** A folder of consoles of our own, for the scan: console 0 a regular file holding a screen. */
    private void consoleFolder(String script) throws Exception {
        dev = Files.createDirectory(root.resolve("dev"));
        Files.write(dev.resolve("vcsu1"), recordedBytes("tty1-0-cleared"));
        NotifierLib.setConsoleDirectory(dev);
        Files.writeString(root.resolve(script + ".lua"), """
            local notifier = require("notifier")
            notifier.vterm(function(event, c, vc)
              if event == notifier.vt.VT_ALLOCATE then print("allocate", vc) end
            end)
            """);
    }

    /** A console listed but deallocated before the first notifier opens it is passed by, not a failure of the notifier. */
    @Test
    void aConsoleGoneBeforeItIsOpenedIsPassedBy() throws Exception {
        consoleFolder("gone");
        Files.createSymbolicLink(dev.resolve("vcsu2"), dev.resolve("deallocated")); // listed; its open fails (ENOENT)
        Host h = new Host(root, log::add);
        Runtime rt = h.runtime("gone", true);
        try {
            // it comes back: an allocation, seen at the scan's next look
            Files.delete(dev.resolve("vcsu2"));
            Files.write(dev.resolve("vcsu2"), recordedBytes("tty1-0-cleared"));
            waitFor("allocate\t1");
        } finally {
            rt.stop();
        }
    }

    /**
     * A new console that the scan opens but cannot read is tried again at its next look (it was
     * kept as followed, and never followed).
     */
    @Test
    void aNewConsoleThatCouldNotBeReadIsTriedAgain() throws Exception {
        consoleFolder("unread");
        Host h = new Host(root, log::add);
        Runtime rt = h.runtime("unread", true);
        try {
            Files.createDirectory(dev.resolve("vcsu3")); // opens, but its read fails (EISDIR)
            Thread.sleep(2500); // two looks of the scan meet it so
            Files.delete(dev.resolve("vcsu3"));
            Files.write(dev.resolve("vcsu3"), recordedBytes("tty1-0-cleared"));
            waitFor("allocate\t2");
        } finally {
            rt.stop();
        }
    }

    /**
     * Waits up to 10 s (the scan looks each second) for {@code line} in the log; on a timeout,
     * says what there was to see: the log, the consoles, the chain's threads.
     */
    private void waitFor(String line) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!log.contains(line) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(log).as(() -> "no \"" + line.replace("\t", "\\t") + "\" within 10 s; " + state()).contains(line);
    }

    private String state() {
        return dev.resolve("vcsu2") + (Files.exists(dev.resolve("vcsu2")) ? " exists" : " does not exist") + "; consoles: "
            + VtermChain.consoles(dev).keySet() + "; threads: "
            + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("notifier-vterm"))
                .sorted().toList()
            + "; log: " + log;
    }

    /**
     * The virtual consoles are the machine's, not this JVM's: a build of another checkout running
     * these tests at the same time would write, allocate and deallocate the same ones (a console
     * allocated by it before our notifier starts is no allocation to us, and its deallocation
     * takes ours away). The live tests take turns, machine-wide, through a lock on a file.
     */
    private static FileLock consoles() throws Exception {
        FileChannel ch = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "lunatik-vterm-test.lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return ch.lock();
        } catch (Exception e) {
            ch.close();
            throw e;
        }
    }

    private static void release(FileLock lock) throws Exception {
        lock.release();
        lock.channel().close();
    }

    private static void writeConsole(String s) throws Exception {
        Files.writeString(Path.of("/dev/tty1"), s);
    }

    @Test
    void writesToAConsoleReachTwoNotifiersInOrder() throws Exception {
        lunatik.testsupport.Require.byNature(Files.isReadable(Path.of("/dev/vcsu1")) && Files.isWritable(Path.of("/dev/tty1")),
            "needs virtual console 1 (/dev/vcsu1, /dev/tty1): this machine has none");
        FileLock lock = consoles();
        try {
            writesToAConsole();
        } finally {
            release(lock);
        }
    }

    private void writesToAConsole() throws Exception {
        writeConsole("\033[H\033[2J");
        Thread.sleep(100);
        for (String name : List.of("first", "second")) {
            Files.writeString(root.resolve(name + ".lua"), """
                local notifier = require("notifier")
                notifier.vterm(function(event, c, vc)
                  if event == notifier.vt.VT_WRITE then print("NAME", "write", string.char(c), vc)
                  elseif event == notifier.vt.VT_UPDATE then print("NAME", "update", c, vc) end
                  if "NAME" == "first" and event == notifier.vt.VT_WRITE and c == 0x78 then return notifier.notify.STOP end
                end)
                """.replace("NAME", name));
        }
        Host h = new Host(root, log::add);
        Runtime first = h.runtime("first", true);
        Runtime second = h.runtime("second", true);
        try {
            writeConsole("lux");
            waitFor("second\tupdate\t0\t0");
            assertThat(log).containsSubsequence("first\twrite\tl\t0", "second\twrite\tl\t0", "first\twrite\tu\t0",
                "second\twrite\tu\t0", "first\twrite\tx\t0", "first\tupdate\t0\t0", "second\tupdate\t0\t0");
            // first's STOP ended the chain for that event: second never saw the x
            assertThat(log).doesNotContain("second\twrite\tx\t0");
        } finally {
            first.stop();
            second.stop();
            writeConsole("\033[H\033[2J");
        }
    }

    /** Opening /dev/tty2 allocates console 1; VT_DISALLOCATE on /dev/tty0 deallocates it. */
    @Test
    void aConsoleAllocatedAndDeallocatedIsAnnounced() throws Exception {
        lunatik.testsupport.Require.byNature(Files.isReadable(Path.of("/dev/vcsu1")) && Files.isWritable(Path.of("/dev/tty2"))
            && Files.isWritable(Path.of("/dev/tty0")), "needs virtual consoles (/dev/vcsu1, /dev/tty0, /dev/tty2): this machine has none");
        FileLock lock = consoles();
        try {
            lunatik.testsupport.Require.unlessConflict(Files.exists(Path.of("/dev/vcsu2")),
                "console 2 is in use (/dev/vcsu2 exists): the test would not see it allocated");
            allocateAndDeallocate();
        } finally {
            release(lock);
        }
    }

    private void allocateAndDeallocate() throws Exception {
        Files.writeString(root.resolve("alloc.lua"), """
            local notifier = require("notifier")
            notifier.vterm(function(event, c, vc)
              if event == notifier.vt.VT_ALLOCATE then print("allocate", vc)
              elseif event == notifier.vt.VT_DEALLOCATE then print("deallocate", vc) end
            end)
            """);
        Host h = new Host(root, log::add);
        Runtime rt = h.runtime("alloc", true);
        boolean allocated = false;
        try {
            // the notifier follows the consoles there were when it started: console 1 must not be among them
            assertThat(Files.exists(Path.of("/dev/vcsu2"))).as(() -> "console 2 allocated meanwhile by someone else; " + state())
                .isFalse();
            int tty = lunatik.linux.ffm.LibC.open("/dev/tty2", lunatik.linux.ffm.LibC.O_RDWR | 0400 /* O_NOCTTY */);
            allocated = true;
            lunatik.linux.ffm.LibC.close(tty);
            waitFor("allocate\t1");
            assertThat(disallocate()).as(() -> "VT_DISALLOCATE of console 2; " + state()).isZero();
            allocated = false;
            waitFor("deallocate\t1");
            assertThat(log).containsSubsequence("allocate\t1", "deallocate\t1");
        } finally {
            rt.stop();
            if (allocated) {
                disallocate(); // the console is left as it was found, for the next run
            }
        }
    }

    /** VT_DISALLOCATE of console 2 (number 1 from 0), on /dev/tty0: 0, or a negative errno. */
    private static int disallocate() throws Exception {
        int tty0 = lunatik.linux.ffm.LibC.open("/dev/tty0", lunatik.linux.ffm.LibC.O_RDWR | 0400);
        try {
            return lunatik.linux.ffm.LibC.ioctl(tty0, 0x5608 /* VT_DISALLOCATE */, 2);
        } finally {
            lunatik.linux.ffm.LibC.close(tty0);
        }
    }
}
