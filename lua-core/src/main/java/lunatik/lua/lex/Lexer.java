package lunatik.lua.lex;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.NumberParser;

/**
 * The Lua lexer, over the bytes of a chunk. Follows {@code llex.c}'s rules: long brackets of any
 * level, all string escapes ({@code \z}, {@code \x}, {@code \\u{...}}, decimal), numerals read
 * greedily then converted (so "3x" is a malformed number), and messages of the form
 * "chunk:line: message near 'token'".
 *
 * <p>In the KERNEL dialect a numeral that is not an integer is malformed: there are no floats.
 */
public final class Lexer {
    private static final Map<String, Integer> KEYWORD_CODES = new HashMap<>();

    static {
        for (int i = 0; i < Token.KEYWORDS.length; i++) {
            KEYWORD_CODES.put(Token.KEYWORDS[i], Token.AND + i);
        }
    }

    private final byte[] src;
    private final String chunk;
    private final boolean floats;
    private int pos;
    private int line = 1;

    /** The current token. */
    public int token;
    /** Its line. */
    public int tokenLine = 1;
    /** Its value: LuaString for names and strings, Long/Double for numbers. */
    public Object value;
    private int tokenStart;

    // one token of lookahead
    private int aheadToken = -1;
    private Object aheadValue;
    private int aheadLine;
    private int aheadStart;

    /** The line of the last token consumed (for statement positions). */
    public int lastLine = 1;

    /** Interns strings of the chunk (names and literals) in the state, so table keys compare by identity. */
    private final java.util.function.UnaryOperator<LuaString> intern;

    public Lexer(byte[] src, String chunk, boolean floats) {
        this(src, chunk, floats, java.util.function.UnaryOperator.identity());
    }

    public Lexer(byte[] src, String chunk, boolean floats, java.util.function.UnaryOperator<LuaString> intern) {
        this.intern = intern;
        this.src = src;
        this.chunk = chunk;
        this.floats = floats;
    }

    /** The chunk's short name used in messages. */
    public String chunk() {
        return chunk;
    }

    /** Advances to the next token. */
    public void next() {
        lastLine = tokenLine;
        if (aheadToken >= 0) {
            token = aheadToken;
            value = aheadValue;
            tokenLine = aheadLine;
            tokenStart = aheadStart;
            aheadToken = -1;
            return;
        }
        token = scan();
        tokenLine = line;
    }

    /** Peeks at the token after the current one. */
    public int lookahead() {
        if (aheadToken < 0) {
            int t = token;
            Object v = value;
            int l = tokenLine;
            int s = tokenStart;
            aheadToken = scan();
            aheadValue = value;
            aheadLine = line;
            aheadStart = tokenStart;
            token = t;
            value = v;
            tokenLine = l;
            tokenStart = s;
        }
        return aheadToken;
    }

    private int cur() {
        return pos < src.length ? src[pos] & 0xff : -1;
    }

    private int peek(int k) {
        return pos + k < src.length ? src[pos + k] & 0xff : -1;
    }

