package lunatik.linux.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FuseDevice through real FUSE mounts on a temporary file, used through java.nio. */
class FuseDeviceTest {
    @TempDir
    Path dir;
    private final List<FuseDevice> devices = new ArrayList<>();

    @AfterEach
    void unmount() {
        devices.forEach(FuseDevice::close);
    }

    private FuseDevice mount(String name, int mode, FuseHandler h) throws IOException {
        FuseDevice d = FuseDevice.mount(dir.resolve(name), mode, h);
        devices.add(d);
        return d;
    }

    /** A file of {@code size} bytes (byte i = i % 251) that takes writes into a list. */
    static final class Memory implements FuseHandler {
        final byte[] content;
        final List<String> events = new CopyOnWriteArrayList<>();
        final java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();

        Memory(int size) {
            content = new byte[size];
            for (int i = 0; i < size; i++) {
                content[i] = (byte) (i % 251);
            }
        }

        @Override
        public void open(OpenFile f) {
            events.add("open");
        }

        @Override
        public byte[] read(OpenFile f, int length, long offset) {
            int from = (int) Math.min(offset, content.length);
            return Arrays.copyOfRange(content, from, (int) Math.min(content.length, from + (long) length));
        }

        @Override
        public synchronized int write(OpenFile f, byte[] data, long offset) {
            written.writeBytes(data);
            return data.length;
        }

        @Override
        public void release(OpenFile f) {
            events.add("release");
        }
    }

