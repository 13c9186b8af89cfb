package lunatik.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import lunatik.lua.value.LuaFunction;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.LuaTable;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Dialect;
import lunatik.lua.vm.LibFunction;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;
import org.junit.jupiter.api.Test;

/**
 * Lua patterns through {@code string.find}, {@code match}, {@code gmatch} and {@code gsub}.
 * Expected values come from the reference lua5.4 (5.4.4), run under pcall; see
 * {@link StringLibTest} for the notation.
 */
class StringMatchTest {
    private final LuaState L = StringLibTest.newState(Dialect.FULL);

    private void check(String expected, String fn, Object... args) {
        StringLibTest.check(L, expected, fn, args);
    }

    private void checkError(String expected, String fn, Object... args) {
        StringLibTest.checkError(L, expected, fn, args);
    }

    private void checkGmatch(String expected, Object s, Object p, Object init) {
        assertThat(StringLibTest.gmatch(L, s, p, init)).as("gmatch(%s, %s, %s)", s, p, init).isEqualTo(expected);
    }

    private void checkGmatchError(String expected, Object s, Object p, Object init) {
        assertThatThrownBy(() -> StringLibTest.gmatch(L, s, p, init))
            .isInstanceOf(LuaError.class)
            .extracting(e -> StringLibTest.show(((LuaError) e).value()))
            .isEqualTo(expected);
    }

    private LibFunction fn(LibFunction.Body body) {
        return new LibFunction(L, "f", "f", body);
    }

    // ---------------------------------------------------------------- gsub with tables and functions

    @Test
    void gsubWithTable() {
        LuaTable t = new LuaTable();
        t.put(Ops.str("hello"), Ops.str("HI"));
        t.put(Ops.str("world"), false);
        check("2:HI world\0112", "gsub", "hello world", "%w+", t);
        LuaTable nums = new LuaTable();
        nums.put(Ops.str("a"), 1L);
        nums.put(Ops.str("b"), 2.5);
        check("2:12.5c\0113", "gsub", "abc", "%w", nums);
        // position captures are integer keys
        LuaTable pos = new LuaTable();
        pos.put(1L, Ops.str("x"));
        pos.put(3L, Ops.str("y"));
        check("2:xaby\0113", "gsub", "ab", "()", pos);
        LuaTable bad = new LuaTable();
        bad.put(Ops.str("hello"), new LuaTable());
        checkError("invalid replacement value (a table)", "gsub", "hello world", "%w+", bad);
    }

    @Test
    void gsubWithTableHonoursIndexMetamethod() {
        LuaTable t = new LuaTable();
        LuaTable mt = new LuaTable();
        mt.put(Ops.str("__index"), fn(a -> StringLibTest.invoke(L, "upper", a.get(2))));
        t.setMetatable(mt);
        check("2:A B\0112", "gsub", "a b", "%w", t);
    }

    @Test
    void gsubWithFunction() {
        check("2:12 12\0112", "gsub", "hello world", "%w+", fn(a -> 12L));
        check("2:1.5 1.5\0112", "gsub", "hello world", "%w+", fn(a -> 1.5));
        check("2:hello world\0112", "gsub", "hello world", "%w+", fn(a -> Varargs.NONE));
        check("2:hello world\0112", "gsub", "hello world", "%w+", fn(a -> false));
        check("2:acb\0111", "gsub", "abc", "(b)(c)",
            fn(a -> ((LuaString) a.get(2)).concat((LuaString) a.get(1))));
        check("2:2c\0111", "gsub", "abc", "(%w)(%w)", fn(a -> (long) a.count()));
        check("2:abc\0113", "gsub", "abc", "%w", fn(a -> Varargs.of(a.get(1), Ops.str("ignored"))));
        check("2:-a-b-c-\0114", "gsub", "abc", "", fn(a -> Ops.str("-")));
        checkError("invalid replacement value (a boolean)", "gsub", "hello world", "%w+", fn(a -> true));
        checkError("invalid replacement value (a function)", "gsub", "abc", "%w", fn(a -> a.function()));
    }

