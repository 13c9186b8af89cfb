package lunatik.lua.lib;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;

/**
 * C's {@code errno} as the io and os libraries report it: Java's I/O exceptions mapped back to
 * the Linux errno numbers and their {@code strerror} texts, so that failures look as they do
 * in the reference Lua ({@code nil, "f.txt: No such file or directory", 2}).
 *
 * <p>Why matching on texts works: on Linux the JDK builds the message of most of its I/O
 * exceptions from {@code strerror(errno)} itself ("Is a directory"), so the text leads back to
 * the number. The typed exceptions ({@link NoSuchFileException}...) are mapped by type.
 */
final class IoErrors {
    private IoErrors() {
    }

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ESPIPE = 29;
    static final int ENOTEMPTY = 39;

    /** strerror texts of glibc, indexed by errno (Linux numbering). */
    private static final String[] TEXTS = {
        "Success",
        "Operation not permitted",
        "No such file or directory",
        "No such process",
        "Interrupted system call",
        "Input/output error",
        "No such device or address",
        "Argument list too long",
        "Exec format error",
        "Bad file descriptor",
        "No child processes",
        "Resource temporarily unavailable",
        "Cannot allocate memory",
        "Permission denied",
        "Bad address",
        "Block device required",
        "Device or resource busy",
        "File exists",
        "Invalid cross-device link",
        "No such device",
        "Not a directory",
        "Is a directory",
        "Invalid argument",
        "Too many open files in system",
        "Too many open files",
        "Inappropriate ioctl for device",
        "Text file busy",
        "File too large",
        "No space left on device",
        "Illegal seek",
        "Read-only file system",
        "Too many links",
        "Broken pipe",
        "Numerical argument out of domain",
        "Numerical result out of range",
        "Resource deadlock avoided",
        "File name too long",
        "No locks available",
        "Function not implemented",
        "Directory not empty",
        "Too many levels of symbolic links",
    };

    /** Text to errno, for the messages the JDK takes from strerror. */
    private static final Map<String, Integer> BY_TEXT = byText();

    private static Map<String, Integer> byText() {
        Map<String, Integer> m = new java.util.HashMap<>();
        for (int i = 1; i < TEXTS.length; i++) {
            m.put(TEXTS[i], i);
        }
        return Map.copyOf(m);
    }

    /** strerror(errno). */
    static String text(int errno) {
        return errno > 0 && errno < TEXTS.length ? TEXTS[errno] : "Unknown error " + errno;
    }

    /** An IOException that stands for {@code errno} (its message is the strerror text). */
    static IOException exception(int errno) {
        return new IOException(text(errno));
    }

    /** The errno that {@code e} stands for (EIO when it cannot be told). */
    static int errno(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return ENOTEMPTY;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return EXDEV;
        }
        if (e instanceof NotLinkException || e instanceof InvalidPathException) {
            return EINVAL;
        }
        if (e instanceof NonReadableChannelException || e instanceof NonWritableChannelException
                || e instanceof ClosedChannelException) {
            return EBADF;
        }
        String reason = reason(e);
        Integer n = BY_TEXT.get(reason);
        if (n != null) {
            return n;
        }
        // the JDK sometimes adds to the text ("Too many levels of symbolic links or unable to ...")
        for (int i = 1; i < TEXTS.length; i++) {
            if (reason.startsWith(TEXTS[i])) {
                return i;
            }
        }
        return EIO;
    }

    /** The part of the exception's message that is the system's reason. */
    private static String reason(Throwable e) {
        String r = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (r == null) {
            return "";
        }
        // FileNotFoundException says "path (reason)"
        if (e instanceof FileNotFoundException && r.endsWith(")")) {
            int open = r.lastIndexOf(" (");
            if (open >= 0) {
                return r.substring(open + 2, r.length() - 1);
            }
        }
        return r;
    }

    /** The strerror text of {@code e}'s errno. */
    static String message(Throwable e) {
        int errno = errno(e);
        if (errno == EIO) {
            // keep the JDK's own words when they are not one of the known texts
            String r = reason(e);
            return r.isEmpty() ? text(EIO) : r;
        }
        return text(errno);
    }

    /**
     * The failure result of luaL_fileresult: {@code nil, "name: reason", errno}, the name part
     * only when {@code name} is not null.
     */
    static Object fail(Throwable e, LuaString name) {
        LuaString msg = LuaString.of(message(e));
        if (name != null) {
            msg = name.concat(LuaString.of(": ")).concat(msg);
        }
        return Varargs.of(null, msg, (long) errno(e));
    }
}