    private void newline() {
        int c = cur();
        pos++;
        int d = cur();
        if ((d == '\n' || d == '\r') && d != c) {
            pos++;
        }
        if (++line >= Integer.MAX_VALUE - 1) {
            throw error("chunk has too many lines", -1);
        }
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private static boolean isHex(int c) {
        return isDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    }

    private int scan() {
        for (;;) {
            tokenStart = pos;
            int c = cur();
            switch (c) {
                case -1:
                    return Token.EOS;
                case '\n', '\r':
                    newline();
                    continue;
                case ' ', '\t', '\f', 11:
                    pos++;
                    continue;
                case '-':
                    if (peek(1) != '-') {
                        pos++;
                        return '-';
                    }
                    pos += 2;
                    if (cur() == '[') {
                        int level = longBracketLevel();
                        if (level >= 0) {
                            readLongString(level, false);
                            continue;
                        }
                    }
                    while (cur() != '\n' && cur() != '\r' && cur() != -1) {
                        pos++;
                    }
                    continue;
                case '[': {
                    int level = longBracketLevel();
                    if (level >= 0) {
                        value = readLongString(level, true);
                        return Token.STRING;
                    } else if (level == -1) {
                        pos++;
                        return '[';
                    }
                    skipSeparator(); // Lua shows the "[=" read so far
                    throw error("invalid long string delimiter", Token.STRING);
                }
                case '=':
                    pos++;
                    if (cur() == '=') {
                        pos++;
                        return Token.EQ;
                    }
                    return '=';
                case '<':
                    pos++;
                    if (cur() == '=') {
                        pos++;
                        return Token.LE;
                    }
                    if (cur() == '<') {
                        pos++;
                        return Token.SHL;
                    }
                    return '<';
                case '>':
                    pos++;
                    if (cur() == '=') {
                        pos++;
                        return Token.GE;
                    }
                    if (cur() == '>') {
                        pos++;
                        return Token.SHR;
                    }
                    return '>';
                case '/':
                    pos++;
                    if (cur() == '/') {
                        pos++;
                        return Token.IDIV;
                    }
                    return '/';
                case '~':
                    pos++;
                    if (cur() == '=') {
                        pos++;
                        return Token.NE;
                    }
                    return '~';
                case ':':
                    pos++;
                    if (cur() == ':') {
                        pos++;
                        return Token.DBCOLON;
                    }
                    return ':';
                case '"', '\'':
                    value = readString(c);
                    if (((LuaString) value).length() == 8) {
                        noteLocalsAccess(value.toString());
                    }
                    return Token.STRING;
                case '.':
                    if (peek(1) == '.') {
                        if (peek(2) == '.') {
                            pos += 3;
                            return Token.DOTS;
                        }
                        pos += 2;
                        return Token.CONCAT;
                    }
                    if (!isDigit(peek(1))) {
                        pos++;
                        return '.';
                    }
                    return readNumeral();
                default:
                    if (isDigit(c)) {
                        return readNumeral();
                    }
                    if (isAlpha(c)) {
                        int s = pos;
                        while (isAlnum(cur())) {
                            pos++;
                        }
                        String w = new String(src, s, pos - s, java.nio.charset.StandardCharsets.ISO_8859_1);
                        Integer kw = KEYWORD_CODES.get(w);
                        if (kw != null) {
                            return kw;
                        }
                        value = intern.apply(LuaString.copyOf(src, s, pos - s));
                        noteLocalsAccess(w);
                        return Token.NAME;
                    }
                    pos++;
                    return c;
            }
        }
    }

    private int readNumeral() {
        int s = pos;
        String expo = "Ee";
        if (cur() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            expo = "Pp";
            pos += 2;
        }
        for (;;) {
            int c = cur();
            if (c >= 0 && expo.indexOf(c) >= 0) {
                pos++;
                if (cur() == '+' || cur() == '-') {
                    pos++;
                }
            } else if (isHex(c) || c == '.') {
                pos++;
            } else {
                break;
            }
        }
        if (isAlpha(cur())) { // a numeral touching a name: malformed
            while (isAlnum(cur())) {
                pos++;
            }
        }
        Object n = NumberParser.parse(src, s, pos - s, floats);
        if (n == null) {
            throw error("malformed number", Token.FLT);
        }
        value = n;
        return n instanceof Long ? Token.INT : Token.FLT;
    }

    /** At '[': the level of "[==[" (>= 0), -1 for a lone '[', -2 for "[=" without a second '['. */
    private int longBracketLevel() {
        int p = pos + 1;
        int level = 0;
        while (p < src.length && src[p] == '=') {
            p++;
            level++;
        }
        if (p < src.length && src[p] == '[') {
            return level;
        }
        return level == 0 ? -1 : -2;
    }

    private void skipSeparator() {
        pos++;
        while (cur() == '=') {
            pos++;
        }
    }

    private LuaString readLongString(int level, boolean isString) {
        int startLine = line;
        pos += level + 2;
        if (cur() == '\r' || cur() == '\n') {
            newline();
        }
        ByteArrayOutputStream out = isString ? new ByteArrayOutputStream() : null;
        for (;;) {
            int c = cur();
            if (c == -1) {
                tokenStart = pos;
                String what = isString ? "unfinished long string" : "unfinished long comment";
                throw error(what + " (starting at line " + startLine + ")", Token.EOS);
            }
            if (c == ']') {
                int p = pos + 1;
                int l = 0;
                while (p < src.length && src[p] == '=') {
                    p++;
                    l++;
                }
                if (l == level && p < src.length && src[p] == ']') {
                    pos = p + 1;
                    return out == null ? null : LuaString.wrap(out.toByteArray());
                }
                pos++;
                if (out != null) {
                    out.write(']');
                }
            } else if (c == '\n' || c == '\r') {
                newline();
                if (out != null) {
                    out.write('\n');
                }
            } else {
                pos++;
                if (out != null) {
                    out.write(c);
                }
            }
        }
    }

    private LuaString readString(int delim) {
        pos++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (;;) {
            int c = cur();
            if (c == delim) {
                pos++;
                return intern.apply(LuaString.wrap(out.toByteArray()));
            }
            switch (c) {
                case -1:
                    throw error("unfinished string", Token.EOS);
                case '\n', '\r':
                    throw error("unfinished string", Token.STRING);
                case '\\':
                    readEscape(out);
                    break;
                default:
                    pos++;
                    out.write(c);
            }
        }
    }

    private void readEscape(ByteArrayOutputStream out) {
        pos++; // backslash
        int c = cur();
        switch (c) {
            case 'a' -> { out.write(7); pos++; }
            case 'b' -> { out.write(8); pos++; }
            case 'f' -> { out.write(12); pos++; }
            case 'n' -> { out.write('\n'); pos++; }
            case 'r' -> { out.write('\r'); pos++; }
            case 't' -> { out.write('\t'); pos++; }
            case 'v' -> { out.write(11); pos++; }
            case '\\', '"', '\'' -> { out.write(c); pos++; }
            case '\n', '\r' -> { newline(); out.write('\n'); }
            case 'x' -> {
                pos++;
                int v = 0;
                for (int i = 0; i < 2; i++) {
                    int h = cur();
                    if (!isHex(h)) {
                        escapeError("hexadecimal digit expected", pos + 1);
                    }
                    v = v * 16 + Character.digit(h, 16);
                    pos++;
                }
                out.write(v);
            }
            case 'z' -> {
                pos++;
                for (;;) {
                    int d = cur();
                    if (d == '\n' || d == '\r') {
                        newline();
                    } else if (d == ' ' || (d >= 9 && d <= 13)) {
                        pos++;
                    } else {
                        break;
                    }
                }
            }
            case 'u' -> readUtf8Escape(out);
            case -1 -> throw error("unfinished string", Token.EOS);
            default -> {
                if (!isDigit(c)) {
                    escapeError("invalid escape sequence", pos + 1);
                }
                int v = 0;
                for (int i = 0; i < 3 && isDigit(cur()); i++) {
                    v = v * 10 + cur() - '0';
                    pos++;
                }
                if (v > 255) {
                    escapeError("decimal escape too large", pos + 1); // Lua shows the next character too
                }
                out.write(v);
            }
        }
    }

    private void readUtf8Escape(ByteArrayOutputStream out) {
        pos++;
        if (cur() != '{') {
            escapeError("missing '{'", pos + 1);
        }
        pos++;
        long r = 0;
        int n = 0;
        while (isHex(cur())) {
            r = r * 16 + Character.digit(cur(), 16);
            if (r > 0x7FFFFFFFL) {
                escapeError("UTF-8 value too large", pos + 1);
            }
            pos++;
            n++;
        }
        if (n == 0) {
            escapeError("hexadecimal digit expected", pos + 1);
        }
        if (cur() != '}') {
            escapeError("missing '}'", pos + 1);
        }
        pos++;
        utf8Encode(out, r);
    }

    /** Lua's extended UTF-8 (up to 6 bytes, values up to 2^31). */
    static void utf8Encode(ByteArrayOutputStream out, long x) {
        if (x < 0x80) {
            out.write((int) x);
            return;
        }
        byte[] buf = new byte[8];
        int n = 1;
        long mfb = 0x3f;
        do {
            buf[8 - n++] = (byte) (0x80 | (x & 0x3f));
            x >>= 6;
            mfb >>= 1;
        } while (x > mfb);
        buf[8 - n] = (byte) ((~mfb << 1) | x);
        out.write(buf, 8 - n, n);
    }

    /** An escape error: Lua shows the string read so far up to the offending character. */
    private void escapeError(String msg, int upTo) {
        int end = Math.min(upTo, src.length);
        throw new LuaError(LuaString.fromJava(chunk + ":" + line + ": " + msg + " near '" + text(tokenStart, end) + "'"));
    }

    /** "chunk:line: msg near 'token'" for the current token kind {@code t} (-1: no token). */
    public LuaError error(String msg, int t) {
        String m = chunk + ":" + line + ": " + msg;
        if (t > 0) {
            m += " near " + tokenText(t);
        }
        return new LuaError(LuaString.fromJava(m));
    }

    /**
     * An error found by the parser's checks rather than by the grammar (Lua's luaK_semerror):
     * at the line being read, with no "near" part.
     */
    public LuaError semanticError(String msg) {
        return error(msg, -1);
    }

    /** The line the lexer has read up to (Lua's ls->linenumber). */
    public int line() {
        return line;
    }

    /** How the current token is shown in messages. */
    public String tokenText(int t) {
        switch (t) {
            case Token.NAME, Token.STRING, Token.FLT, Token.INT: {
                int end = Math.min(pos, src.length);
                return "'" + text(tokenStart, end) + "'";
            }
            default:
                return Token.quoted(t);
        }
    }

    /* The source bytes s..e as message text (bytes kept exactly, see LuaString#toString). */
    private String text(int s, int e) {
        return LuaString.copyOf(src, s, e - s).toString();
    }

    /** A syntax error at the current token (none "near" the token 0, as in Lua). */
    public LuaError syntaxError(String msg) {
        String m = chunk + ":" + tokenLine + ": " + msg;
        if (token != 0) {
            m += " near " + currentTokenText();
        }
        return new LuaError(LuaString.fromJava(m));
    }

    private String currentTokenText() {
        switch (token) {
            case Token.NAME, Token.STRING, Token.FLT, Token.INT: {
                int end = aheadToken >= 0 ? Math.min(aheadStart, src.length) : Math.min(pos, src.length);
                // trim trailing whitespace/comments captured before the lookahead token
                String t = text(tokenStart, end).stripTrailing();
                if (token == Token.NAME) {
                    t = value.toString();
                } else if (token == Token.INT || token == Token.FLT) {
                    t = t.replaceAll("\\s.*$", "");
                }
                return "'" + t + "'";
            }
            default:
                return Token.quoted(token);
        }
    }

    /** Whether the chunk names debug.getlocal or debug.setlocal (as a name or a string). */
    public boolean mentionsLocalsAccess;

    private void noteLocalsAccess(String w) {
        if (w.length() == 8 && (w.equals("getlocal") || w.equals("setlocal"))) {
            mentionsLocalsAccess = true;
        }
    }
}
