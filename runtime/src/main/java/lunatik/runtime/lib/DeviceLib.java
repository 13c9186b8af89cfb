package lunatik.runtime.lib;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import lunatik.linux.fuse.FuseDevice;
import lunatik.linux.fuse.FuseException;
import lunatik.linux.fuse.FuseHandler;
import lunatik.linux.fuse.OpenFile;
import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.LuaUserdata;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import lunatik.runtime.LuaException;
import lunatik.runtime.Lunatik;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;
import lunatik.runtime.Objects;
import lunatik.runtime.Runtime;

/**
 * The {@code device} module (spec §8.4): a character device becomes a regular file served
 * through FUSE ({@link FuseDevice}) at {@code <devdir>/<name>}, where devdir is /dev unless
 * {@link #setDeviceDirectory} says otherwise for a state, or {@link #setDefaultDeviceDirectory}
 * (or the system property {@code lunatik.devdir}) for all of them. Log lines name the device
 * {@code /dev/<name>} whatever the directory, as Lunatik's do. Each file operation calls the driver's
 * Lua callback inside the owning runtime ({@link Runtime#run}), so it is serialised with
 * everything else that runtime does. As in Lunatik, the driver table is pinned in the runtime's
 * registry with the object (a dropped reference does not remove the device) until
 * {@code dev:stop()} or the runtime's end (its state's close runs {@code __gc}).
 *
 * <p>Beyond Lunatik: each callback gets, after Lunatik's arguments, the id of the calling thread
 * (its process, for a single-threaded caller), which scripts written for Lunatik ignore; and a
 * driver may have a {@code flush(self, pid)} callback, run at every close(2) of the file while
 * the closing process waits (the control device runs a client's chunk there).
 */
public final class DeviceLib {
    private DeviceLib() {
    }

    private static final int ENXIO = 6;
    private static final int ECANCELED = 125;
    private static final int EINTR = 4;
    private static final int DEFAULT_MODE = 0600;
    private static final Object DEVDIR_KEY = new Object();
    private static volatile Path defaultDirectory =
        Path.of(System.getProperty("lunatik.devdir", "/dev")).toAbsolutePath().normalize();

    private static final LuaString NAME = Ops.str("name");
    private static final LuaString MODE = Ops.str("mode");
    private static final LuaString OPEN = Ops.str("open");
    private static final LuaString READ = Ops.str("read");
    private static final LuaString WRITE = Ops.str("write");
    private static final LuaString RELEASE = Ops.str("release");
    private static final LuaString FLUSH = Ops.str("flush");

    public static final ObjectClass CLASS = ObjectClass.builder("device")
        .sleep()
        .method("stop", (self, a) -> {
            self.close();
            return Varargs.NONE;
        })
        .closer("stop")
        .release(p -> ((Device) p).release())
        .build();

    /**
     * Where devices are made in states that have no directory of their own (at first the system
     * property {@code lunatik.devdir}, else /dev): a script that makes its device at load time
     * runs before its state can be configured.
     */
    public static void setDefaultDeviceDirectory(Path dir) {
        defaultDirectory = (dir == null ? Path.of("/dev") : dir).toAbsolutePath().normalize();
    }

    /** Where devices of the state {@code L} are made from now on (null: the default directory). */
    public static void setDeviceDirectory(LuaState L, Path dir) {
        L.setExtension(DEVDIR_KEY, dir == null ? null : dir.toAbsolutePath().normalize());
    }

    /** The directory devices of {@code L} are made in. */
    public static Path deviceDirectory(LuaState L) {
        Path p = L.extension(DEVDIR_KEY);
        if (p != null) {
            return p;
        }
        lunatik.runtime.Runtime rt = lunatik.runtime.Runtime.of(L);
        return rt != null ? rt.host().deviceDirectory() : defaultDirectory;
    }

