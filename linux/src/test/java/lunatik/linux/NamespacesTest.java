package lunatik.linux;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tests run in mount and network namespaces of their own (bin/java-ns, surefire's JVM), so
 * that the devices they mount, the rules they install and the ports they bind never reach the
 * host's. This checks that it is so wherever the tests can do those things (as root).
 */
class NamespacesTest {
    @Test
    void testsRunInPrivateMountAndNetworkNamespaces() throws Exception {
        Require.root();
        for (String ns : new String[] {"mnt", "net"}) {
            Path mine = Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns));
            long parent = ProcessHandle.current().parent().orElseThrow().pid(); // Maven's JVM
            Path host = Files.readSymbolicLink(Path.of("/proc/" + parent + "/ns/" + ns));
            assertThat(mine).as("%s namespace of the tests", ns).isNotEqualTo(host);
        }
        assertThat(System.getenv("LUNATIK_IN_TEST_NAMESPACES")).isEqualTo("1");
    }
}