    @Test
    void gmatchIteratorEndsWithNoValues() {
        LuaFunction it = (LuaFunction) StringLibTest.invoke(L, "gmatch", "abc", ".");
        assertThat(StringLibTest.render(it.call())).isEqualTo("1:a");
        assertThat(StringLibTest.render(it.call())).isEqualTo("1:b");
        assertThat(StringLibTest.render(it.call())).isEqualTo("1:c");
        assertThat(StringLibTest.render(it.call())).isEqualTo("0:");
        assertThat(StringLibTest.render(it.call())).isEqualTo("0:");
    }

    // ---------------------------------------------------------------- execution control

    @Test
    void catastrophicPatternRunsOutOfBudget() {
        L.setInstructionBudget(100_000);
        // exponential backtracking: 2^40 ways to fail
        assertThatThrownBy(() -> StringLibTest.invoke(L, "find", "a".repeat(40), "a?".repeat(40) + "b"))
            .isInstanceOf(LuaError.class)
            .hasMessageContaining("instruction budget exceeded");
    }

    @Test
    void interruptStopsMatching() {
        L.interrupt(Ops.str("stop"));
        assertThatThrownBy(() -> StringLibTest.invoke(L, "gsub", "a".repeat(1000), "a-$", "x"))
            .isInstanceOf(LuaError.class)
            .hasMessage("stop");
    }

    @Test
    void plainFindPollsTheBudget() {
        L.setInstructionBudget(100_000);
        assertThatThrownBy(() -> StringLibTest.invoke(L, "find", "a".repeat(1_000_000), "a".repeat(500_000) + "b", 1L,
            true))
            .isInstanceOf(LuaError.class)
            .hasMessageContaining("instruction budget exceeded");
    }

    @Test
    void longSubjectsDoNotDeepenTheStack() {
        String big = "ab".repeat(500_000);
        check("2:1\0111000000", "find", big, "[ab]*$");
        check("2:1\0111000000", "find", big, "^.-$");
        check("1:" + big.length(), "len", StringLibTest.show(StringLibTest.invoke(L, "match", big, "(.*)")));
        check("2:" + "x".repeat(1_000_000) + "\0111000000", "gsub", big, ".", "x");
    }

    @Test
    void findPlainIsUsedWithoutSpecials() {
        // "a)" has no special character: a plain search, no pattern error
        check("1:nil", "find", "abc", "a)");
    }


    @Test
    void patternErrors() {
        checkError("malformed pattern (ends with '%')", "find", "abc", "%");
        checkError("malformed pattern (missing ']')", "find", "abc", "[a");
        checkError("malformed pattern (missing ']')", "find", "abc", "[a%");
        checkError("malformed pattern (missing ']')", "find", "abc", "[a%]");
        checkError("malformed pattern (missing ']')", "find", "abc", "[");
        checkError("malformed pattern (missing ']')", "find", "abc", "[^");
        checkError("invalid capture index %1", "find", "abc", "%1");
        checkError("invalid capture index %0", "find", "abc", "%0");
        checkError("invalid capture index %2", "find", "abc", "(a)%2");
        checkError("invalid capture index %1", "find", "abc", "(a%1)");
        checkError("invalid pattern capture", "find", "abc", "a.)");
        checkError("unfinished capture", "find", "abc", "(a");
        checkError("unfinished capture", "match", "abc", "(a");
        checkError("unfinished capture", "match", "abc", "()(a");
        checkError("malformed pattern (missing arguments to '%b')", "find", "abc", "%b");
        checkError("malformed pattern (missing arguments to '%b')", "find", "abc", "%ba");
        checkError("missing '[' after '%f' in pattern", "find", "abc", "%f");
        checkError("missing '[' after '%f' in pattern", "find", "abc", "%fa");
        checkError("malformed pattern (missing ']')", "find", "abc", "%f[a");
        checkError("too many captures", "find", "a".repeat(300), "(a)".repeat(33));
        check("1:nil", "match", "x", "(x)%1");
        check("1:nil", "find", "abc", "a)");
    }

