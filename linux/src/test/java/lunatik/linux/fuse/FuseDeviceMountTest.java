package lunatik.linux.fuse;

import static lunatik.linux.fuse.FuseDeviceTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import lunatik.linux.ffm.Errno;
import lunatik.linux.ffm.ErrnoException;
import lunatik.linux.ffm.LibC;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What FuseDevice.mount may touch: only an absent entry, or a stale mount of ours. Real mounts in temp dirs. */
class FuseDeviceMountTest {
    private static final long MS_BIND = 4096;

    @TempDir
    Path dir;
    private final List<FuseDevice> devices = new ArrayList<>();
    /** Mounts made by the test itself, detached at the end (the last one first). */
    private final List<Path> mounts = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        devices.forEach(FuseDevice::close);
        for (int i = mounts.size() - 1; i >= 0; i--) {
            try {
                LibC.umount2(mounts.get(i).toString(), LibC.MNT_DETACH);
            } catch (ErrnoException e) {
                // detached by the test already
            }
        }
        for (int fd : fds) {
            LibC.close(fd);
        }
        for (FuseDevice d : devices) {
            waitFor(d::isTerminated);
        }
    }

    private FuseDevice mount(Path p) throws IOException {
        FuseDevice d = FuseDevice.mount(p, 0600, new FuseDeviceTest.Memory(5));
        devices.add(d);
        return d;
    }

    private static void assertErrno(ThrowingCallable call, int errno) {
        assertThatThrownBy(call).isInstanceOf(ErrnoException.class)
            .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(errno));
    }

    /** A fuse.lunatik mount with {@code source} on {@code p} whose /dev/fuse descriptor stays open, unserved. */
    private void fakeLunatikMount(Path p, String source, boolean keepOpen) throws IOException {
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        LibC.mount(source, p.toString(), "fuse.lunatik", LibC.MS_NOSUID | LibC.MS_NODEV,
            "fd=" + fd + ",rootmode=100000,user_id=0,group_id=0,allow_other");
        mounts.add(p);
        if (keepOpen) {
            fds.add(fd);
        } else {
            LibC.close(fd); // the server died
        }
    }

    /** The pid of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return p.pid();
    }

    private static LibC.Stat lstat(Path p) throws ErrnoException {
        return LibC.statx(LibC.AT_FDCWD, p.toString(), LibC.AT_SYMLINK_NOFOLLOW | LibC.AT_STATX_DONT_SYNC);
    }

    /** The mountinfo sources of the mounts on {@code p}, bottom first. */
    private static List<String> sourcesAt(Path p) throws IOException {
        List<String> s = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f[4].equals(p.toString())) {
                int dash = List.of(f).indexOf("-");
                s.add(f[dash + 1] + " " + f[dash + 2]);
            }
        }
        return s;
    }

    private static int openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void anAbsentEntryIsMadeNamedAfterTheServerAndRemovedOnClose() throws Exception {
        Path p = dir.resolve("fresh");
        FuseDevice d = mount(p);
        assertThat(Files.readAllBytes(p)).hasSize(5);
        assertThat(sourcesAt(p)).containsExactly("fuse.lunatik lunatik:" + ProcessHandle.current().pid());
        d.close();
        assertThat(sourcesAt(p)).isEmpty();
        assertThat(Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aDeviceNodeIsRefusedAndLeftAlone() throws Exception {
        Path p = dir.resolve("null");
        assertThat(run("mknod", p.toString(), "c", "1", "3")).isZero();
        assertErrno(() -> mount(p), Errno.EEXIST);
        assertThat(lstat(p).type()).isEqualTo(LibC.S_IFCHR);
        assertThat(FuseDevice.isMounted(p)).isFalse();
    }

    @Test
    void aFileWithDataAnEmptyFileAndADirectoryAreRefusedAndLeftAlone() throws Exception {
        Path data = Files.writeString(dir.resolve("data"), "keep");
        Path empty = Files.createFile(dir.resolve("empty"));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        for (Path p : List.of(data, empty, sub)) {
            assertErrno(() -> mount(p), Errno.EEXIST);
            assertThat(FuseDevice.isMounted(p)).as(p.toString()).isFalse();
        }
        assertThat(Files.readString(data)).isEqualTo("keep");
        assertThat(Files.isRegularFile(empty)).isTrue();
        assertThat(Files.isDirectory(sub)).isTrue();
    }

    @Test
    void aSymbolicLinkIsRefusedEvenToAnEmptyFile() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path victim = Files.createFile(outside.resolve("victim"));
        Path devdir = Files.createDirectory(dir.resolve("dev"));
        Path link = Files.createSymbolicLink(devdir.resolve("link"), victim);
        Path dangling = Files.createSymbolicLink(devdir.resolve("dangling"), outside.resolve("made"));
        assertErrno(() -> mount(link), Errno.EEXIST);
        assertErrno(() -> mount(dangling), Errno.EEXIST);
        assertThat(FuseDevice.isMounted(victim)).isFalse();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.exists(outside.resolve("made"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(victim)).isTrue();
    }

    @Test
    void aMountOfAnotherKindIsRefusedAndLeftMounted() throws Exception {
        // a device named "pts" in /dev must not detach /dev/pts
        Path pts = Files.createDirectory(dir.resolve("pts"));
        LibC.mount("tmpfs", pts.toString(), "tmpfs", 0, "size=64k");
        mounts.add(pts);
        Path bound = Files.createFile(dir.resolve("bound"));
        Path src = Files.writeString(dir.resolve("src"), "x");
        LibC.mount(src.toString(), bound.toString(), "none", MS_BIND, null);
        mounts.add(bound);
        assertErrno(() -> mount(pts), Errno.EEXIST);
        assertErrno(() -> mount(bound), Errno.EEXIST);
        assertThat(sourcesAt(pts)).containsExactly("tmpfs tmpfs");
        assertThat(sourcesAt(bound)).hasSize(1);
        assertThat(Files.readString(bound)).isEqualTo("x");
    }

    @Test
    void aDeviceThatAnotherLiveProcessServesIsLeftAloneUntilItDies() throws Exception {
        Path p = Files.createFile(dir.resolve("theirs"));
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            fakeLunatikMount(p, "lunatik:" + other.pid(), true);
            assertErrno(() -> mount(p), Errno.EEXIST);
            assertThat(sourcesAt(p)).containsExactly("fuse.lunatik lunatik:" + other.pid());
        } finally {
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
        }
        FuseDevice d = mount(p); // its server is gone now: stale
        assertThat(Files.readAllBytes(p)).hasSize(5);
        assertThat(sourcesAt(p)).containsExactly("fuse.lunatik lunatik:" + ProcessHandle.current().pid());
        d.close();
        assertThat(sourcesAt(p)).isEmpty();
        assertThat(Files.exists(p)).as("the dead device's file is taken over, and goes with the device").isFalse();
    }

    @Test
    void stackedStaleMountsOfOursAreAllDetached() throws Exception {
        Path p = Files.createFile(dir.resolve("stacked"));
        fakeLunatikMount(p, "lunatik:" + ProcessHandle.current().pid(), false); // a device of ours that died
        fakeLunatikMount(p, "stacked", false);                                // an older version's
        fakeLunatikMount(p, "lunatik:" + deadPid(), false);                    // a daemon that was killed
        assertThat(sourcesAt(p)).hasSize(3);
        FuseDevice d = mount(p);
        assertThat(Files.readAllBytes(p)).hasSize(5);
        assertThat(sourcesAt(p)).containsExactly("fuse.lunatik lunatik:" + ProcessHandle.current().pid());
        d.close();
        assertThat(sourcesAt(p)).isEmpty();
    }

    @Test
    void aStaleMountOverSomethingNotOursIsDetachedButTheMountRefused() throws Exception {
        Path data = Files.writeString(dir.resolve("data"), "keep");
        fakeLunatikMount(data, "lunatik:" + deadPid(), false);
        assertErrno(() -> mount(data), Errno.EEXIST);
        assertThat(sourcesAt(data)).isEmpty();
        assertThat(Files.readString(data)).isEqualTo("keep");

        Path bound = Files.createFile(dir.resolve("bound"));
        Path src = Files.createFile(dir.resolve("src"));
        LibC.mount(src.toString(), bound.toString(), "none", MS_BIND, null);
        mounts.add(bound);
        fakeLunatikMount(bound, "lunatik:" + deadPid(), false);
        assertErrno(() -> mount(bound), Errno.EEXIST);
        assertThat(sourcesAt(bound)).hasSize(1).noneMatch(s -> s.startsWith("fuse.lunatik"));
    }

    @Test
    void ofTwoConcurrentMountsOfOnePathExactlyOneSucceeds() throws Exception {
        Path p = dir.resolve("raced");
        for (int round = 0; round < 40; round++) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Object> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread[] t = new Thread[2];
            for (int i = 0; i < 2; i++) {
                t[i] = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        results.add(FuseDevice.mount(p, 0600, new FuseDeviceTest.Memory(3)));
                    } catch (ErrnoException e) {
                        results.add(e.errno());
                    } catch (Exception e) {
                        results.add(e.toString());
                    }
                });
            }
            for (Thread x : t) {
                x.join(10_000);
            }
            List<FuseDevice> won = results.stream().filter(FuseDevice.class::isInstance)
                .map(FuseDevice.class::cast).toList();
            won.forEach(devices::add);
            assertThat(won).as("round " + round + ": " + results).hasSize(1);
            assertThat(results).as("round " + round).contains(Errno.EEXIST);
            assertThat(Files.readAllBytes(p)).hasSize(3); // the winner's mount is there and served
            assertThat(sourcesAt(p)).hasSize(1);
            won.get(0).close();
            assertThat(sourcesAt(p)).isEmpty();
            assertThat(Files.exists(p)).isFalse();
        }
    }

    @Test
    void failedMountsLeakNothing() throws Exception {
        Path node = dir.resolve("node");
        assertThat(run("mknod", node.toString(), "c", "1", "3")).isZero();
        Path data = Files.writeString(dir.resolve("data"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createFile(dir.resolve("target")));
        Path unmountable = dir.resolve("unmountable");
        Runnable batch = () -> {
            for (Path p : List.of(node, data, link)) {
                assertErrno(() -> mount(p), Errno.EEXIST);
            }
            assertErrno(() -> mount(dir.resolve("..")), Errno.EINVAL);
            FuseDevice.extraMountOptions = ",no_such_option";
            try {
                assertErrno(() -> mount(unmountable), Errno.EINVAL); // mount(2) fails
            } finally {
                FuseDevice.extraMountOptions = "";
            }
        };
        batch.run(); // classes loaded, and whatever the JVM opens once
        int before = openDescriptors();
        for (int i = 0; i < 5; i++) {
            batch.run();
        }
        assertThat(openDescriptors()).isEqualTo(before);
        assertThat(Files.exists(unmountable, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .as("the file made for the failed mount is removed").isFalse();
        assertThat(Files.readAllBytes(mount(unmountable).path())).as("and the path is free again").hasSize(5);
    }

    @Test
    void onlyThePermissionBitsOfTheModeAreUsed() throws Exception {
        FuseDevice d = FuseDevice.mount(dir.resolve("special"), 07777, new FuseDeviceTest.Memory(1));
        devices.add(d);
        assertThat(d.mode()).isEqualTo(0777);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d.path()))).isEqualTo("rwxrwxrwx");
        assertThat(Files.getAttribute(d.path(), "unix:mode")).isEqualTo(0100777);
    }

    @Test
    void aNameThatIsNoFileNameIsEinvalBeforeAnythingIsTouched() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        for (Path p : List.of(Path.of("/"), sub.resolve("."), sub.resolve(".."), sub.resolve("x".repeat(256)),
                sub.resolve("é".repeat(128)))) {
            assertErrno(() -> mount(p), Errno.EINVAL);
        }
        try (Stream<Path> s = Files.list(sub)) {
            assertThat(s).isEmpty();
        }
        assertThat(FuseDevice.isMounted(sub)).isFalse();
        assertThat(FuseDevice.isMounted(dir)).isFalse();
        for (String n : List.of("", ".", "..", "a/b", "a\0b", "y".repeat(256))) {
            assertErrno(() -> FuseDevice.checkName(n), Errno.EINVAL);
        }
        FuseDevice.checkName("x".repeat(255));
        FuseDevice.checkName("é".repeat(127));
        assertThat(Files.readAllBytes(mount(sub.resolve("x".repeat(255))).path())).hasSize(5);
    }

    @Test
    void aDirectoryGivenThroughASymbolicLinkIsTheSameDevicePath() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
        FuseDevice d = mount(real.resolve("dev"));
        assertErrno(() -> mount(alias.resolve("dev")), Errno.EEXIST);
        assertThat(FuseDevice.isMounted(alias.resolve("dev"))).isTrue();
        assertThat(new String(Files.readAllBytes(alias.resolve("dev")), StandardCharsets.ISO_8859_1)).hasSize(5);
        d.close();
        AtomicReference<FuseDevice> again = new AtomicReference<>(mount(alias.resolve("dev")));
        assertThat(again.get().path()).isEqualTo(alias.resolve("dev"));
        assertThat(sourcesAt(real.resolve("dev"))).hasSize(1);
    }
}
