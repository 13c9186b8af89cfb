package lunatik.runtime.lib;

import lunatik.testsupport.Require;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoCompLibTest extends CryptoLibTest {
    static final String DATA = "local data = string.rep('abcdefghijklmnopqrstuvwxyz', 100) .. string.rep('A', 500)"
            + " .. string.rep('B', 500); ";

    @Test
    void emptyInputIsOutOfBounds() {
        assertThat(eval("local c = require('crypto.comp').new('lz4'); return err(c.compress, c, '', 0)"))
                .isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval("local c = require('crypto.comp').new('lz4'); return err(c.decompress, c, '', 0)"))
                .isEqualTo("bad argument #2 to '?' (out of bounds)");
        assertThat(eval("local c = require('crypto.comp').new('lz4'); return err(c.compress, c, 'x', 0)"))
                .isEqualTo("bad argument #3 to '?' (out of bounds)");
        assertThat(eval("local c = require('crypto.comp').new('lz4'); return err(c.compress, c, 'x', 1 << 32)"))
                .isEqualTo("bad argument #3 to '?' (out of bounds)");
    }

    @Test
    void lz4RoundTrip() {
        assertThat(eval(DATA + """
                local c = require('crypto.comp').new('lz4')
                assert(#data == 3600)
                local z = c:compress(data, #data * 2)
                assert(type(z) == 'string' and #z < #data, #z)
                assert(c:decompress(z, #data) == data)
                assert(c:decompress(z, #data + 10) == data)
                return err(c.decompress, c, z, #data - 1)
                """)).isEqualTo("22");
        assertThat(run(DATA + "local c = require('crypto.comp').new('lz4'); return err(c.decompress, c, "
                + "c:compress(data, #data * 2), #data - 1)")).isEqualTo(22L);
    }

    @Test
    void lz4ReadsTheBlockFormat() {
        // hand-made block: token 0x14 (1 literal, match 4+4), 'a', offset 1; token 0x50, 5 literals
        assertThat(eval("local c = require('crypto.comp').new('lz4');"
                + " return c:decompress('\\x14a\\x01\\x00\\x50bcdef', 100)")).isEqualTo("aaaaaaaaabcdef");
        // extended lengths: 20 literals (15 + 5), a match of 4 + 15 + 255 + 1 bytes
        assertThat(eval("local c = require('crypto.comp').new('lz4');"
                + " local b = '\\xff\\x05' .. string.rep('x', 20) .. '\\x14\\x00\\xff\\x01' .. '\\x50yyyyy';"
                + " local out = c:decompress(b, 1000); assert(out == string.rep('x', 20 + 275) .. 'yyyyy'); return #out"))
                .isEqualTo("300");
        // malformed: offset beyond the output, truncated literals, no final literals
        for (String bad : new String[] {"'\\x14a\\x09\\x00\\x50bcdef'", "'\\x50abc'", "'\\x14a\\x01\\x00'"}) {
            assertThat(run("local c = require('crypto.comp').new('lz4'); return err(c.decompress, c, " + bad + ", 100)"))
                    .as(bad).isEqualTo(22L);
        }
    }

    @Test
    void lz4Sizes() {
        assertThat(eval("""
                local c = require('crypto.comp').new('lz4hc')
                -- short inputs are literals only; incompressible data grows by at most n/255 + 16
                assert(c:compress('a', 2) == '\\x10a')
                assert(err(c.compress, c, 'a', 1) == 22)
                local s = {}
                for i = 1, 1000 do s[i] = string.char((i * 7919) % 251) end
                s = table.concat(s)
                local z = c:compress(s, 2000)
                assert(c:decompress(z, 1000) == s)
                local big = string.rep('0123456789', 20000)
                local zb = c:compress(big, #big)
                assert(#zb < 1000, #zb)
                return tostring(c:decompress(zb, #big) == big)
                """)).isEqualTo("true");
    }

    @Test
    void lz4RandomRoundTrips() {
        Random rnd = new Random(42);
        for (int t = 0; t < 200; t++) {
            int n = 1 + rnd.nextInt(5000);
            byte[] b = new byte[n];
            int alphabet = 1 + rnd.nextInt(t % 3 == 0 ? 256 : 4);
            for (int i = 0; i < n; i++) {
                b[i] = (byte) rnd.nextInt(alphabet);
            }
            byte[] z = CryptoLz4.compress(b, CryptoLz4.bound(n));
            assertThat(z).isNotNull();
            assertThat(CryptoLz4.decompress(z, n)).isEqualTo(b);
            if (n > 1) {
                assertThat(CryptoLz4.decompress(z, n - 1)).isNull();
            }
        }
    }

    @Test
    void deflate() {
        assertThat(eval(DATA + """
                local comp = require('crypto.comp')
                for _, name in ipairs{'deflate', 'zlib-deflate'} do
                  local c = comp.new(name)
                  local z = c:compress(data, #data)
                  assert(#z < 200, #z)
                  assert(c:decompress(z, #data) == data)
                  assert(err(c.decompress, c, z, #data - 1) == 22)
                  assert(err(c.compress, c, data, 5) == 22)
                  assert(err(c.decompress, c, 'not deflate data', 100) == 22)
                  assert(err(c.decompress, c, z:sub(1, -3), 10000) == 22)
                end
                -- raw deflate has no zlib header
                local z = comp.new('deflate'):compress(data, #data)
                return tostring(z:byte(1) ~= 0x78)
                """)).isEqualTo("true");
    }

    @Test
    void unknownAndClose() {
        assertThat(eval("return err(require('crypto.comp').new, 'zstd')"))
                .isEqualTo("Failed to allocate comp transform for zstd (err -2)");
        assertThat(eval("local c = require('crypto_comp').new('deflate'); c:__close(); return err(c.compress, c, 'x', 10)"))
                .isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
    }

    /**
     * Cross-checks the LZ4 block codec with the reference implementation (the lz4 tool, when
     * installed): blocks of lz4-made frames decode with ours, and frames made of our blocks
     * decode with lz4. Frames: 64 KiB independent blocks, no checksums
     * ({@code lz4 -B4 --no-frame-crc}), whose 7-byte header is then always the same.
     */
    @Test
    void lz4InteroperatesWithTheLz4Tool(@TempDir Path dir) throws Exception {
        Path tool = Path.of("/usr/bin/lz4");
        Require.tool(tool, "lz4");
        byte[] header = {0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, (byte) 0x82};
        Random rnd = new Random(7);
        for (int t = 0; t < 6; t++) {
            int n = 1 + rnd.nextInt(200_000);
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) (t % 2 == 0 ? rnd.nextInt(3) + 'a' : (i / 7) % 53 + rnd.nextInt(2));
            }
            Path in = dir.resolve("in" + t);
            Files.write(in, data);
            // reference -> ours
            Path ref = dir.resolve("ref" + t + ".lz4");
            assertThat(new ProcessBuilder(tool.toString(), "-q", "-f", "-B4", "--no-frame-crc", in.toString(), ref.toString())
                    .inheritIO().start().waitFor()).isZero();
            byte[] frame = Files.readAllBytes(ref);
            assertThat(Arrays.copyOf(frame, 7)).isEqualTo(header);
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            int p = 7;
            while (true) {
                int size = (frame[p] & 0xff) | (frame[p + 1] & 0xff) << 8 | (frame[p + 2] & 0xff) << 16 | (frame[p + 3] & 0xff) << 24;
                p += 4;
                if (size == 0) {
                    break;
                }
                int len = size & 0x7fffffff;
                byte[] block = Arrays.copyOfRange(frame, p, p + len);
                decoded.write(size < 0 ? block : CryptoLz4.decompress(block, 65536));
                p += len;
            }
            assertThat(decoded.toByteArray()).isEqualTo(data);
            // ours -> reference
            ByteArrayOutputStream mine = new ByteArrayOutputStream();
            mine.write(header);
            for (int off = 0; off < n; off += 65536) {
                byte[] chunk = Arrays.copyOfRange(data, off, Math.min(n, off + 65536));
                byte[] z = CryptoLz4.compress(chunk, chunk.length);
                int size = z == null ? chunk.length | 0x80000000 : z.length;
                mine.write(new byte[] {(byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >>> 24)});
                mine.write(z == null ? chunk : z);
            }
            mine.write(new byte[4]);
            Path ours = dir.resolve("ours" + t + ".lz4");
            Path back = dir.resolve("back" + t);
            Files.write(ours, mine.toByteArray());
            assertThat(new ProcessBuilder(tool.toString(), "-d", "-q", "-f", ours.toString(), back.toString())
                    .inheritIO().start().waitFor()).isZero();
            assertThat(Files.readAllBytes(back)).isEqualTo(data);
        }
    }
}