    @Test
    void depthLimits() {
        check("34:1\01132" + "\011a".repeat(32), "find", "a".repeat(300), "(a)".repeat(32));
        check("2:1\011199", "find", "a".repeat(300), "a?".repeat(199));
        checkError("pattern too complex", "find", "a".repeat(300), "a?".repeat(200));
        check("2:1\011300", "find", "a".repeat(300), "a*".repeat(200));
        checkError("pattern too complex", "find", "a".repeat(300), "(a)".repeat(31) + "a?".repeat(140));
        check("34:1\0111" + "\011a".repeat(32), "find", "a", "(".repeat(32) + "a" + ")".repeat(32));
        check("2:1\011100001", "find", "a".repeat(100000) + "b", "a*b");
        check("2:1\011100001", "find", "a".repeat(100000) + "b", "a-b");
        check("2:1\011100001", "find", "a".repeat(100000) + "b", ".-b$");
        check("2:1\011100000", "find", "a".repeat(100000), "a+$");
        check("2:1\011100000", "find", "a".repeat(100000), "[^b]*$");
    }

    @Test
    void findBasics() {
        check("2:5\0115", "find", "hello world", "o");
        check("2:8\0118", "find", "hello world", "o", 6L);
        check("1:nil", "find", "hello world", "o", -3L);
        check("2:3\0114", "find", "hello world", "l+");
        check("4:3\0115\011ll\011o", "find", "hello world", "(l+)(o)");
        check("1:nil", "find", "hello", "xyz");
        check("1:nil", "find", "abc", "b", -1L);
        check("2:2\0112", "find", "abc", "b", -2L);
        check("2:4\0113", "find", "abc", "", 4L);
        check("1:nil", "find", "abc", "", 5L);
        check("2:1\0110", "find", "abc", "", -10L);
        check("2:1\0110", "find", "abc", "", 0L);
        check("2:1\0110", "find", "abc", "", Long.MIN_VALUE);
        check("1:nil", "find", "abc", "c", 9223372036854775807L);
        check("2:2\0112", "find", "a.b", ".", 1L, true);
        check("2:2\0112", "find", "a.b", "%.", 1L);
        check("2:2\0112", "find", "a+b", "+", 1L, true);
        check("2:1\0111", "find", "a+b", "a+", 1L, false);
        check("2:3\0113", "find", "abc", "c", 1L, true);
        check("3:3\0113\011c", "find", "abc", "(c)");
        check("2:1\0110", "find", "abc", "");
        check("2:1\0110", "find", "", "");
        check("1:nil", "find", "", "", 2L);
        check("1:nil", "find", "", "a");
        check("2:2\0112", "find", "a\000b", "\000");
        check("2:2\0112", "find", "a\000b", "%z");
        check("2:2\0112", "find", "a\000b", "[\000]");
        check("2:1\0111", "find", "a\000b", "%Z+");
        check("2:2\0114", "find", "ab\000c", "b\000c", 1L, true);
        check("2:3\0114", "find", 12345L, 34L);
        checkError("bad argument #2 to 'string.find' (string expected, got nil)", "find", "x", (Object) null);
        checkError("bad argument #1 to 'string.find' (string expected, got nil)", "find", (Object) null, "x");
        checkError("bad argument #3 to 'string.find' (number expected, got string)", "find", "x", "x", "y");
        checkError("bad argument #3 to 'string.find' (number has no integer representation)", "find", "x", "x", 0x1.8p+0);
        check("2:2\0112", "find", "aaa", "^a", 2L);
        check("2:4\0113", "find", "aaa", "^", 4L);
        check("2:3\0113", "find", "aaa", "a$", 2L);
        check("2:2\0113", "find", "a$b", "$b");
        check("2:1\0112", "find", "a^b", "a^");
    }

    @Test
    void sets() {
        check("2:4\0114", "find", "abc]", "[]]");
        check("2:2\0112", "find", "a-b", "[a-]", 2L);
        check("2:2\0112", "find", "a-b", "[-a]", 2L);
        check("2:3\0113", "find", "abc", "[^a-b]");
        check("2:1\0111", "find", "a]", "[^]]");
        check("2:2\0112", "find", "a^", "[a^]", 2L);
        check("2:2\0112", "find", "x5", "[%d]");
        check("2:1\0111", "find", "x5", "[%D]");
        check("2:1\0111", "find", "%", "[%%]");
        check("2:1\0113", "find", "a-z", "[%a-z]+");
        check("2:3\0113", "find", "ez-", "[a-]+");
        check("2:1\0111", "find", "b", "[a-c-e]");
        check("2:1\0111", "find", "-", "[a-c-e]");
        check("1:nil", "find", "d", "[a-c-e]");
        check("2:1\0112", "find", "\310\377", "[\200-\377]+");
        check("2:1\0111", "find", "Q", "%Q");
        check("1:nil", "find", "\303\251", "%a");
        check("2:1\0111", "find", "[", "[[]");
        check("2:1\0111", "find", "^", "[\\^]");
        checkError("malformed pattern (missing ']')", "find", "x", "[]");
        check("2:1\0111", "find", "]", "[]-a]");
    }

