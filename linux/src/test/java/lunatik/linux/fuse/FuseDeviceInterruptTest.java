package lunatik.linux.fuse;

import static lunatik.linux.fuse.FuseDeviceTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import lunatik.linux.ffm.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupted requests, through real processes reading a real FUSE file: a reader killed while
 * its read waits in the handler goes away, however many do, and close() lets blocked readers go.
 */
class FuseDeviceInterruptTest {
    @TempDir
    Path dir;
    private final List<FuseDevice> devices = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
        devices.forEach(FuseDevice::close);
    }

    /**
     * Reads by {@code cat} (O_RDONLY) block until interrupted, then fail with EINTR (ENXIO once
     * the device is closed); other reads answer "ok" at once.
     */
    static final class Blocking implements FuseHandler {
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicReference<FuseDevice> device = new AtomicReference<>();
        final CountDownLatch never = new CountDownLatch(1);

        @Override
        public byte[] read(OpenFile f, int length, long offset) throws FuseException {
            FuseDevice d = device.get();
            if (d != null && d.isClosed()) {
                throw new FuseException(Errno.ENXIO); // as the device layer does after stop
            }
            if ((f.flags() & 3) != 0) {
                return "ok".getBytes(StandardCharsets.US_ASCII);
            }
            entered.incrementAndGet();
            try {
                never.await(60, TimeUnit.SECONDS);
                throw new FuseException(110); // ETIMEDOUT: never interrupted
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw new FuseException(Errno.EINTR);
            }
        }

        @Override
        public int write(OpenFile f, byte[] data, long offset) {
            return data.length;
        }
    }

    private FuseDevice mount(String name, Blocking h, int threads) throws IOException {
        FuseDevice d = FuseDevice.mount(dir.resolve(name), 0666, h, threads);
        h.device.set(d);
        devices.add(d);
        return d;
    }

    private Process cat(Path p) throws IOException {
        Process c = new ProcessBuilder("cat", p.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(c);
        return c;
    }

    /** Waits until every process in {@code ps} has ended, for at most {@code ms}; returns how long it took. */
    private static long awaitAll(List<Process> ps, long ms) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + ms * 1_000_000;
        for (Process p : ps) {
            long left = deadline - System.nanoTime();
            assertThat(left > 0 && p.waitFor(left, TimeUnit.NANOSECONDS)).as("process %d ended", p.pid()).isTrue();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String readRw(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(2);
            ch.read(b);
            return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aReaderKilledWhileItsReadWaitsInTheHandlerGoesAway() throws Exception {
        Blocking h = new Blocking();
        FuseDevice d = mount("blocked", h, FuseDevice.DEFAULT_THREADS);
        Process c = cat(d.path());
        waitFor(() -> h.entered.get() == 1 && d.requestsInFlight() == 1);
        c.destroyForcibly(); // SIGKILL
        awaitAll(List.of(c), 2000);
        assertThat(h.interrupted.get()).isEqualTo(1);
        waitFor(() -> d.requestsInFlight() == 0);
        assertThat(readRw(d.path())).isEqualTo("ok"); // the device goes on
    }

    @Test
    void eightKilledReadersAllGoAndTheExtraThreadsEndWhenIdle() throws Exception {
        long retire = FuseDevice.retireNanos;
        FuseDevice.retireNanos = 300_000_000L;
        try {
            Blocking h = new Blocking();
            FuseDevice d = mount("eight", h, FuseDevice.DEFAULT_THREADS);
            List<Process> cats = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                cats.add(cat(d.path()));
            }
            waitFor(() -> h.entered.get() == 8);
            assertThat(d.requestsInFlight()).isEqualTo(8);
            waitFor(() -> d.readerThreads() > 8); // 8 blocked, one more reads
            assertThat(readRw(d.path())).as("and serves").isEqualTo("ok");
            cats.forEach(Process::destroyForcibly);
            awaitAll(cats, 2000);
            waitFor(() -> h.interrupted.get() == 8);
            waitFor(() -> d.readerThreads() == FuseDevice.DEFAULT_THREADS);
            assertThat(readRw(d.path())).isEqualTo("ok");
        } finally {
            FuseDevice.retireNanos = retire;
        }
    }

    @Test
    void closeLetsBlockedReadersGoAndTheThreadsEndOnceTheFilesAreClosed() throws Exception {
        Blocking h = new Blocking();
        FuseDevice d = mount("closing", h, FuseDevice.DEFAULT_THREADS);
        List<Process> cats = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cats.add(cat(d.path()));
        }
        waitFor(() -> h.entered.get() == 3 && d.requestsInFlight() == 3);
        d.close(java.time.Duration.ZERO);
        awaitAll(cats, 2000);
        for (Process c : cats) {
            assertThat(c.exitValue()).as("the read failed").isNotZero();
        }
        assertThat(h.interrupted.get()).isEqualTo(3);
        waitFor(d::isTerminated);
    }

    /** A handler that leaves its thread's interrupt status set does not spoil the next request. */
    @Test
    void aWorkerDoesNotKeepAStaleInterruptStatus() throws Exception {
        List<Boolean> interruptedAtEntry = new java.util.concurrent.CopyOnWriteArrayList<>();
        FuseDevice d = FuseDevice.mount(dir.resolve("careless"), 0666, new FuseHandler() {
            @Override
            public byte[] read(OpenFile f, int length, long offset) {
                interruptedAtEntry.add(Thread.currentThread().isInterrupted());
                Thread.currentThread().interrupt(); // as an interrupt that came too late would
                return "ok".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public int write(OpenFile f, byte[] data, long offset) {
                return data.length;
            }
        }, 1); // one thread, quick requests: the same thread serves them all
        devices.add(d);
        for (int i = 0; i < 20; i++) {
            assertThat(readRw(d.path())).isEqualTo("ok");
        }
        assertThat(interruptedAtEntry).hasSize(20).containsOnly(false);
    }
}
