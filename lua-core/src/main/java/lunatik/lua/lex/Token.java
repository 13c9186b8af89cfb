package lunatik.lua.lex;

/** Token kinds of the Lua lexer: single characters are their own code; the rest are above 256. */
public final class Token {
    private Token() {
    }

    public static final int AND = 257;
    public static final int BREAK = 258;
    public static final int DO = 259;
    public static final int ELSE = 260;
    public static final int ELSEIF = 261;
    public static final int END = 262;
    public static final int FALSE = 263;
    public static final int FOR = 264;
    public static final int FUNCTION = 265;
    public static final int GOTO = 266;
    public static final int IF = 267;
    public static final int IN = 268;
    public static final int LOCAL = 269;
    public static final int NIL = 270;
    public static final int NOT = 271;
    public static final int OR = 272;
    public static final int REPEAT = 273;
    public static final int RETURN = 274;
    public static final int THEN = 275;
    public static final int TRUE = 276;
    public static final int UNTIL = 277;
    public static final int WHILE = 278;
    // multi-character symbols
    public static final int IDIV = 279;   // //
    public static final int CONCAT = 280; // ..
    public static final int DOTS = 281;   // ...
    public static final int EQ = 282;     // ==
    public static final int GE = 283;     // >=
    public static final int LE = 284;     // <=
    public static final int NE = 285;     // ~=
    public static final int SHL = 286;    // <<
    public static final int SHR = 287;    // >>
    public static final int DBCOLON = 288; // ::
    public static final int EOS = 289;
    public static final int FLT = 290;
    public static final int INT = 291;
    public static final int NAME = 292;
    public static final int STRING = 293;

    static final String[] KEYWORDS = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    };

    private static final String[] SYMBOLS = {
        "//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::", "<eof>", "<number>", "<integer>",
        "<name>", "<string>",
    };

    /**
     * How messages show a token kind (luaX_token2str): a printable character, a keyword or a
     * symbol quoted, another byte as {@code '<\N>'}, and {@code <eof>}, {@code <name>} and the
     * like as they are.
     */
    public static String quoted(int t) {
        if (t < 257) {
            return t >= 32 && t < 127 ? "'" + (char) t + "'" : "'<\\" + t + ">'";
        }
        String s = text(t);
        return t >= EOS ? s : "'" + s + "'";
    }

    /** The text Lua uses for a token kind in messages. */
    public static String text(int t) {
        if (t < 257) {
            return Character.toString((char) t);
        }
        if (t <= WHILE) {
            return KEYWORDS[t - AND];
        }
        return SYMBOLS[t - IDIV];
    }
}