    @Test
    void classes() {
        check("1:\177\037", "match", "\177\037 !", "(%c+)");
        check("1:!~", "match", "az!~ \011", "(%p+)");
        check("1:Ab1_", "match", "Ab1_ \012", "(%g+)");
        check("1: \011\012\013\014\015", "match", " \011\012\013\014\015", "^(%s+)$");
        check("1:0aF", "match", "0aF-g", "(%x+)");
        check("3:ab\01112\011CD", "match", "ab12CD", "(%l+)(%d+)(%u+)");
        check("1:ab12CD", "match", "ab12CD!", "(%w+)");
        check("1:ab", "match", "ab12CD!", "(%a+)");
        check("1:!", "match", "ab12CD!", "(%W)");
        check("1:12", "match", "ab12CD!", "(%A+)");
        check("1:12CD!", "match", "ab12CD!", "(%L+)");
        check("1:ab12", "match", "ab12CD!", "(%U+)");
        check("1:ab12", "match", "ab12 CD!", "(%S+)");
        check("1:ab12CD", "match", "ab12CD!", "(%P+)");
        check("1:x", "match", "x\001", "(%C+)");
        check("1:", "match", "ab12CD!", "(%G*)");
        check("1:nil", "match", "12ab", "(%X+)");
        check("1:ab", "match", "12ab", "(%D+)");
        check("1:.", "match", "a.b", "(%.)");
        check("1:a.", "match", "a.b", "(.%.)");
    }

    @Test
    void captures() {
        check("2:key\011value", "match", "key = value", "(%w+)%s*=%s*(%w+)");
        check("2:3\0115", "match", "hello", "()ll()");
        check("1:", "match", "hello", "");
        check("2:ll\011o", "match", "hello", ".-(l+)(.*)");
        check("1:nil", "match", "hello", "h(.)%1");
        check("1:l", "match", "hello", "e(l)%1");
        check("1:x", "match", "  x  ", "^%s*(.-)%s*$");
        check("1:nil", "match", "abc", "b", 3L);
        check("1:b", "match", "abc", "^b", 2L);
        check("3:ab\011a\011b", "match", "abc", "((a)(b))");
        check("3:abc\011bc\011c", "match", "abc", "(a(b(c)))");
        check("1:abc", "match", "abcabc", "(abc)%1");
        check("2:xyz\011y", "match", "xyzxyz", "(x(y)z)%1");
        check("2:xyz\011y", "match", "xyzyxyzy", "(x(y)z)%2");
        check("3:2\0111\011", "find", "ab", "(%f[b])");
        check("1:1", "match", "hello", "()");
        check("1:6", "match", "hello", "()", 6L);
        check("2:a\0112", "match", "abc", "(a)()");
        check("1:nil", "find", "aaa", "()a%1");
        checkError("invalid capture index %1", "match", "abc", "%1");
        check("1:X", "match", "aXbXc", "(X).-%1");
        check("1:2", "match", "x", "x?()");
    }

    @Test
    void quantifiers() {
        check("1:aaa", "match", "aaab", "a*");
        check("1:aaab", "match", "aaab", "a-b");
        check("1:aaa", "match", "aaab", "a+");
        check("1:aaab", "match", "aaab", "a?a?a?a?b");
        check("1:nil", "match", "b", "a+b");
        check("1:b", "match", "b", "a*b");
        check("1:b", "match", "b", "a?b");
        check("1:b", "match", "b", "a-b");
        check("1:<a>", "match", "<a><b>", "<.->");
        check("1:<a><b>", "match", "<a><b>", "<.*>");
        check("1:aaa", "match", "aaa", "^(a-)$");
        check("1:", "match", "aaa", "^(a-)");
        check("1:nil", "match", "ab", "a*?");
        check("1:a+", "match", "a+", "a+%+");
        check("1:a*", "match", "a*", "a%*");
        check("1:", "match", "ab-", "b-$");
        check("3:aaa\011a\011", "match", "aaa", "(a*(.)%w(%s*))");
        check("3:2024\01101\01115", "match", "2024-01-15", "(%d+)-(%d+)-(%d+)");
        check("1:padded", "match", "  padded  ", "^%s*(.-)%s*$");
        check("2:\011long", "match", "[[long]]", "%[(=*)%[(.-)%]%1%]");
        check("2:==\011long", "match", "[==[long]==]", "%[(=*)%[(.-)%]%1%]");
    }