    /*lua @module device
     * Character devices. A device is a regular file served by the daemon through FUSE at
     * `/dev/<name>` (the runtime's device folder: `LUNATIK_DEVDIR`); each file operation calls the
     * driver's callback inside the owning runtime, serialised with everything else it does. The
     * driver table is pinned with the device until `dev:stop()` or the runtime's end. Sleepable
     * runtimes only.
     *
     * Callbacks, with `self` the driver table: `open(self)`, `read(self, length, offset)` returning
     * a string (cut to `length`; nil for none) and optionally a new file offset,
     * `write(self, s, offset)` returning the count written (all of `s` when nil) and optionally a
     * new offset, `release(self)` at the last close. A missing callback gives the caller ENXIO and
     * a log line; a callback's error is logged as `<message>: <op>` and gives ECANCELED; a stopped
     * device or runtime gives ENXIO.
     * @differs Each callback gets, after Lunatik's arguments, the id of the calling thread (its
     * process, for a single-threaded caller); a driver may have `flush(self, pid)`, run at every
     * close(2) while the closing process waits. The device is a FUSE file, not a character device
     * node: `chmod`/`chown` work, truncation to 0 succeeds.
     */
    /*lua device.new(driver)
     * Makes the device `/dev/<driver.name>`.
     * @param driver table: `name` (string, a plain file name), `mode` (integer, permission bits
     *   only; 0600 when absent), and the callbacks
     * @return a device object
     * @raise "bad field 'name' (string expected, got <type>)"; "bad field 'mode' (integer expected,
     *   got <type>)"; "failed to create a new device (-22)" for a name that is not a plain file
     *   name; "failed to create a new device (-17)" when the file exists (and is not a stale mount
     *   of a dead daemon); "failed to create a new device (<reason>)" when FUSE fails
     */
    /*lua device:stop()
     * Removes the device (readers blocked in it get an error) and unpins the driver. Also its
     * `__close`.
     */
    public static Object open(LuaState L) {
        Objects.checkClass(L, CLASS);
        LuaTable lib = new LuaTable();
        LibFunction.register(L, lib, "device", "new", a -> {
            LuaTable driver = a.checkTable(1);
            Object name = driver.get(NAME);
            if (!(name instanceof LuaString n)) {
                throw new LuaError(Ops.str("bad field 'name' (string expected, got " + Ops.typeName(name) + ")"));
            }
            Object m = driver.get(MODE);
            int mode = DEFAULT_MODE;
            if (m != null) {
                Long v = m instanceof Long l ? l : null;
                if (v == null) {
                    throw new LuaError(Ops.str("bad field 'mode' (integer expected, got " + Ops.typeName(m) + ")"));
                }
                mode = (int) (v & 0777); // the permission bits: never setuid, setgid or sticky
            }
            String nm = n.toString();
            Device dev = new Device(L, nm, driver);
            try {
                FuseDevice.checkName(nm); // a plain file name, before any path is made of it
                dev.fuse = FuseDevice.mount(deviceDirectory(L).resolve(nm), mode & 0777, dev,
                    FuseDevice.DEFAULT_THREADS, false, dev::reportBug);
            } catch (lunatik.linux.ffm.ErrnoException e) {
                throw new LuaError(Ops.str("failed to create a new device (-" + e.errno() + ")"));
            } catch (IOException e) {
                throw new LuaError(Ops.str("failed to create a new device (" + e.getMessage() + ")"));
            }
            LuaUserdata u = Objects.push(L, new LunatikObject(CLASS, dev, Lunatik.isSleepable(L)));
            dev.pin(u, driver); // registered object: lives until stop or the runtime's end
            return u;
        });
        return lib;
    }

    /** A failure of one operation, thrown inside the runtime and turned into an errno outside. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int errno;

        Failure(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    /** The payload of a device object, and the FUSE handler of its file. */
    static final class Device extends Registered implements FuseHandler {
        final String name;
        final LuaTable driver;
        volatile FuseDevice fuse;
        volatile boolean stopped;

        Device(LuaState L, String name, LuaTable driver) {
            super(L);
            this.name = name;
            this.driver = driver;
        }

        void release() {
            stopped = true;
            FuseDevice f = fuse;
            if (f != null) {
                f.close(Duration.ZERO); // detached now; the reader threads end on their own
            }
            unpin();
        }


        /** Reader threads whose request was interrupted (their caller got a signal, or the device is closing). */
        private final java.util.Set<Thread> interrupted = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /**
         * Runs {@code h} in the owning runtime; a stopped runtime or device gives ENXIO, a
         * {@link Failure} inside gives its errno (it does not cross the runtime's edge, where
         * any other exception would be an internal error), an interrupted request EINTR.
         */
        private <T> T dispatch(Runtime.Handler<T> h) throws FuseException {
            if (stopped) {
                throw new FuseException(ENXIO);
            }
            Thread me = Thread.currentThread();
            int[] failed = {0};
            T r;
            try {
                r = inRuntime(S -> {
                    try {
                        if (stopped) {
                            throw new Failure(ENXIO);
                        }
                        if (interrupted.contains(me)) {
                            throw new Failure(EINTR); // interrupted on the way in
                        }
                        return h.handle(S);
                    } catch (Failure f) {
                        failed[0] = f.errno;
                        return null;
                    }
                });
            } catch (LuaException e) {
                throw new FuseException(interrupted.contains(me) ? EINTR : e.errno() != 0 ? e.errno() : ECANCELED);
            } finally {
                interrupted.remove(me);
            }
            if (failed[0] != 0) {
                throw new FuseException(failed[0]);
            }
            return r;
        }

