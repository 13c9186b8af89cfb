package lunatik.lua.lib;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import lunatik.lua.value.LuaString;

/**
 * Lua file names as Java paths. A Lua name is bytes; a {@link Path} is text that the JVM turns
 * into bytes with the platform's file-name encoding ({@code sun.jnu.encoding}, ASCII under the
 * C locale). A name no path can stand for, one with a zero byte or with bytes that encoding
 * cannot carry, names no file the libraries can reach, so they treat it as a file that does not
 * exist ("No such file or directory"). C Lua would stop such a name at its first zero byte and
 * open what precedes it; we refuse the name instead rather than open another file.
 */
final class FileNames {
    private FileNames() {
    }

    private static final Charset ENCODING = platformEncoding();

    private static Charset platformEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Charset.defaultCharset();
        }
    }

    /** The path {@code name} denotes, or null when no path can stand for it. */
    static Path path(LuaString name) {
        byte[] b = name.bytes();
        for (byte x : b) {
            if (x == 0) {
                return null;
            }
        }
        String text = decode(b);
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The path {@code name} denotes; {@link NoSuchFileException} when no path can stand for it. */
    static Path existingPath(LuaString name) throws NoSuchFileException {
        Path p = path(name);
        if (p == null) {
            throw new NoSuchFileException(name.toString());
        }
        return p;
    }

    /** The path of a name given as Java text (bytes of Lua strings surrogate-escaped), or null. */
    static Path path(String name) {
        return path(LuaString.fromJava(name));
    }

    /* The text the platform encoding makes of exactly these bytes, or null when there is none. */
    private static String decode(byte[] b) {
        try {
            CharBuffer text = ENCODING.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b));
            ByteBuffer back = ENCODING.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(text.duplicate());
            byte[] again = Arrays.copyOfRange(back.array(), back.position(), back.limit());
            return Arrays.equals(again, b) ? text.toString() : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
