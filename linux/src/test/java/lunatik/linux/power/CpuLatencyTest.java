package lunatik.linux.power;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The PM QoS request through the real /dev/cpu_dma_latency (root). */
class CpuLatencyTest {
    /** The kernel's current CPU latency target, in microseconds. */
    private static int target() throws IOException {
        byte[] b = Files.readAllBytes(Path.of("/dev/cpu_dma_latency"));
        return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
    }

    @Test
    void theTargetIsZeroWhileHeldAndBackAfterTheLastRelease() throws IOException {
        int before = target();
        assertThat(CpuLatency.acquire()).isTrue();
        assertThat(CpuLatency.acquire()).isTrue();
        assertThat(target()).isZero();
        CpuLatency.release();
        assertThat(target()).as("one holder left").isZero();
        CpuLatency.release();
        assertThat(CpuLatency.held()).isFalse();
        assertThat(target()).isEqualTo(before);
        CpuLatency.release(); // one too many: no effect
        assertThat(CpuLatency.held()).isFalse();
    }
}