        /*
         * The request of a reader thread was interrupted (FUSE_INTERRUPT: its caller got a
         * signal, SIGKILL included; or the device is closing). The mark is set first, then the
         * callback running on that thread is interrupted (every check of its code raises until it
         * returns, and a sleep or wait wakes), so a thread on its way in sees one or the other.
         */
        @Override
        public void interrupt(Thread worker) {
            interrupted.add(worker);
            if (rt != null) {
                rt.host().interruptThread(worker, Ops.str("interrupted"), rt);
            }
            worker.interrupt();
        }

        /** A bug of ours in serving the file (the call got EIO): in the log, with the trace in the debug log. */
        void reportBug(String line, Throwable t) {
            log(line);
            if (rt != null) {
                rt.host().debug(line, t);
            }
        }

        /** The callback {@code op}, or the log line and ENXIO when the driver has none. */
        private LuaFunction callback(LuaString op) {
            if (driver.get(op) instanceof LuaFunction f) {
                return f;
            }
            log(op + ": operation isn't defined for /dev/" + name);
            throw new Failure(ENXIO);
        }

        /** Calls {@code fn}; a Lua error is logged as {@code <message>: <op>} and gives ECANCELED. */
        private Object call(LuaState S, LuaString op, LuaFunction fn, Object... args) {
            try {
                return S.call(fn, args);
            } catch (LuaError e) {
                log(e.getMessage() + ": " + op);
                throw new Failure(ECANCELED);
            } catch (StackOverflowError e) {
                log("stack overflow: " + op);
                throw new Failure(ECANCELED);
            }
        }

        @Override
        public void open(OpenFile file) throws FuseException {
            long pid = FuseDevice.callerPid();
            dispatch(S -> call(S, OPEN, callback(OPEN), driver, pid));
        }

        @Override
        public byte[] read(OpenFile file, int length, long offset) throws FuseException {
            long pid = FuseDevice.callerPid();
            return dispatch(S -> {
                Object r = call(S, READ, callback(READ), driver, (long) length, offset, pid);
                Object data = Varargs.get(r, 0);
                Object newOff = Varargs.get(r, 1);
                byte[] out;
                if (data == null) {
                    out = new byte[0];
                } else {
                    LuaString s = Ops.toStringCoerce(data);
                    if (s == null) {
                        log("bad result #1 (string expected, got " + Ops.typeName(data) + "): read");
                        throw new Failure(ECANCELED);
                    }
                    byte[] b = s.bytes();
                    out = b.length <= length ? b : java.util.Arrays.copyOf(b, length);
                }
                Long off = Ops.toInteger(newOff, S.dialect);
                if (off != null) {
                    file.seek(off);
                }
                return out;
            });
        }

        @Override
        public int write(OpenFile file, byte[] data, long offset) throws FuseException {
            long pid = FuseDevice.callerPid();
            return dispatch(S -> {
                Object r = call(S, WRITE, callback(WRITE), driver, LuaString.wrap(data), offset, pid);
                Long written = Ops.toInteger(Varargs.get(r, 0), S.dialect);
                int n = written == null ? data.length : (int) Math.max(Math.min(written, data.length), 0);
                Long off = Ops.toInteger(Varargs.get(r, 1), S.dialect);
                if (off != null) {
                    file.seek(off);
                }
                return n;
            });
        }

        @Override
        public void release(OpenFile file) throws FuseException {
            long pid = FuseDevice.callerPid();
            dispatch(S -> call(S, RELEASE, callback(RELEASE), driver, pid));
        }

        /** close(2) of a descriptor: the driver's {@code flush(self, pid)}, when it has one (ours, not Lunatik's). */
        @Override
        public void flush(OpenFile file) throws FuseException {
            if (!(driver.get(FLUSH) instanceof LuaFunction)) {
                return;
            }
            long pid = FuseDevice.callerPid();
            dispatch(S -> driver.get(FLUSH) instanceof LuaFunction f ? call(S, FLUSH, f, driver, pid) : null);
        }
    }
}