    @Test
    void balanceAndFrontier() {
        check("2:5\01111", "find", "THE (quick) fox", "%b()");
        check("2:6\01112", "find", "x = f(a(b)c) + (d", "%b()");
        check("2:1\0115", "find", "'abc'def'", "%b''");
        check("2:2\0114", "find", "((a)", "%b()");
        check("1:nil", "find", "(", "%b()");
        check("1:(a(b)c)", "match", "f(a(b)c)", "%b()");
        check("1:{a{b}}", "match", "{a{b}}c}", "%b{}");
        check("1:THE", "match", "THE (quick) fox", "%f[%a]%a+");
        check("1:quick", "match", "THE (quick) fox", "%f[%l]%a+");
        check("1:", "match", "hello", "%f[%a]");
        check("2:6\0115", "find", "hello", "%f[%z]");
        check("2:1\0110", "find", "hello", "%f[^%z]");
        check("2:7\01111", "find", "hello world", "%f[%w]%w+", 2L);
        check("2:1\0110", "find", "x", "%f[x]");
        check("1:nil", "find", "xx", "%f[x]", 2L);
    }

    @Test
    void gsubBasics() {
        check("2:-\0111", "gsub", "abc", "%w*", "-");
        check("2:-a-b-c-\0114", "gsub", "abc", "%w-", "-");
        check("2:-a-b-c-\0114", "gsub", "abc", "", "-");
        check("2:-\0111", "gsub", "", "", "-");
        check("2:hell0 world\0111", "gsub", "hello world", "o", "0", 1L);
        check("2:hello world\0110", "gsub", "hello world", "o", "0", 0L);
        check("2:hello world\0110", "gsub", "hello world", "o", "0", -1L);
        check("2:helloo woorld\0112", "gsub", "hello world", "(o)", "%1%1");
        checkError("invalid capture index %2", "gsub", "hello world", "o", "%2");
        checkError("invalid capture index %2", "gsub", "hello world", "(o)", "%2");
        check("2:hello world\0112", "gsub", "hello world", "o", "%1");
        check("2:helloo woorld\0112", "gsub", "hello world", "o", "%0%0");
        checkError("invalid use of '%' in replacement string", "gsub", "hello world", "o", "%");
        checkError("invalid use of '%' in replacement string", "gsub", "hello world", "o", "x%");
        checkError("invalid use of '%' in replacement string", "gsub", "hello world", "o", "%x");
        check("2:hell% w%rld\0112", "gsub", "hello world", "o", "%%");
        check("2:hell5 w8rld\0112", "gsub", "hello world", "()o", "%1");
        check("2:hello w10rld\0111", "gsub", "hello world", "o(%w)()", "%2%1");
        check("2:12 12\0112", "gsub", "hello world", "%w+", 12L);
        check("2:1.5 1.5\0112", "gsub", "hello world", "%w+", 0x1.8p+0);
        checkError("bad argument #3 to 'string.gsub' (string/function/table expected, got no value)", "gsub", "hello world", "%w+");
        checkError("bad argument #3 to 'string.gsub' (string/function/table expected, got boolean)", "gsub", "hello world", "%w+", true);
        checkError("bad argument #3 to 'string.gsub' (string/function/table expected, got nil)", "gsub", "hello world", "%w+", (Object) null);
        check("2:hello\0110", "gsub", "hello", "", "x", -1L);
        check("2:xello\0111", "gsub", "hello", "^h", "x");
        check("2:xhello\0111", "gsub", "hello", "^", "x");
        check("2:hellox\0111", "gsub", "hello", "$", "x");
        check("2:hel$lo\0110", "gsub", "hel$lo", "l$", "x");
        check("2:xhxexox\0114", "gsub", "hello", "l*", "x");
        checkError("bad argument #4 to 'string.gsub' (number has no integer representation)", "gsub", "hello", "l", "x", 0x1.4p+1);
        check("2:hexlo\0111", "gsub", "hello", "l", "x", "1");
        check("2:xaxbxcx\0114", "gsub", "abc", "(", "x");
        checkError("unfinished capture", "gsub", "abc", "(a", "%1");
        check("2:a%b\0111", "gsub", "a.b", "%.", "%%");
        check("2:W (W) W\0113", "gsub", "THE (quick) fox", "%f[%a]%a+", "W");
        check("2:THE| (quick|) fox|\0113", "gsub", "THE (quick) fox", "%f[%A]", "|");
        check("2:world hello\0111", "gsub", "hello world", "(%w+) (%w+)", "%2 %1");
        check("2:aabbc\0112", "gsub", "abc", ".", "%0%0", 2L);
        check("2:baa\0111", "gsub", "aaa", "^a", "b");
        check("2:b\0111", "gsub", "aaa", "^a*", "b");
        check("2:a0b0\0112", "gsub", "a\000b\000", "%z", "0");
        check("2:a\000b\0111", "gsub", "x", "x", "a\000b");
        check("2:-a-c-\0113", "gsub", "abc", "b*", "-");
        check("2:-a-b-c-\0114", "gsub", "abc", "x*", "-");
        check("2:193\0111", "gsub", 123L, 2L, 9L);
    }

