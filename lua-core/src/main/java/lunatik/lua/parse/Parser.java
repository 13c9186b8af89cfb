package lunatik.lua.parse;

import java.util.ArrayList;
import java.util.List;
import lunatik.lua.lex.Lexer;
import lunatik.lua.lex.Token;
import lunatik.lua.parse.Ast.Block;
import lunatik.lua.parse.Ast.Call;
import lunatik.lua.parse.Ast.Expr;
import lunatik.lua.parse.Ast.LocalVar;
import lunatik.lua.parse.Ast.Stat;
import lunatik.lua.value.LuaString;
import lunatik.lua.vm.LuaError;

/**
 * A recursive-descent parser for Lua 5.4, after {@code lparser.c}: statements, expressions by
 * operator priority, and scoping done in the same pass, so that every name is resolved to a
 * local slot, an upvalue or a global ({@code _ENV.name}), {@code goto}s are bound to their
 * labels, and the checks Lua makes at compile time (const assignment, goto into a local's scope,
 * break outside a loop, attributes) report Lua's messages.
 *
 * <p>In the KERNEL dialect {@code /} is floor division and {@code ^} is not an operator.
 */
public final class Parser {
    private static final int MAX_LEVELS = 200;
    private static final int MAX_LOCALS = 200;
    private static final int MAX_UPVALUES = 255;

    private final Lexer lx;
    private final boolean kernel;
    private final String source;
    private final String chunkName;
    private final byte[] src;
    /** Whether the functions are rebuilt without debug information (see parseFunction). */
    private final boolean strip;
    /** Functions opened so far (each one's index). */
    private int functions;
    /** The index of the function parseFunction looks for, and that function once parsed. */
    private int wanted = -1;
    private Ast.Function found;
    private FuncState fs;
    private int levels;

    /** Per-function parsing state. */
    private static final class FuncState {
        FuncState parent;
        Ast.Function f;
        final List<LocalVar> actives = new ArrayList<>();
        int freeSlot;
        /** Locals declared and not yet active. */
        int pending;
        BlockScope block;
    }

    /** Per-block scoping state. */
    private static final class BlockScope {
        BlockScope prev;
        /** Active locals at the block's start, after a for loop's control variables. */
        int nactvar;
        /** Active locals outside the block (what leaving it goes back to). */
        int outerActives;
        int firstSlot;
        boolean isLoop;
        Block block;
        final List<Ast.Label> labels = new ArrayList<>();
        final List<PendingGoto> gotos = new ArrayList<>();
    }

    private record PendingGoto(Ast.Goto g, int nactvar, int line) {
    }

    private Parser(byte[] src, String chunkName, boolean kernel, java.util.function.UnaryOperator<LuaString> intern,
                   boolean strip) {
        this.src = src;
        this.strip = strip;
        this.source = shortSource(chunkName);
        this.chunkName = chunkName;
        this.lx = new Lexer(src, source, !kernel, intern);
        this.kernel = kernel;
    }

