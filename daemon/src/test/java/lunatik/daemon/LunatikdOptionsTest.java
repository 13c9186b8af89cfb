package lunatik.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The daemon's command line. */
class LunatikdOptionsTest {
    @Test
    void optionsAndTheirDefaults() {
        Lunatikd.Config c = Lunatikd.parse(new String[] {"--root", "/r", "--devdir", "/d", "--pidfile", "/p"});
        assertThat(c.root()).isEqualTo(Path.of("/r"));
        assertThat(c.device()).isEqualTo(Path.of("/d/lunatik"));
        assertThat(c.pidfile()).isEqualTo(Path.of("/p"));
        // unless LUNATIK_CPU_LATENCY says otherwise, a busy device may ask for low CPU latency
        boolean envOff = "off".equals(System.getenv("LUNATIK_CPU_LATENCY"));
        assertThat(c.lowLatency()).isEqualTo(!envOff);
        assertThat(Lunatikd.parse(new String[] {"--cpu-latency", "off"}).lowLatency()).isFalse();
        assertThat(Lunatikd.parse(new String[] {"--cpu-latency", "auto"}).lowLatency()).isTrue();
        // a control chunk is interrupted after 10 s unless told otherwise
        if (System.getenv("LUNATIK_CHUNK_TIMEOUT") == null) {
            assertThat(c.chunkLimit()).isEqualTo(java.time.Duration.ofSeconds(10));
        }
        assertThat(Lunatikd.parse(new String[] {"--chunk-timeout", "3"}).chunkLimit()).hasSeconds(3);
        assertThat(Lunatikd.parse(new String[] {"--chunk-timeout", "0"}).chunkLimit()).isNull();
        // a simulated keyboard and the sink standing for the rest of the system
        Lunatikd.Config k = Lunatikd.parse(new String[] {"--keyboard", "/k", "--keyboard-sink", "/s"});
        assertThat(k.keyboard()).isEqualTo(Path.of("/k"));
        assertThat(k.keyboardSink()).isEqualTo(Path.of("/s"));
    }

    @Test
    void wrongOptionsAreRefusedByName() {
        assertThatThrownBy(() -> Lunatikd.parse(new String[] {"--cpu-latency", "max"}))
            .hasMessage("lunatikd: --cpu-latency must be auto or off, not max");
        assertThatThrownBy(() -> Lunatikd.parse(new String[] {"--bogus"}))
            .hasMessage("lunatikd: unknown option --bogus");
        assertThatThrownBy(() -> Lunatikd.parse(new String[] {"--root"}))
            .hasMessage("lunatikd: --root needs a value");
        assertThatThrownBy(() -> Lunatikd.parse(new String[] {"--chunk-timeout", "soon"}))
            .hasMessage("lunatikd: --chunk-timeout must be a number of seconds, not soon");
    }
}
