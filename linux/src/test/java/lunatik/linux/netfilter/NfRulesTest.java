package lunatik.linux.netfilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How the rule tools are found and run: by absolute path from the system's folders, or a clear error. */
class NfRulesTest {
    @Test
    void aMissingToolIsNamedWithItsPackage() {
        assertThatThrownBy(() -> NfRules.tool("nft-not-here")).isInstanceOf(NfRules.RuleException.class)
            .hasMessage("nft-not-here is not installed (Debian's nftables package has it): "
                + "netfilter hooks need nft and iptables-nft");
        assertThatThrownBy(() -> NfRules.tool("iptables-not-here")).hasMessageContaining("Debian's iptables package");
    }

    @Test
    void toolsAreRunByAbsolutePath() throws Exception {
        assertThat(NfRules.tool("sh")).startsWith("/").endsWith("/sh");
        assertThat(NfRules.run(null, "sh", "-c", "echo ran")).isEqualTo("ran\n");
        assertThatThrownBy(() -> NfRules.run(null, "sh", "-c", "echo no; exit 3")).hasMessage("sh -c echo no; exit 3: no");
    }
}