    /** Parses a chunk into its main function (a vararg function with upvalue {@code _ENV}). */
    public static Ast.Function parse(byte[] src, String chunkName, boolean kernel) {
        return parse(src, chunkName, kernel, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #parse(byte[], String, boolean)}, interning the chunk's strings with {@code intern}. */
    public static Ast.Function parse(byte[] src, String chunkName, boolean kernel,
                                     java.util.function.UnaryOperator<LuaString> intern) {
        return new Parser(src, chunkName, kernel, intern, false).mainFunction();
    }

    /**
     * Parses a chunk again to rebuild one of its functions without debug information (a
     * stripped {@code string.dump}): names no local or upvalue in messages, and its globals as
     * fields, as Lua's messages do for a function whose debug information is gone. Returns
     * the function numbered {@code index} in the order functions are opened (0: the main one).
     */
    public static Ast.Function parseFunction(byte[] src, String chunkName, boolean kernel,
                                             java.util.function.UnaryOperator<LuaString> intern, int index, boolean strip) {
        Parser p = new Parser(src, chunkName, kernel, intern, strip);
        p.wanted = index;
        Ast.Function main = p.mainFunction();
        if (p.found != null) {
            p.found.localsVisible = main.localsVisible;
        }
        return p.found;
    }

    /**
     * Lua's {@code luaO_chunkid}: the short source shown in messages, cut by bytes as Lua
     * does (LUA_IDSIZE 60), whatever the bytes.
     */
    public static String shortSource(String chunkName) {
        byte[] b = LuaString.fromJava(chunkName).bytes();
        final int size = 60;
        if (b.length > 0 && b[0] == '=') {
            return bytes(b, 1, Math.min(b.length, size));
        }
        if (b.length > 0 && b[0] == '@') {
            return b.length <= size ? bytes(b, 1, b.length) : "..." + bytes(b, b.length - (size - 4), b.length);
        }
        int room = size - "[string \"...\"]".length() - 1;
        int nl = indexOf(b, (byte) '\n');
        if (nl < 0 && b.length < room) {
            return "[string \"" + bytes(b, 0, b.length) + "\"]";
        }
        int n = Math.min(nl < 0 ? b.length : nl, room);
        return "[string \"" + bytes(b, 0, n) + "...\"]";
    }

    private static String bytes(byte[] b, int from, int to) {
        return LuaString.copyOf(b, from, to - from).toString();
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- functions and scopes

    private Ast.Function mainFunction() {
        FuncState f = openFunction();
        f.f.isVararg = true;
        f.f.name = "main chunk";
        f.f.upvalues.add(new Ast.UpvalDesc("_ENV", false, 0, null));
        lx.next();
        f.f.body = blockUntil();
        if (lx.token != Token.EOS) {
            throw lx.syntaxError("<eof> expected");
        }
        closeFunction();
        f.f.localsVisible = lx.mentionsLocalsAccess;
        return f.f;
    }

    private FuncState openFunction() {
        FuncState f = new FuncState();
        f.parent = fs;
        f.f = new Ast.Function();
        f.f.source = source;
        f.f.chunkName = chunkName;
        f.f.chunkText = src;
        f.f.stripped = strip;
        f.f.index = functions++;
        if (f.f.index == wanted) {
            found = f.f;
        }
        f.f.line = lx.tokenLine;
        fs = f;
        return f;
    }

    private void closeFunction() {
        fs = fs.parent;
    }

    private BlockScope enterBlock(Block b, boolean loop) {
        BlockScope bs = new BlockScope();
        bs.prev = fs.block;
        bs.nactvar = fs.actives.size();
        bs.outerActives = bs.nactvar;
        bs.firstSlot = fs.freeSlot;
        bs.isLoop = loop;
        bs.block = b;
        fs.block = bs;
        return bs;
    }

    private void leaveBlock() {
        BlockScope bs = fs.block;
        // bind pending gotos to labels of this block
        for (PendingGoto pg : bs.gotos) {
            Ast.Label target = findLabel(bs, pg.g.label);
            if (target != null) {
                checkGotoScope(bs, pg, target);
                pg.g.target = target;
            } else if (bs.prev == null) {
                // as lparser's undefgoto: raised when the function's body ends
                if (pg.g.label.equals("break")) {
                    throw lx.semanticError("break outside loop at line " + pg.line);
                }
                throw lx.semanticError("no visible label '" + pg.g.label + "' for <goto> at line " + pg.line);
            } else {
                // visible to the enclosing block, with its number of active locals
                bs.prev.gotos.add(new PendingGoto(pg.g, Math.min(pg.nactvar, bs.nactvar), pg.line));
            }
        }
        while (fs.actives.size() > bs.outerActives) {
            fs.actives.remove(fs.actives.size() - 1);
        }
        fs.freeSlot = bs.firstSlot;
        fs.block = bs.prev;
    }

    private static Ast.Label findLabel(BlockScope bs, String name) {
        for (Ast.Label l : bs.labels) {
            if (l.name.equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** A forward goto may not jump into the scope of a local declared after it (unless the label ends the block). */
    private void checkGotoScope(BlockScope bs, PendingGoto pg, Ast.Label target) {
        int labelActives = labelActiveCount(target);
        if (labelActives > pg.nactvar && !labelAtBlockEnd(target)) {
            LocalVar v = fs.actives.get(pg.nactvar);
            throw lx.semanticError("<goto " + pg.g.label + "> at line " + pg.line
                + " jumps into the scope of local '" + v.name + "'");
        }
    }

    private final java.util.Map<Ast.Label, Integer> labelActives = new java.util.IdentityHashMap<>();

    private int labelActiveCount(Ast.Label l) {
        return labelActives.get(l);
    }

    /** Repeat bodies: a label before 'until' is not at the block's end (the condition sees the locals). */
    private final java.util.Set<Block> repeatBodies = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private boolean labelAtBlockEnd(Ast.Label l) {
        if (repeatBodies.contains(l.block)) {
            return false;
        }
        List<Stat> s = l.block.stats;
        for (int i = l.index + 1; i < s.size(); i++) {
            if (!(s.get(i) instanceof Ast.Label)) {
                return false;
            }
        }
        return true;
    }

    /*
     * A new local, active once activate() is called. Lua's limit counts the locals declared and
     * not yet active too (all the names of one local statement).
     */
    private LocalVar newLocal(String name, int attrib) {
        if (fs.actives.size() + fs.pending >= MAX_LOCALS) {
            throw limitError(MAX_LOCALS, "local variables");
        }
        fs.pending++;
        LocalVar v = new LocalVar(name, fs.freeSlot++, attrib);
        v.unnamed = strip;
        if (fs.freeSlot > fs.f.numSlots) {
            fs.f.numSlots = fs.freeSlot;
        }
        return v;
    }

    private void activate(LocalVar v) {
        fs.actives.add(v);
        fs.pending--;
    }

    /* Lua's errorlimit: "too many X (limit is N) in main function / function at line L". */
    private LuaError limitError(int limit, String what) {
        String where = fs.parent == null ? "main function" : "function at line " + fs.f.line;
        return lx.error("too many " + what + " (limit is " + limit + ") in " + where, lx.token);
    }

    /** Resolves a name: local, upvalue, or global. */
    private Expr singleVar(String name, int line) {
        Expr e = resolve(fs, name);
        if (e == null) {
            Expr env = resolve(fs, "_ENV");
            Expr key = new Ast.Const(LuaString.of(name));
            key.line = line;
            e = new Ast.Index(env, key, !strip); // without debug information, _ENV is not known as such
        }
        e.line = line;
        return e;
    }

    private Expr resolve(FuncState f, String name) {
        for (int i = f.actives.size() - 1; i >= 0; i--) {
            LocalVar v = f.actives.get(i);
            if (v.name.equals(name)) {
                return new Ast.Local(v);
            }
        }
        int idx = findUpvalue(f, name);
        if (idx >= 0) {
            return new Ast.Upval(idx, strip ? null : name);
        }
        if (f.parent == null) {
            return null;
        }
        Expr outer = resolve(f.parent, name);
        if (outer == null) {
            return null;
        }
        if (f.f.upvalues.size() >= MAX_UPVALUES) {
            FuncState saved = fs;
            fs = f;
            LuaError e = limitError(MAX_UPVALUES, "upvalues");
            fs = saved;
            throw e;
        }
        if (outer instanceof Ast.Local l) {
            l.var.captured = true;
            f.f.upvalues.add(new Ast.UpvalDesc(name, true, l.var.slot, l.var));
        } else {
            f.f.upvalues.add(new Ast.UpvalDesc(name, false, ((Ast.Upval) outer).index, null));
        }
        return new Ast.Upval(f.f.upvalues.size() - 1, strip ? null : name);
    }

    private static int findUpvalue(FuncState f, String name) {
        List<Ast.UpvalDesc> u = f.f.upvalues;
        for (int i = 0; i < u.size(); i++) {
            if (u.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- helpers

    private void enterLevel() {
        if (++levels > MAX_LEVELS) {
            throw lx.syntaxError("chunk has too many syntax levels");
        }
    }

    private void leaveLevel() {
        levels--;
    }

    private boolean testNext(int t) {
        if (lx.token == t) {
            lx.next();
            return true;
        }
        return false;
    }

    private void check(int t) {
        if (lx.token != t) {
            throw lx.syntaxError(Token.quoted(t) + " expected");
        }
    }


    private void checkNext(int t) {
        check(t);
        lx.next();
    }

    private void checkMatch(int what, int who, int line) {
        if (!testNext(what)) {
            if (line == lx.tokenLine) {
                throw lx.syntaxError(Token.quoted(what) + " expected");
            }
            throw lx.syntaxError(Token.quoted(what) + " expected (to close " + Token.quoted(who) + " at line " + line + ")");
        }
    }

    private String checkName() {
        check(Token.NAME);
        String n = lx.value.toString();
        lx.next();
        return n;
    }

    private LuaString checkNameBytes() {
        check(Token.NAME);
        LuaString n = (LuaString) lx.value;
        lx.next();
        return n;
    }

    private static boolean blockFollow(int t, boolean withUntil) {
        return switch (t) {
            case Token.ELSE, Token.ELSEIF, Token.END, Token.EOS -> true;
            case Token.UNTIL -> withUntil;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- statements

    /** Parses statements until a block end; the caller opened the scope. */
    private Block blockUntil() {
        Block b = new Block();
        enterBlock(b, false);
        statList(b);
        leaveBlock();
        return b;
    }

    private void statList(Block b) {
        statList0(b);
        b.endLine = lx.lastLine;
    }

    private void statList0(Block b) {
        while (!blockFollow(lx.token, true)) {
            if (lx.token == Token.RETURN) {
                b.stats.add(returnStat());
                return;
            }
            Stat s = statement(b);
            if (s != null) {
                b.stats.add(s);
            }
        }
    }

    private Stat statement(Block b) {
        int line = lx.tokenLine;
        enterLevel();
        Stat s;
        switch (lx.token) {
            case ';':
                lx.next();
                s = null;
                break;
            case Token.IF:
                s = ifStat(line);
                break;
            case Token.WHILE:
                s = whileStat(line);
                break;
            case Token.DO: {
                lx.next();
                Block body = blockUntil();
                checkMatch(Token.END, Token.DO, line);
                s = new Ast.Do(body);
                break;
            }
            case Token.FOR:
                s = forStat(line);
                break;
            case Token.REPEAT:
                s = repeatStat(line);
                break;
            case Token.FUNCTION:
                s = funcStat(line);
                break;
            case Token.LOCAL:
                lx.next();
                s = testNext(Token.FUNCTION) ? localFunc(line) : localStat(line);
                break;
            case Token.DBCOLON: {
                lx.next();
                String name = checkName();
                checkNext(Token.DBCOLON);
                // as lparser's labelstat: the no-op statements after a label come first
                while (lx.token == ';' || lx.token == Token.DBCOLON) {
                    Stat next = statement(b);
                    if (next != null) {
                        b.stats.add(next);
                    }
                }
                s = labelStat(name, line, b);
                break;
            }
            case Token.RETURN:
                s = returnStat();
                break;
            case Token.BREAK: {
                lx.next();
                s = breakStat(line);
                break;
            }
            case Token.GOTO: {
                lx.next();
                String name = checkName();
                Ast.Goto g = new Ast.Goto(name);
                fs.block.gotos.add(new PendingGoto(g, fs.actives.size(), line));
                s = g;
                break;
            }
            default:
                s = exprStat(line);
        }
        if (s != null) {
            s.line = line;
        }
        leaveLevel();
        return s;
    }

    private Stat labelStat(String name, int line, Block b) {
        for (BlockScope bs = fs.block; bs != null; bs = bs.prev) {
            Ast.Label old = findLabel(bs, name);
            if (old != null) {
                throw lx.semanticError("label '" + name + "' already defined on line " + old.line);
            }
        }
        Ast.Label l = new Ast.Label(name);
        l.line = line;
        l.block = b;
        l.index = b.stats.size();
        fs.block.labels.add(l);
        labelActives.put(l, fs.actives.size());
        // backward gotos already pending in this block cannot see labels declared later: only
        // gotos seen after this label or before it (forward) are bound at block end
        return l;
    }

    private Stat breakStat(int line) {
        BlockScope bs = fs.block;
        while (bs != null && !bs.isLoop) {
            bs = bs.prev;
        }
        if (bs == null) {
            // an error when the function ends (leaveBlock), as a goto to a missing label
            Ast.Goto g = new Ast.Goto("break");
            fs.block.gotos.add(new PendingGoto(g, fs.actives.size(), line));
            return g;
        }
        return new Ast.Break();
    }

    private Stat ifStat(int line) {
        Ast.If s = new Ast.If();
        lx.next();
        s.conds.add(expr());
        checkNext(Token.THEN);
        s.blocks.add(blockUntil());
        while (lx.token == Token.ELSEIF) {
            lx.next();
            s.conds.add(expr());
            checkNext(Token.THEN);
            s.blocks.add(blockUntil());
        }
        if (testNext(Token.ELSE)) {
            s.orElse = blockUntil();
        }
        checkMatch(Token.END, Token.IF, line);
        return s;
    }

    private Stat whileStat(int line) {
        lx.next();
        Expr cond = expr();
        checkNext(Token.DO);
        Block body = loopBlock();
        checkMatch(Token.END, Token.WHILE, line);
        body.closeLine = lx.lastLine;
        return new Ast.While(cond, body);
    }

    private Block loopBlock() {
        Block b = new Block();
        enterBlock(b, true);
        statList(b);
        leaveBlock();
        return b;
    }

    private Stat repeatStat(int line) {
        lx.next();
        Block b = new Block();
        repeatBodies.add(b);
        enterBlock(b, true);
        statList(b);
        checkMatch(Token.UNTIL, Token.REPEAT, line);
        Expr cond = expr(); // sees the block's locals
        b.closeLine = lx.lastLine;
        leaveBlock();
        return new Ast.Repeat(b, cond);
    }

    private Stat forStat(int line) {
        lx.next();
        String n1 = checkName();
        Stat s;
        int hidden;
        if (lx.token == '=') {
            checkRoom(3 + 1); // the hidden locals and the variable, declared here in Lua
            hidden = reserveHidden(3);
            s = forNum(n1, line);
        } else if (lx.token == ',' || lx.token == Token.IN) {
            checkRoom(4 + 1);
            hidden = reserveHidden(4);
            s = forList(n1, line);
        } else {
            throw lx.syntaxError("'=' or 'in' expected");
        }
        fs.pending -= hidden;
        checkMatch(Token.END, Token.FOR, line);
        (s instanceof Ast.NumFor n ? n.block : ((Ast.GenFor) s).block).closeLine = lx.lastLine;
        return s;
    }

    /*
     * Lua's for loops keep their state in n hidden locals ("(for state)"), which count against
     * the limit of locals while the loop is parsed; here they take no slot, only their count.
     */
    private int reserveHidden(int n) {
        fs.pending += n;
        return n;
    }

    /* Raises Lua's "too many local variables" here if k more locals would pass the limit. */
    private void checkRoom(int k) {
        if (fs.actives.size() + fs.pending + k > MAX_LOCALS) {
            throw limitError(MAX_LOCALS, "local variables");
        }
    }

    private Stat forNum(String name, int line) {
        lx.next();
        Expr start = expr();
        checkNext(',');
        Expr limit = expr();
        Expr step = null;
        if (testNext(',')) {
            step = expr();
        }
        checkNext(Token.DO);
        Block b = new Block();
        BlockScope bs = enterBlock(b, true);
        LocalVar v = newLocal(name, LocalVar.ATTR_NONE);
        activate(v);
        bs.nactvar = fs.actives.size();
        statList(b);
        leaveBlock();
        return new Ast.NumFor(v, start, limit, step, b);
    }

    private Stat forList(String first, int line) {
        List<String> names = new ArrayList<>();
        names.add(first);
        while (testNext(',')) {
            names.add(checkName());
            checkRoom(names.size()); // Lua declares each name as it reads it
        }
        checkNext(Token.IN);
        List<Expr> exprs = exprList();
        checkNext(Token.DO);
        Block b = new Block();
        BlockScope bs = enterBlock(b, true);
        List<LocalVar> vars = new ArrayList<>();
        for (String n : names) {
            LocalVar v = newLocal(n, LocalVar.ATTR_NONE);
            vars.add(v);
        }
        for (LocalVar v : vars) {
            activate(v);
        }
        bs.nactvar = fs.actives.size();
        statList(b);
        leaveBlock();
        return new Ast.GenFor(vars, exprs, b, null);
    }

    private Stat funcStat(int line) {
        lx.next();
        // funcname: Name {'.' Name} [':' Name]
        int nline = lx.tokenLine;
        String n = checkName();
        Expr target = singleVar(n, nline);
        StringBuilder full = new StringBuilder(n);
        boolean method = false;
        while (lx.token == '.') {
            lx.next();
            LuaString k = checkNameBytes();
            full.append('.').append(k);
            target = index(target, k, nline);
        }
        if (lx.token == ':') {
            lx.next();
            LuaString k = checkNameBytes();
            full.append(':').append(k);
            target = index(target, k, nline);
            method = true;
        }
        Ast.Function f = body(method, line);
        f.name = full.toString();
        checkReadOnly(target);
        Ast.FunctionExpr fe = new Ast.FunctionExpr(f);
        fe.line = line;
        List<Expr> t = new ArrayList<>();
        t.add(target);
        List<Expr> e = new ArrayList<>();
        e.add(fe);
        Ast.Assign a = new Ast.Assign(t, e);
        return a;
    }

    private Expr index(Expr obj, LuaString key, int line) {
        Ast.Const k = new Ast.Const(key);
        k.line = line;
        Expr e = new Ast.Index(obj, k, false);
        e.line = line;
        return e;
    }

    private Stat localFunc(int line) {
        String name = checkName();
        LocalVar v = newLocal(name, LocalVar.ATTR_NONE);
        activate(v); // visible inside its own body (recursion)
        Ast.Function f = body(false, line);
        f.name = name;
        return new Ast.LocalFunction(v, f);
    }

    private Stat localStat(int line) {
        List<LocalVar> vars = new ArrayList<>();
        boolean hasClose = false;
        do {
            String name = checkName();
            int attrib = LocalVar.ATTR_NONE;
            if (testNext('<')) {
                String a = checkName();
                checkNext('>');
                if (a.equals("const")) {
                    attrib = LocalVar.ATTR_CONST;
                } else if (a.equals("close")) {
                    attrib = LocalVar.ATTR_CLOSE;
                    if (hasClose) {
                        throw lx.semanticError("multiple to-be-closed variables in local list");
                    }
                    hasClose = true;
                } else {
                    throw lx.semanticError("unknown attribute '" + a + "'");
                }
            }
            vars.add(newLocal(name, attrib));
        } while (testNext(','));
        List<Expr> exprs = testNext('=') ? exprList() : new ArrayList<>();
        for (LocalVar v : vars) {
            activate(v);
        }
        if (hasClose) {
            fs.block.block.hasClose = true;
        }
        return new Ast.LocalStat(vars, exprs);
    }

    private Stat returnStat() {
        int line = lx.tokenLine;
        lx.next();
        List<Expr> exprs;
        if (blockFollow(lx.token, true) || lx.token == ';') {
            exprs = new ArrayList<>();
        } else {
            exprs = exprList();
        }
        int last = lx.lastLine;
        testNext(';');
        if (!blockFollow(lx.token, true)) {
            throw lx.syntaxError(fs.parent == null && fs.block.prev == null ? "<eof> expected" : "'end' expected");
        }
        Ast.Return r = new Ast.Return(exprs);
        r.line = line;
        r.lastLine = last;
        return r;
    }

    private Stat exprStat(int line) {
        Expr e = suffixedExp();
        if (lx.token == '=' || lx.token == ',') {
            List<Expr> targets = new ArrayList<>();
            checkAssignable(e);
            targets.add(e);
            while (testNext(',')) {
                Expr t = suffixedExp();
                checkAssignable(t);
                targets.add(t);
            }
            checkNext('=');
            List<Expr> exprs = exprList();
            return new Ast.Assign(targets, exprs);
        }
        if (!(e instanceof Call c)) {
            throw lx.syntaxError("syntax error");
        }
        return new Ast.CallStat(c);
    }

    /** As lparser's restassign: the target must be a variable, checked at the token after it. */
    private void checkAssignable(Expr t) {
        if (!(t instanceof Ast.Local || t instanceof Ast.Upval || t instanceof Ast.Index)) {
            throw lx.syntaxError("syntax error");
        }
        checkReadOnly(t);
    }

    private void checkReadOnly(Expr t) {
        String name = null;
        if (t instanceof Ast.Local l && l.var.attrib != LocalVar.ATTR_NONE) {
            name = l.var.name;
        } else if (t instanceof Ast.Upval u && upvalueAttrib(fs, u.index) != LocalVar.ATTR_NONE) {
            name = u.name;
        }
        if (name != null) {
            throw lx.semanticError("attempt to assign to const variable '" + name + "'");
        }
    }

    private static int upvalueAttrib(FuncState f, int idx) {
        while (f != null) {
            Ast.UpvalDesc d = f.f.upvalues.get(idx);
            if (d.fromParentLocal()) {
                return d.local().attrib;
            }
            if (f.parent == null) {
                return LocalVar.ATTR_NONE;
            }
            idx = d.index();
            f = f.parent;
        }
        return LocalVar.ATTR_NONE;
    }

    // ---------------------------------------------------------------- functions

    private Ast.Function body(boolean method, int line) {
        FuncState f = openFunction();
        f.f.line = line;
        f.f.isMethod = method;
        Block b = new Block();
        enterBlock(b, false);
        if (method) {
            LocalVar self = newLocal("self", LocalVar.ATTR_NONE);
            activate(self);
            f.f.params.add(self);
        }
        checkNext('(');
        if (lx.token != ')') {
            do {
                if (lx.token == Token.NAME) {
                    LocalVar p = newLocal(checkName(), LocalVar.ATTR_NONE);
                    activate(p);
                    f.f.params.add(p);
                } else if (lx.token == Token.DOTS) {
                    lx.next();
                    f.f.isVararg = true;
                    break;
                } else {
                    throw lx.syntaxError("<name> or '...' expected");
                }
            } while (testNext(','));
        }
        checkNext(')');
        fs.block.nactvar = fs.actives.size();
        statList(b);
        f.f.lastLine = lx.tokenLine;
        checkMatch(Token.END, Token.FUNCTION, line);
        leaveBlock();
        f.f.body = b;
        closeFunction();
        return f.f;
    }

    // ---------------------------------------------------------------- expressions

    private List<Expr> exprList() {
        List<Expr> l = new ArrayList<>();
        l.add(expr());
        while (testNext(',')) {
            l.add(expr());
        }
        return l;
    }

    private Expr expr() {
        return subExpr(0);
    }

    private static final int UNARY_PRIORITY = 12;

    private int binaryOp(int t) {
        switch (t) {
            case '+': return Ast.OP_ADD;
            case '-': return Ast.OP_SUB;
            case '*': return Ast.OP_MUL;
            case '%': return Ast.OP_MOD;
            case '^': return kernel ? -1 : Ast.OP_POW;
            case '/': return kernel ? Ast.OP_IDIV : Ast.OP_DIV;
            case Token.IDIV: return Ast.OP_IDIV;
            case '&': return Ast.OP_BAND;
            case '|': return Ast.OP_BOR;
            case '~': return Ast.OP_BXOR;
            case Token.SHL: return Ast.OP_SHL;
            case Token.SHR: return Ast.OP_SHR;
            case Token.CONCAT: return Ast.OP_CONCAT;
            case Token.NE: return Ast.OP_NE;
            case Token.EQ: return Ast.OP_EQ;
            case '<': return Ast.OP_LT;
            case Token.LE: return Ast.OP_LE;
            case '>': return Ast.OP_GT;
            case Token.GE: return Ast.OP_GE;
            case Token.AND: return Ast.OP_AND;
            case Token.OR: return Ast.OP_OR;
            default: return -1;
        }
    }

    private static int leftPriority(int op) {
        return switch (op) {
            case Ast.OP_ADD, Ast.OP_SUB -> 10;
            case Ast.OP_MUL, Ast.OP_MOD, Ast.OP_DIV, Ast.OP_IDIV -> 11;
            case Ast.OP_POW -> 14;
            case Ast.OP_BAND -> 6;
            case Ast.OP_BOR -> 4;
            case Ast.OP_BXOR -> 5;
            case Ast.OP_SHL, Ast.OP_SHR -> 7;
            case Ast.OP_CONCAT -> 9;
            case Ast.OP_AND -> 2;
            case Ast.OP_OR -> 1;
            default -> 3; // comparisons
        };
    }

    private static int rightPriority(int op) {
        return switch (op) {
            case Ast.OP_POW -> 13;
            case Ast.OP_CONCAT -> 8;
            default -> leftPriority(op);
        };
    }

    private Expr subExpr(int limit) {
        enterLevel();
        Expr e;
        int line = lx.tokenLine;
        int uop = switch (lx.token) {
            case Token.NOT -> Ast.OP_NOT;
            case '-' -> Ast.OP_UNM;
            case '~' -> Ast.OP_BNOT;
            case '#' -> Ast.OP_LEN;
            default -> -1;
        };
        if (uop >= 0) {
            lx.next();
            Expr a = subExpr(UNARY_PRIORITY);
            e = foldUnary(uop, a);
            e.line = line;
        } else {
            e = simpleExp();
        }
        int op = binaryOp(lx.token);
        while (op >= 0 && leftPriority(op) > limit) {
            int opLine = lx.tokenLine;
            lx.next();
            Expr b = subExpr(rightPriority(op));
            e = new Ast.BinOp(op, e, b);
            e.line = opLine;
            op = binaryOp(lx.token);
        }
        leaveLevel();
        return e;
    }

    /** Folds the negation of a numeric constant (so "-9223372036854775808" stays exact as Lua does for integers). */
    private static Expr foldUnary(int op, Expr a) {
        if (op == Ast.OP_UNM && a instanceof Ast.Const c) {
            if (c.value instanceof Long l) {
                return new Ast.Const(-l);
            }
            if (c.value instanceof Double d) {
                return new Ast.Const(-d);
            }
        }
        return new Ast.UnOp(op, a);
    }

    private Expr simpleExp() {
        int line = lx.tokenLine;
        Expr e;
        switch (lx.token) {
            case Token.FLT, Token.INT:
                e = new Ast.Const(lx.value);
                break;
            case Token.STRING:
                e = new Ast.Const(lx.value);
                break;
            case Token.NIL:
                e = new Ast.Nil();
                break;
            case Token.TRUE:
                e = new Ast.True();
                break;
            case Token.FALSE:
                e = new Ast.False();
                break;
            case Token.DOTS:
                if (!fs.f.isVararg) {
                    throw lx.syntaxError("cannot use '...' outside a vararg function");
                }
                e = new Ast.Vararg();
                break;
            case '{':
                e = constructor();
                e.line = line;
                return e;
            case Token.FUNCTION: {
                lx.next();
                Ast.Function f = body(false, line);
                e = new Ast.FunctionExpr(f);
                e.line = line;
                return e;
            }
            default:
                return suffixedExp();
        }
        e.line = line;
        lx.next();
        return e;
    }

    private Expr primaryExp() {
        int line = lx.tokenLine;
        switch (lx.token) {
            case Token.NAME: {
                String n = lx.value.toString();
                lx.next();
                return singleVar(n, line);
            }
            case '(': {
                lx.next();
                Expr e = expr();
                checkMatch(')', '(', line);
                Expr p = new Ast.Paren(e);
                p.line = line;
                return p;
            }
            default:
                throw lx.syntaxError("unexpected symbol");
        }
    }

    private Expr suffixedExp() {
        Expr e = primaryExp();
        for (;;) {
            int line = lx.tokenLine;
            switch (lx.token) {
                case '.': {
                    lx.next();
                    LuaString k = checkNameBytes();
                    e = index(e, k, line);
                    break;
                }
                case '[': {
                    lx.next();
                    Expr k = expr();
                    checkNext(']');
                    e = new Ast.Index(e, k, false);
                    e.line = line;
                    break;
                }
                case ':': {
                    lx.next();
                    LuaString m = checkNameBytes();
                    List<Expr> args = callArgs(line);
                    e = new Call(e, m, args);
                    ((Call) e).active = activeSnapshot();
                    e.line = line;
                    break;
                }
                case '(', Token.STRING, '{': {
                    List<Expr> args = callArgs(line);
                    e = new Call(e, null, args);
                    ((Call) e).active = activeSnapshot();
                    e.line = line;
                    break;
                }
                default:
                    return e;
            }
        }
    }

    private List<LocalVar> lastSnapshot = List.of();

    /** The function's active locals now, shared between calls that see the same ones. */
    private List<LocalVar> activeSnapshot() {
        List<LocalVar> a = fs.actives;
        List<LocalVar> last = lastSnapshot;
        if (last.size() == a.size() && (a.isEmpty() || last.get(last.size() - 1) == a.get(a.size() - 1))
                && (a.isEmpty() || last.get(0) == a.get(0))) {
            return last;
        }
        lastSnapshot = List.copyOf(a);
        return lastSnapshot;
    }

    private List<Expr> callArgs(int line) {
        List<Expr> args = new ArrayList<>();
        switch (lx.token) {
            case Token.STRING: {
                Expr s = new Ast.Const(lx.value);
                s.line = lx.tokenLine;
                lx.next();
                args.add(s);
                break;
            }
            case '{':
                args.add(constructor());
                break;
            case '(':
                lx.next();
                if (lx.token != ')') {
                    args = exprList();
                }
                checkMatch(')', '(', line);
                break;
            default:
                throw lx.syntaxError("function arguments expected");
        }
        return args;
    }

    private Expr constructor() {
        int line = lx.tokenLine;
        Ast.TableCons t = new Ast.TableCons();
        checkNext('{');
        while (lx.token != '}') {
            if (lx.token == Token.NAME && lx.lookahead() == '=') {
                Ast.Const k = new Ast.Const(lx.value);
                k.line = lx.tokenLine;
                lx.next();
                lx.next();
                Expr v = expr();
                t.order.add(-t.fields.size() - 1);
                t.fields.add(new Expr[] {k, v});
            } else if (lx.token == '[') {
                lx.next();
                Expr k = expr();
                checkNext(']');
                checkNext('=');
                Expr v = expr();
                t.order.add(-t.fields.size() - 1);
                t.fields.add(new Expr[] {k, v});
            } else {
                Expr v = expr();
                t.order.add(t.items.size());
                t.items.add(v);
            }
            if (!testNext(',') && !testNext(';')) {
                break;
            }
        }
        checkMatch('}', '{', line);
        return t;
    }
}
