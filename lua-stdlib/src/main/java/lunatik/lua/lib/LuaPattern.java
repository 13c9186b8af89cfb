package lunatik.lua.lib;

import lunatik.lua.value.LuaString;
import lunatik.lua.vm.LuaError;
import lunatik.lua.vm.LuaState;
import lunatik.lua.vm.Ops;

/**
 * The matcher of Lua patterns (manual §6.4.1) over the bytes of a subject string, used by
 * {@code string.find}, {@code match}, {@code gmatch} and {@code gsub}.
 *
 * <p>One instance serves one subject and one pattern; {@link #reset()} clears the captures
 * before each new attempt. Positions are 0-based byte offsets; {@link #match} returns the end
 * of the match or {@link #NO_MATCH}.
 *
 * <p>How the Java stack stays bounded: the matcher walks the pattern in a loop and only
 * recurses where backtracking needs a choice point: after an optional item ({@code ?}), for
 * each candidate length of a repeated single-character item ({@code * + -}), and at capture
 * boundaries. Repeating a single-character class is a counted loop, so a long subject never
 * deepens the recursion; the depth is bounded by the pattern, and past {@link #MAX_DEPTH}
 * nested choice points the match fails with "pattern too complex", as in the reference
 * implementation. The matcher polls {@link LuaState#tick()} on every step of a repetition so
 * that a catastrophic pattern can be interrupted or run out of budget.
 */
final class LuaPattern {
    /** Returned by {@link #match} when there is no match. */
    static final int NO_MATCH = -1;
    /** Maximum number of captures (Lua's LUA_MAXCAPTURES). */
    static final int MAX_CAPTURES = 32;
    /** Maximum nesting of choice points (Lua's MAXCCALLS). */
    static final int MAX_DEPTH = 200;

    /** Capture length of a capture whose ')' has not been reached yet. */
    private static final int CAP_UNFINISHED = -1;
    /** Capture length marking a position capture {@code ()}. */
    private static final int CAP_POSITION = -2;

    private static final byte ESC = '%';
    private static final String SPECIALS = "^$*+?.([%-";

    private final LuaState L;
    private final byte[] s;
    private final int sEnd;
    private final byte[] p;
    private final int pEnd;

    private int level;
    private int depth;
    private final int[] capStart = new int[MAX_CAPTURES];
    private final int[] capLen = new int[MAX_CAPTURES];

    LuaPattern(LuaState L, LuaString subject, LuaString pattern) {
        this.L = L;
        this.s = subject.bytes();
        this.sEnd = subject.length();
        this.p = pattern.bytes();
        this.pEnd = pattern.length();
    }

