package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
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

    @AfterEach
    void tearDown() {
        NotifierLib.setConsoleDirectory(null);
    }

    private static int[] recorded(String name) throws Exception {
        try (InputStream in = VtermTest.class.getResourceAsStream("/vterm/" + name + ".vcsu")) {
            byte[] b = in.readAllBytes();
            return VtermChain.screen(MemorySegment.ofArray(b), b.length);
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

    private static void waitFor(Callable<Boolean> c) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.call() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(c.call()).isTrue();
    }

    private static void writeConsole(String s) throws Exception {
        Files.writeString(Path.of("/dev/tty1"), s);
    }

    @Test
    void writesToAConsoleReachTwoNotifiersInOrder() throws Exception {
        lunatik.testsupport.Require.byNature(Files.isReadable(Path.of("/dev/vcsu1")) && Files.isWritable(Path.of("/dev/tty1")),
            "needs virtual console 1 (/dev/vcsu1, /dev/tty1): this machine has none");
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
            waitFor(() -> log.contains("second\tupdate\t0\t0"));
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
            && Files.isWritable(Path.of("/dev/tty0")) && !Files.exists(Path.of("/dev/vcsu2")),
            "needs virtual consoles (/dev/vcsu1, /dev/tty0, /dev/tty2) and console 2 not in use: this machine has none free");
        Files.writeString(root.resolve("alloc.lua"), """
            local notifier = require("notifier")
            notifier.vterm(function(event, c, vc)
              if event == notifier.vt.VT_ALLOCATE then print("allocate", vc)
              elseif event == notifier.vt.VT_DEALLOCATE then print("deallocate", vc) end
            end)
            """);
        Host h = new Host(root, log::add);
        Runtime rt = h.runtime("alloc", true);
        try {
            int tty = lunatik.linux.ffm.LibC.open("/dev/tty2", lunatik.linux.ffm.LibC.O_RDWR | 0400 /* O_NOCTTY */);
            lunatik.linux.ffm.LibC.close(tty);
            waitFor(() -> log.contains("allocate\t1"));
            int tty0 = lunatik.linux.ffm.LibC.open("/dev/tty0", lunatik.linux.ffm.LibC.O_RDWR | 0400);
            try {
                assertThat(lunatik.linux.ffm.LibC.ioctl(tty0, 0x5608 /* VT_DISALLOCATE */, 2)).isZero();
            } finally {
                lunatik.linux.ffm.LibC.close(tty0);
            }
            waitFor(() -> log.contains("deallocate\t1"));
        } finally {
            rt.stop();
        }
    }
}