    @Test
    void gmatchIterations() {
        checkGmatch("3:^a\011nil\011nil|3:^a\011nil\011nil", "^a^a", "^a", (Object) null);
        checkGmatch("3:hello\011nil\011nil|3:world\011nil\011nil|3:from\011nil\011nil|3:lua\011nil\011nil", "hello world from lua", "%a+", (Object) null);
        checkGmatch("3:k1\011v1\011nil|3:k2\011v2\011nil", "k1=v1, k2=v2", "(%w+)=(%w+)", (Object) null);
        checkGmatch("3:\011nil\011nil|3:\011nil\011nil|3:\011nil\011nil|3:\011nil\011nil", "abc", "", (Object) null);
        checkGmatch("3:abc\011nil\011nil", "abc", "%w*", (Object) null);
        checkGmatch("3:1\011nil\011nil|3:2\011nil\011nil|3:3\011nil\011nil|3:4\011nil\011nil", "abc", "()", (Object) null);
        checkGmatch("3:1\011a\0112|3:2\011b\0113|3:3\011c\0114", "abc", "()(.)()", (Object) null);
        checkGmatch("3:b\011nil\011nil", "abcabc", "b", 3L);
        checkGmatch("3:b\011nil\011nil", "abcabc", "b", -2L);
        checkGmatch("", "abcabc", "b", 10L);
        checkGmatch("3:b\011nil\011nil|3:b\011nil\011nil", "abcabc", "b", -10L);
        checkGmatch("3:\011nil\011nil", "abc", "", 4L);
        checkGmatch("", "abc", "", 5L);
        checkGmatch("3:\011nil\011nil|3:\011nil\011nil|3:\011nil\011nil|3:\011nil\011nil", "abc", "", 0L);
        checkGmatch("3:a\011nil\011nil|3:b\011nil\011nil|3:\011nil\011nil|3:c\011nil\011nil", "a,b,,c", "([^,]*)", (Object) null);
        checkGmatch("3:one\011nil\011nil|3:two\011nil\011nil|3:three\011nil\011nil", "one two  three", "%S+", (Object) null);
        checkGmatch("3:THE\011nil\011nil|3:quick\011nil\011nil|3:fox\011nil\011nil", "THE (quick) fox", "%f[%a]%a+", (Object) null);
        checkGmatchError("unfinished capture", "abc", "(a", (Object) null);
        checkGmatchError("malformed pattern (ends with '%')", "abc", "%", (Object) null);
        checkGmatchError("malformed pattern (missing ']')", "abc", "[", (Object) null);
        checkGmatch("", "", ".", (Object) null);
        checkGmatch("3:\011nil\011nil", "", "", (Object) null);
    }
}
