package lunatik.lua.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shapes of runtime methods that HotSpot's compilation policy depends on, read from their
 * class files. Compiled Lua code calls {@code Ops.resolve} after every call; C1 inlines a
 * method of at most 35 bytes of bytecode, and a loop in an inlined method that HotSpot has also
 * compiled on its own by on-stack replacement makes the C1 code around it not entrant at its
 * next back branch ("OSR invalidation back branch"): a main chunk's loop then went back to the
 * interpreter until C2's code for it came. So resolve has no loop, and the loop it hands over to
 * ({@code TailCall.runAll}) is too large for C1 to inline.
 */
class JitShapeTest {
    /** C1's default inlining limit (-XX:C1MaxInlineSize). */
    private static final int C1_MAX_INLINE_SIZE = 35;

    @Test
    void resolveHasNoLoop() throws Exception {
        CodeModel code = code("lunatik/lua/vm/Ops.class", "resolve");
        assertThat(backwardBranches(code)).as("backward branches in Ops.resolve").isZero();
        assertThat(length(code)).as("Ops.resolve's bytecode size").isLessThanOrEqualTo(C1_MAX_INLINE_SIZE);
    }

    @Test
    void theTailCallLoopIsTooLargeForC1ToInline() throws Exception {
        CodeModel code = code("lunatik/lua/vm/TailCall.class", "runAll");
        assertThat(backwardBranches(code)).as("the loop of TailCall.runAll").isPositive();
        assertThat(length(code)).as("TailCall.runAll's bytecode size").isGreaterThan(C1_MAX_INLINE_SIZE);
    }

    private static CodeModel code(String resource, String method) throws Exception {
        byte[] bytes;
        try (InputStream in = JitShapeTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            bytes = in.readAllBytes();
        }
        ClassModel cm = ClassFile.of().parse(bytes);
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(method)) {
                return m.code().orElseThrow();
            }
        }
        throw new AssertionError(method + " not found in " + resource);
    }

    /** Branches whose target comes before them in the code. */
    private static int backwardBranches(CodeModel code) {
        Map<Label, Integer> at = new HashMap<>();
        int i = 0;
        for (CodeElement e : code) {
            if (e instanceof LabelTarget t) {
                at.put(t.label(), i);
            }
            i++;
        }
        int n = 0;
        i = 0;
        for (CodeElement e : code) {
            if (e instanceof BranchInstruction b && at.get(b.target()) <= i) {
                n++;
            }
            i++;
        }
        return n;
    }

    private static int length(CodeModel code) {
        return ((java.lang.classfile.attribute.CodeAttribute) code).codeLength();
    }
}