    /** Whether {@code pat} has no magic characters, so a plain search finds it. */
    static boolean isPlain(LuaString pat) {
        byte[] b = pat.bytes();
        for (int i = 0; i < pat.length(); i++) {
            if (SPECIALS.indexOf(b[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The byte every match starting at pattern position {@code pi} begins with, or -1 when
     * there is none such: the item there is a plain character that must occur (not followed by
     * {@code * ? -}). A search may skip the subject positions holding another byte, where no
     * match can start.
     */
    int firstLiteral(int pi) {
        if (pi >= pEnd) {
            return -1;
        }
        byte c = p[pi];
        if (SPECIALS.indexOf(c) >= 0 || c == ')' || c == ']') {
            return -1;
        }
        if (pi + 1 < pEnd) {
            byte q = p[pi + 1];
            if (q == '*' || q == '?' || q == '-') {
                return -1;
            }
        }
        return c & 0xFF;
    }

    /**
     * The first position at or after {@code from} where the subject holds byte {@code c}, or -1.
     * Polls the state once per 64 KiB looked at, as a long search must stay interruptible.
     */
    int indexOf(int c, int from) {
        byte b = (byte) c;
        for (int i = from; i < sEnd; i++) {
            if (s[i] == b) {
                return i;
            }
            if ((i & 0xFFFF) == 0xFFFF) {
                L.tick();
            }
        }
        return -1;
    }

    /** Forgets the captures of the previous attempt. */
    void reset() {
        level = 0;
        depth = 0;
    }

    /** Number of captures of the last successful match. */
    int level() {
        return level;
    }

    private LuaError error(String msg) {
        return new LuaError(Ops.str(L.where(1) + msg));
    }

    // ---------------------------------------------------------------- matching

    /**
     * Matches the pattern from {@code pi} against the subject from {@code si}; returns the
     * end of the match or {@link #NO_MATCH}.
     */
    int match(int si, int pi) {
        if (++depth > MAX_DEPTH) {
            throw error("pattern too complex");
        }
        L.tick();
        try {
            return doMatch(si, pi);
        } finally {
            depth--;
        }
    }

    /*
     * The body of match: consumes pattern items that need no choice point in a loop and hands
     * off to a helper (which may recurse) for the others.
     */
    private int doMatch(int si, int pi) {
        while (pi < pEnd) {
            switch (p[pi]) {
                case '(':
                    if (pi + 1 < pEnd && p[pi + 1] == ')') {
                        return startCapture(si, pi + 2, CAP_POSITION);
                    }
                    return startCapture(si, pi + 1, CAP_UNFINISHED);
                case ')':
                    return endCapture(si, pi + 1);
                case '$':
                    if (pi + 1 == pEnd) {
                        return si == sEnd ? si : NO_MATCH;
                    }
                    break;
                case ESC: {
                    int c = pi + 1 < pEnd ? p[pi + 1] : 0;
                    if (c == 'b' || c == 'f' || (c >= '0' && c <= '9')) {
                        si = matchEscape(si, pi + 2, c);
                        if (si == NO_MATCH) {
                            return NO_MATCH;
                        }
                        pi = c == 'b' ? pi + 4 : c == 'f' ? classEnd(pi + 2) : pi + 2;
                        continue;
                    }
                    break;
                }
                default:
                    break;
            }
            // a single-character item, possibly followed by a quantifier
            int ep = classEnd(pi);
            int q = ep < pEnd ? p[ep] : 0;
            boolean m = si < sEnd && singleMatch(s[si] & 0xff, pi, ep);
            if (!m) {
                // an optional item that does not match is skipped without a choice point
                if (q == '*' || q == '?' || q == '-') {
                    pi = ep + 1;
                    continue;
                }
                return NO_MATCH;
            }
            switch (q) {
                case '?': {
                    int r = match(si + 1, ep + 1);
                    if (r != NO_MATCH) {
                        return r;
                    }
                    pi = ep + 1;
                    break;
                }
                case '+':
                    return maxExpand(si + 1, pi, ep);
                case '*':
                    return maxExpand(si, pi, ep);
                case '-':
                    return minExpand(si, pi, ep);
                default:
                    si++;
                    pi = ep;
                    break;
            }
        }
        return si;
    }

    /* Greedy repetition: counts the longest run, then backs off one character at a time. */
    private int maxExpand(int si, int pi, int ep) {
        int n = 0;
        while (si + n < sEnd && singleMatch(s[si + n] & 0xff, pi, ep)) {
            n++;
        }
        for (; n >= 0; n--) {
            int r = match(si + n, ep + 1);
            if (r != NO_MATCH) {
                return r;
            }
        }
        return NO_MATCH;
    }

    /* Lazy repetition: tries the rest of the pattern before each extra character. */
    private int minExpand(int si, int pi, int ep) {
        while (true) {
            int r = match(si, ep + 1);
            if (r != NO_MATCH) {
                return r;
            }
            if (si < sEnd && singleMatch(s[si] & 0xff, pi, ep)) {
                si++;
            } else {
                return NO_MATCH;
            }
        }
    }

    private int startCapture(int si, int pi, int what) {
        if (level >= MAX_CAPTURES) {
            throw error("too many captures");
        }
        capStart[level] = si;
        capLen[level] = what;
        level++;
        int r = match(si, pi);
        if (r == NO_MATCH) {
            level--; // undo the capture
        }
        return r;
    }

    private int endCapture(int si, int pi) {
        int l = captureToClose();
        capLen[l] = si - capStart[l];
        int r = match(si, pi);
        if (r == NO_MATCH) {
            capLen[l] = CAP_UNFINISHED; // undo the close
        }
        return r;
    }

    private int captureToClose() {
        for (int l = level - 1; l >= 0; l--) {
            if (capLen[l] == CAP_UNFINISHED) {
                return l;
            }
        }
        throw error("invalid pattern capture");
    }

    /* %bxy at pi (pointing at x): a balanced run from x to the matching y. */
    private int matchBalance(int si, int pi) {
        if (pi + 1 >= pEnd) {
            throw error("malformed pattern (missing arguments to '%b')");
        }
        if (si >= sEnd || s[si] != p[pi]) {
            return NO_MATCH;
        }
        byte open = p[pi];
        byte close = p[pi + 1];
        int count = 1;
        for (int i = si + 1; i < sEnd; i++) {
            byte c = s[i];
            // close is tested first, so %b'' pairs a quote with the next one
            if (c == close) {
                if (--count == 0) {
                    return i + 1;
                }
            } else if (c == open) {
                count++;
            }
        }
        return NO_MATCH;
    }

    /* %b, %f or a back-reference (pi after the escape letter): the new position or NO_MATCH. */
    private int matchEscape(int si, int pi, int c) {
        if (c == 'b') {
            return matchBalance(si, pi);
        }
        if (c == 'f') {
            return matchFrontier(si, pi);
        }
        return matchBackReference(si, c);
    }

    /* %f[set] with pi pointing at '[': matches the empty string at a transition into the set. */
    private int matchFrontier(int si, int pi) {
        if (pi >= pEnd || p[pi] != '[') {
            throw error("missing '[' after '%f' in pattern");
        }
        int ep = classEnd(pi);
        int prev = si == 0 ? 0 : s[si - 1] & 0xff;
        int cur = si < sEnd ? s[si] & 0xff : 0;
        if (!matchBracketClass(prev, pi, ep - 1) && matchBracketClass(cur, pi, ep - 1)) {
            return si;
        }
        return NO_MATCH;
    }

    /* %1-%9: the text of an earlier, closed capture, again. */
    private int matchBackReference(int si, int digit) {
        int l = checkCapture(digit);
        int len = capLen[l];
        // a position capture has no text: it never matches (as in the reference)
        if (len < 0 || sEnd - si < len) {
            return NO_MATCH;
        }
        int start = capStart[l];
        for (int i = 0; i < len; i++) {
            if (s[start + i] != s[si + i]) {
                return NO_MATCH;
            }
        }
        return si + len;
    }

    private int checkCapture(int digit) {
        int l = digit - '1';
        if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
            throw error("invalid capture index %" + (l + 1));
        }
        return l;
    }

    // ---------------------------------------------------------------- character classes

    /* The end (exclusive) of the single-character class starting at pi. */
    private int classEnd(int pi) {
        byte c = p[pi++];
        if (c == ESC) {
            if (pi >= pEnd) {
                throw error("malformed pattern (ends with '%')");
            }
            return pi + 1;
        }
        if (c == '[') {
            if (pi < pEnd && p[pi] == '^') {
                pi++;
            }
            // the first character of a set is never its end, so "[]]" is the set of ']'
            do {
                if (pi >= pEnd) {
                    throw error("malformed pattern (missing ']')");
                }
                c = p[pi++];
                if (c == ESC && pi < pEnd) {
                    pi++;
                }
            } while (pi >= pEnd || p[pi] != ']');
            return pi + 1;
        }
        return pi;
    }

    /* Whether byte c matches the single-character class p[pi, ep). */
    private boolean singleMatch(int c, int pi, int ep) {
        switch (p[pi]) {
            case '.':
                return true;
            case ESC:
                return matchClass(c, p[pi + 1] & 0xff);
            case '[':
                return matchBracketClass(c, pi, ep - 1);
            default:
                return (p[pi] & 0xff) == c;
        }
    }

    /* Whether c is in the set p[pi..ec], pi at '[' and ec at the closing ']'. */
    private boolean matchBracketClass(int c, int pi, int ec) {
        boolean in = true;
        pi++;
        if (p[pi] == '^') {
            in = false;
            pi++;
        }
        while (pi < ec) {
            if (p[pi] == ESC) {
                pi++;
                if (matchClass(c, p[pi] & 0xff)) {
                    return in;
                }
                pi++;
            } else if (pi + 2 < ec && p[pi + 1] == '-') {
                if ((p[pi] & 0xff) <= c && c <= (p[pi + 2] & 0xff)) {
                    return in;
                }
                pi += 3;
            } else {
                if ((p[pi] & 0xff) == c) {
                    return in;
                }
                pi++;
            }
        }
        return !in;
    }

    /*
     * %x classes in the C locale. An upper-case class letter is the complement; any other
     * character after '%' stands for itself.
     */
    static boolean matchClass(int c, int cl) {
        boolean r;
        switch (cl | 0x20) {
            case 'a': r = isAlpha(c); break;
            case 'c': r = c < 32 || c == 127; break;
            case 'd': r = c >= '0' && c <= '9'; break;
            case 'g': r = c > 32 && c < 127; break;
            case 'l': r = c >= 'a' && c <= 'z'; break;
            case 'p': r = c > 32 && c < 127 && !isAlnum(c); break;
            case 's': r = c == ' ' || (c >= '\t' && c <= '\r'); break;
            case 'u': r = c >= 'A' && c <= 'Z'; break;
            case 'w': r = isAlnum(c); break;
            case 'x': r = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
            case 'z': r = c == 0; break; // deprecated, still accepted by Lua 5.4
            default: return cl == c;
        }
        if (cl >= 'A' && cl <= 'Z') {
            r = !r;
        }
        return r;
    }

    private static boolean isAlpha(int c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || (c >= '0' && c <= '9');
    }

    // ---------------------------------------------------------------- captures

    /**
     * Capture {@code i} (0-based) of the match {@code [si, ei)}: a string, or an integer for a
     * position capture. With no captures, capture 0 is the whole match.
     */
    Object capture(int i, int si, int ei) {
        if (i >= level) {
            if (i != 0) {
                throw error("invalid capture index %" + (i + 1));
            }
            return LuaString.copyOf(s, si, ei - si);
        }
        int len = capLen[i];
        if (len == CAP_UNFINISHED) {
            throw error("unfinished capture");
        }
        if (len == CAP_POSITION) {
            return (long) capStart[i] + 1;
        }
        return LuaString.copyOf(s, capStart[i], len);
    }

    /**
     * The captures of the match {@code [si, ei)} stored into {@code out} from {@code off};
     * when there are none and {@code wholeIfNone}, the whole match. Returns the count stored.
     */
    int captures(int si, int ei, boolean wholeIfNone, Object[] out, int off) {
        int n = level == 0 && wholeIfNone ? 1 : level;
        for (int i = 0; i < n; i++) {
            out[off + i] = capture(i, si, ei);
        }
        return n;
    }

    /** Number of values {@link #captures} stores. */
    int captureCount(boolean wholeIfNone) {
        return level == 0 && wholeIfNone ? 1 : level;
    }
}
