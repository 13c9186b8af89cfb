package lunatik.lua.vm;

import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;

/** Names of the metamethod events and other well-known keys, shared by every state (immutable). */
public final class Meta {
    private Meta() {
    }

    public static final LuaString INDEX = LuaString.of("__index");
    public static final LuaString NEWINDEX = LuaString.of("__newindex");
    public static final LuaString CALL = LuaString.of("__call");
    public static final LuaString EQ = LuaString.of("__eq");
    public static final LuaString LT = LuaString.of("__lt");
    public static final LuaString LE = LuaString.of("__le");
    public static final LuaString CONCAT = LuaString.of("__concat");
    public static final LuaString LEN = LuaString.of("__len");
    public static final LuaString UNM = LuaString.of("__unm");
    public static final LuaString BNOT = LuaString.of("__bnot");
    public static final LuaString CLOSE = LuaString.of("__close");
    public static final LuaString GC = LuaString.of("__gc");
    public static final LuaString MODE = LuaString.of("__mode");
    public static final LuaString NAME = LuaString.of("__name");
    public static final LuaString TOSTRING = LuaString.of("__tostring");
    public static final LuaString METATABLE = LuaString.of("__metatable");
    public static final LuaString PAIRS = LuaString.of("__pairs");

    /** The bit that remembers the absence of {@code event} in a metatable ({@link LuaTable#metaField}), or 0. */
    public static int absentBit(LuaString event) {
        if (event == INDEX) {
            return LuaTable.ABSENT_INDEX;
        }
        if (event == NEWINDEX) {
            return LuaTable.ABSENT_NEWINDEX;
        }
        if (event == EQ) {
            return LuaTable.ABSENT_EQ;
        }
        if (event == LEN) {
            return LuaTable.ABSENT_LEN;
        }
        if (event == GC) {
            return LuaTable.ABSENT_GC;
        }
        if (event == METATABLE) {
            return LuaTable.ABSENT_METATABLE;
        }
        return 0;
    }

    /** Binary operators, in the order of {@link #BINARY}. */
    public static final int ADD = 0;
    public static final int SUB = 1;
    public static final int MUL = 2;
    public static final int MOD = 3;
    public static final int POW = 4;
    public static final int DIV = 5;
    public static final int IDIV = 6;
    public static final int BAND = 7;
    public static final int BOR = 8;
    public static final int BXOR = 9;
    public static final int SHL = 10;
    public static final int SHR = 11;

    /** Metamethod event of each binary operator. */
    private static final LuaString[] BINARY = {
        LuaString.of("__add"), LuaString.of("__sub"), LuaString.of("__mul"), LuaString.of("__mod"),
        LuaString.of("__pow"), LuaString.of("__div"), LuaString.of("__idiv"), LuaString.of("__band"),
        LuaString.of("__bor"), LuaString.of("__bxor"), LuaString.of("__shl"), LuaString.of("__shr"),
    };

    /** The event name of binary operator {@code op}. */
    public static LuaString binaryEvent(int op) {
        return BINARY[op];
    }

    /** Every event name, so states can intern them: user metatables then match by identity. */
    public static java.util.List<LuaString> allNames() {
        java.util.List<LuaString> l = new java.util.ArrayList<>(java.util.List.of(INDEX, NEWINDEX, CALL, EQ, LT, LE,
            CONCAT, LEN, UNM, BNOT, CLOSE, GC, MODE, NAME, TOSTRING, METATABLE, PAIRS));
        l.addAll(java.util.List.of(BINARY));
        return l;
    }

    /** Whether {@code op} is a bitwise operator. */
    public static boolean isBitwise(int op) {
        return op >= BAND;
    }
}