    @Test
    void readsReachTheHandlerAndTheFileLooksLikeAFile() throws Exception {
        Memory m = new Memory(100);
        FuseDevice d = mount("hello", 0640, m);
        Path p = d.path();
        assertThat(FuseDevice.isMounted(p)).isTrue();
        assertThat(Files.readAllBytes(p)).isEqualTo(m.content);
        assertThat(Files.isRegularFile(p)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r-----");
        try (InputStream in = Files.newInputStream(p)) {
            assertThat(in.readNBytes(16)).isEqualTo(Arrays.copyOf(m.content, 16));
        }
        waitFor(() -> m.events.size() >= 4);
        assertThat(m.events).containsExactly("open", "release", "open", "release");
    }

    @Test
    void defaultModeIs0600() throws Exception {
        FuseDevice d = FuseDevice.mount(dir.resolve("plain"), new Memory(1));
        devices.add(d);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.path()))).isEqualTo("rw-------");
    }

    @Test
    void largeReadsAndWrites() throws Exception {
        Memory m = new Memory(3 << 20);
        FuseDevice d = mount("big", 0600, m);
        try (InputStream in = Files.newInputStream(d.path())) {
            byte[] first = in.readNBytes(1 << 20);
            assertThat(first).isEqualTo(Arrays.copyOf(m.content, 1 << 20));
        }
        assertThat(Files.readAllBytes(d.path())).isEqualTo(m.content);
        byte[] payload = new byte[1 << 20];
        new java.util.Random(1).nextBytes(payload);
        try (OutputStream out = Files.newOutputStream(d.path(), StandardOpenOption.WRITE)) {
            out.write(payload);
        }
        assertThat(m.written.toByteArray()).isEqualTo(payload);
    }

    @Test
    void truncatingOpensWork() throws Exception {
        Memory m = new Memory(0);
        FuseDevice d = mount("sink", 0666, m);
        Files.writeString(d.path(), "x\n"); // CREATE, TRUNCATE_EXISTING, WRITE: SETATTR then WRITE
        Files.writeString(d.path(), "yz", StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        assertThat(m.written.toString(StandardCharsets.UTF_8)).isEqualTo("x\nyz");
        assertThat(Files.readAllBytes(d.path())).isEmpty();
    }

    @Test
    void handlerErrorsBecomeIOExceptions() throws Exception {
        FuseDevice d = mount("failing", 0666, new FuseHandler() {
            @Override
            public byte[] read(OpenFile f, int length, long offset) throws FuseException {
                throw new FuseException(Errno.ECANCELED);
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void open(OpenFile f) {
                if ((f.flags() & 3) == LibC.O_RDWR) {
                    throw new StackOverflowError(); // an Error too fails the call, the server goes on
                }
            }
        });
        assertThatThrownBy(() -> java.nio.channels.FileChannel.open(d.path(), StandardOpenOption.READ,
            StandardOpenOption.WRITE).close()).isInstanceOf(IOException.class).hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> Files.readAllBytes(d.path())).isInstanceOf(IOException.class)
            .hasMessageContaining("Operation canceled");
        assertThatThrownBy(() -> Files.writeString(d.path(), "x")).isInstanceOf(IOException.class)
            .hasMessageContaining("Input/output error");
        FuseDevice closed = mount("closed", 0666, new FuseHandler() {
            @Override
            public void open(OpenFile f) throws FuseException {
                throw new FuseException(Errno.ENXIO);
            }

            @Override
            public byte[] read(OpenFile f, int length, long offset) {
                return null;
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return 0;
            }
        });
        assertThatThrownBy(() -> Files.readAllBytes(closed.path())).isInstanceOf(IOException.class)
            .hasMessageContaining("No such device or address");
    }

    @Test
    void positionsAdvancePerOpenAndHandlersMaySeek() throws Exception {
        List<Long> offsets = new CopyOnWriteArrayList<>();
        FuseDevice d = mount("counter", 0666, new FuseHandler() {
            @Override
            public byte[] read(OpenFile f, int length, long offset) {
                offsets.add(offset);
                if (offset >= 3) {
                    f.seek(100);
                }
                return offset >= 200 ? null : new byte[] {'a'};
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return data.length;
            }
        });
        try (InputStream in = Files.newInputStream(d.path())) {
            for (int i = 0; i < 6; i++) {
                assertThat(in.read()).isEqualTo('a');
            }
        }
        assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 100L, 100L);
    }

    @Test
    void nonseekableFilesRefuseLseek() throws Exception {
        FuseDevice d = FuseDevice.mount(dir.resolve("pipe"), 0600, new Memory(3), 1, true);
        devices.add(d);
        try (var ch = java.nio.channels.FileChannel.open(d.path())) {
            assertThatThrownBy(ch::position).isInstanceOf(IOException.class).hasMessageContaining("Illegal seek");
            assertThat(ch.read(java.nio.ByteBuffer.allocate(8))).isEqualTo(3);
        }
    }

    @Test
    void concurrentReadersAreServedAtTheSameTime() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        FuseDevice d = mount("slow", 0666, new FuseHandler() {
            @Override
            public byte[] read(OpenFile f, int length, long offset) throws FuseException {
                both.countDown();
                try {
                    if (!both.await(10, TimeUnit.SECONDS)) {
                        throw new FuseException(Errno.EIO);
                    }
                } catch (InterruptedException e) {
                    throw new FuseException(Errno.EINTR);
                }
                return "ok".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return data.length;
            }
        });
        List<String> got = new CopyOnWriteArrayList<>();
        Thread[] readers = new Thread[2];
        for (int i = 0; i < 2; i++) {
            readers[i] = Thread.ofPlatform().start(() -> {
                try (InputStream in = Files.newInputStream(d.path())) {
                    got.add(new String(in.readNBytes(2), StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    got.add(e.toString());
                }
            });
        }
        for (Thread t : readers) {
            t.join(15_000);
        }
        assertThat(got).containsExactly("ok", "ok");
    }

    @Test
    void closeRemovesTheMountAndEndsTheThreads() throws Exception {
        Memory m = new Memory(4);
        FuseDevice d = mount("gone", 0600, m);
        assertThat(Files.readAllBytes(d.path())).hasSize(4);
        d.close();
        assertThat(FuseDevice.isMounted(d.path())).isFalse();
        assertThat(Files.exists(d.path())).as("the device file goes with its server").isFalse();
        waitFor(d::isTerminated);
        d.close(); // twice is fine
    }

    @Test
    void aStaleMountIsDetachedBeforeMounting() throws Exception {
        Path p = dir.resolve("stale");
        Files.createFile(p);
        // a daemon killed: its /dev/fuse descriptor closed, its mount left behind
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        LibC.mount("stale", p.toString(), "fuse.lunatik", LibC.MS_NOSUID | LibC.MS_NODEV,
            "fd=" + fd + ",rootmode=100000,user_id=0,group_id=0,allow_other");
        LibC.close(fd);
        assertThat(FuseDevice.isMounted(p)).isTrue();
        assertThatThrownBy(() -> Files.readAllBytes(p)).isInstanceOf(IOException.class)
            .hasMessageContaining("Transport endpoint is not connected");
        FuseDevice d = mount("stale", 0600, new Memory(7));
        assertThat(Files.readAllBytes(p)).hasSize(7);
        d.close();
        assertThat(FuseDevice.isMounted(p)).isFalse();
        // nothing left: no mount (ENOENT: the empty device file went too)
        assertThatThrownBy(() -> LibC.umount2(p.toString(), LibC.MNT_DETACH))
            .isInstanceOf(lunatik.linux.ffm.ErrnoException.class)
            .satisfies(e -> assertThat(((lunatik.linux.ffm.ErrnoException) e).errno()).isIn(Errno.EINVAL, Errno.ENOENT));
    }

    @Test
    void aPathThisProcessServesIsRefused() throws Exception {
        FuseDevice d = mount("twice", 0600, new Memory(2));
        assertThatThrownBy(() -> FuseDevice.mount(d.path(), new Memory(3)))
            .isInstanceOf(lunatik.linux.ffm.ErrnoException.class)
            .satisfies(e -> assertThat(((lunatik.linux.ffm.ErrnoException) e).errno()).isEqualTo(Errno.EEXIST));
        assertThat(Files.readAllBytes(d.path())).hasSize(2);
        d.close();
        FuseDevice again = mount("twice", 0600, new Memory(3));
        assertThat(Files.readAllBytes(again.path())).hasSize(3);
    }

    /** One request that sleeps does not hold up the others: the monitor promotes a follower. */
    @Test
    void aSleepingRequestDoesNotHoldUpTheNext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FuseDevice d = mount("sleepy", 0666, new FuseHandler() {
            @Override
            public byte[] read(OpenFile f, int length, long offset) throws FuseException {
                if ((f.flags() & 3) == 0) { // O_RDONLY
                    try {
                        release.await(20, TimeUnit.SECONDS); // the first reader's request sleeps
                    } catch (InterruptedException e) {
                        throw new FuseException(Errno.EINTR);
                    }
                    return "slow".getBytes(StandardCharsets.US_ASCII);
                }
                return "fast".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return data.length;
            }
        });
        List<String> order = new CopyOnWriteArrayList<>();
        Thread slow = Thread.ofPlatform().start(() -> {
            try (InputStream in = Files.newInputStream(d.path())) {
                order.add(new String(in.readNBytes(4), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                order.add(e.toString());
            }
        });
        Thread.sleep(200); // the slow request is in its handler now
        try (var ch = java.nio.channels.FileChannel.open(d.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
            ch.read(b);
            order.add(new String(b.array(), StandardCharsets.US_ASCII));
            assertThat(Files.size(d.path())).isZero(); // a stat, too, is answered
        }
        release.countDown();
        slow.join(20_000);
        assertThat(order).containsExactly("fast", "slow");
    }

    /** A busy device holds the CPU latency request while it is busy, and drops it when quiet. */
    @Test
    void aBusyDeviceHoldsTheCpuLatencyRequestUntilQuiet() throws Exception {
        FuseDevice.setLowLatencyWhenBusy(true);
        try {
            FuseDevice d = mount("busy", 0600, new Memory(1));
            try (var ch = java.nio.channels.FileChannel.open(d.path(), StandardOpenOption.READ)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(1);
                long end = System.nanoTime() + 500_000_000L;
                boolean seen = false;
                while (System.nanoTime() < end || !seen) {
                    b.clear();
                    ch.read(b, 0);
                    seen |= lunatik.linux.power.CpuLatency.held();
                    if (System.nanoTime() - end > 10_000_000_000L) {
                        break; // 10 s over: fail below
                    }
                }
                assertThat(seen).as("held while busy").isTrue();
            }
            waitFor(() -> !lunatik.linux.power.CpuLatency.held());
        } finally {
            FuseDevice.setLowLatencyWhenBusy(false);
        }
    }

    /** Runs {@code cmd}; returns its exit code and output. */
    static String[] run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void chmodChangesThePermissionBitsAndRefusesTheSpecialOnes() throws Exception {
        FuseDevice d = mount("chmod", 0600, new Memory(1));
        Path p = d.path();
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r--r--");
        assertThat(d.mode()).isEqualTo(0644);
        for (String mode : List.of("4644", "2644", "1644", "u+s")) {
            String[] r = run("chmod", mode, p.toString());
            assertThat(r[0]).as("chmod " + mode).isNotEqualTo("0");
            assertThat(r[1]).contains("Operation not permitted");
        }
        assertThat(Files.getAttribute(p, "unix:mode")).isEqualTo(0100644);
        assertThat(d.mode()).isEqualTo(0644);
    }

    @Test
    void chownChangesTheOwnerShown() throws Exception {
        FuseDevice d = mount("chown", 0600, new Memory(1));
        Path p = d.path();
        assertThat(run("chown", "1234:5678", p.toString())[0]).isEqualTo("0");
        assertThat(Files.getAttribute(p, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(p, "unix:gid")).isEqualTo(5678);
        assertThat(run("chgrp", "42", p.toString())[0]).isEqualTo("0");
        assertThat(Files.getAttribute(p, "unix:uid")).isEqualTo(1234);
        assertThat(Files.getAttribute(p, "unix:gid")).isEqualTo(42);
        assertThat(Files.readAllBytes(p)).hasSize(1); // root may still read it
    }

    @Test
    void truncationToZeroSucceedsAndToAnyOtherSizeFails() throws Exception {
        Memory m = new Memory(0);
        FuseDevice d = mount("trunc", 0666, m);
        Path p = d.path();
        assertThat(run("truncate", "-s", "0", p.toString())[0]).isEqualTo("0");
        assertThat(run("sh", "-c", "echo hi > '" + p + "'")[0]).isEqualTo("0"); // O_TRUNC
        String[] r = run("truncate", "-s", "5", p.toString());
        assertThat(r[0]).isNotEqualTo("0");
        assertThat(r[1]).contains("Invalid argument");
        assertThat(Files.size(p)).isZero();
        assertThat(m.written.toString(StandardCharsets.UTF_8)).isEqualTo("hi\n");
    }

    @Test
    void timesAreKeptAndShown() throws Exception {
        FuseDevice d = mount("times", 0666, new Memory(0));
        Path p = d.path();
        assertThat(run("touch", "-m", "-d", "@1000000000.25", p.toString())[0]).isEqualTo("0");
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_000_000_000_250L);
        assertThat(run("touch", "-a", "-d", "@2000000000", p.toString())[0]).isEqualTo("0");
        assertThat(((java.nio.file.attribute.FileTime) Files.getAttribute(p, "lastAccessTime")).toMillis())
            .isEqualTo(2_000_000_000_000L);
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_000_000_000_250L);
        assertThat(run("touch", p.toString())[0]).isEqualTo("0"); // both now
        long now = System.currentTimeMillis();
        assertThat(Files.getLastModifiedTime(p).toMillis()).isBetween(now - 60_000, now + 60_000);
    }

    @Test
    void aHandlerBugIsReportedOnceAndTheCallerGetsEio() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        FuseDevice d = FuseDevice.mount(dir.resolve("buggy"), 0666, new FuseHandler() {
            @Override
            public void open(OpenFile f) throws FuseException {
                if ((f.flags() & 3) == LibC.O_WRONLY) {
                    throw new FuseException(Errno.ENXIO); // a refusal, not a bug: not reported
                }
            }

            @Override
            public byte[] read(OpenFile f, int length, long offset) {
                throw new IllegalStateException("boom");
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return data.length;
            }
        }, 2, false, (line, e) -> {
            lines.add(line);
            errors.add(e);
        });
        devices.add(d);
        assertThatThrownBy(() -> Files.readAllBytes(d.path())).isInstanceOf(IOException.class)
            .hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> Files.writeString(d.path(), "x")).isInstanceOf(IOException.class)
            .hasMessageContaining("No such device or address");
        assertThat(lines).containsExactly(d.path() + ": read: java.lang.IllegalStateException: boom");
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }
}
