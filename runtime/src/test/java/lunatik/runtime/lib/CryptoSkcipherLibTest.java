package lunatik.runtime.lib;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CryptoSkcipherLibTest extends CryptoLibTest {
    static final String CBC = "local c = require('crypto.skcipher').new('cbc(aes)'); ";

    @Test
    void cbcVectorAndSizes() {
        assertThat(eval(CBC + """
                c:setkey('0123456789abcdef')
                local iv = 'fedcba9876543210'
                local ct = c:encrypt(iv, 'This is a test!!')
                assert(iv == 'fedcba9876543210')
                assert(c:decrypt(iv, ct) == 'This is a test!!')
                assert(c:ivsize() == 16 and c:blocksize() == 16)
                return hex(ct)
                """)).isEqualTo("d05e07d91a4b4cd10951f8cf195f27b5");
    }

    @Test
    void nistVectors() {
        // NIST SP 800-38A F.1.1 (ECB-AES128) and F.5.1 (CTR-AES128), first block
        String key = "unhex('2b7e151628aed2a6abf7158809cf4f3c')";
        String pt = "unhex('6bc1bee22e409f96e93d7e117393172a')";
        assertThat(eval("local c = require('crypto.skcipher').new('ecb(aes)'); c:setkey(" + key + ");"
                + " assert(c:ivsize() == 0 and c:blocksize() == 16); return hex(c:encrypt('', " + pt + "))"))
                .isEqualTo("3ad77bb40d7a3660a89ecaf32466ef97");
        assertThat(eval("local c = require('crypto.skcipher').new('ctr(aes)'); c:setkey(" + key + ");"
                + " assert(c:ivsize() == 16 and c:blocksize() == 1);"
                + " local ct = c:encrypt(unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), " + pt + ");"
                + " assert(c:decrypt(unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), ct) == " + pt + ");"
                + " return hex(ct)"))
                .isEqualTo("874d6191b620e3261bef6864990db6ce");
        // CTR takes any length
        assertThat(eval("local c = require('crypto.skcipher').new('ctr(aes)'); c:setkey(" + key + ");"
                + " return hex(c:encrypt(unhex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'), unhex('6bc1be')))"))
                .isEqualTo("874d61");
    }

    @Test
    void chacha20Rfc7539() {
        // RFC 7539 §2.4.2: counter 1 (little-endian first IV word), then the nonce
        String text = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.";
        assertThat(eval("local c = require('crypto.skcipher').new('chacha20');"
                + " c:setkey(unhex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'));"
                + " assert(c:ivsize() == 16 and c:blocksize() == 1);"
                + " local iv = unhex('01000000000000000000004a00000000');"
                + " local ct = c:encrypt(iv, \"" + text + "\"); assert(c:decrypt(iv, ct) == \"" + text + "\");"
                + " return hex(ct)"))
                .isEqualTo("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                        + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                        + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                        + "5af90bbf74a35be6b40b8eedf2785e42874d");
    }

    @Test
    void des3() {
        assertThat(eval("local c = require('crypto.skcipher').new('cbc(des3_ede)'); c:setkey(string.rep('k', 24));"
                + " assert(c:ivsize() == 8 and c:blocksize() == 8);"
                + " local ct = c:encrypt('12345678', 'sixteen bytes!!!'); return c:decrypt('12345678', ct)"))
                .isEqualTo("sixteen bytes!!!");
        assertThat(run("local c = require('crypto.skcipher').new('ecb(des3_ede)'); return err(c.setkey, c, string.rep('k', 16))"))
                .isEqualTo(22L);
    }

    @Test
    void errors() {
        // 15-byte key: EINVAL as an integer
        assertThat(run(CBC + "return err(c.setkey, c, '0123456789abcde')")).isEqualTo(22L);
        assertThat(eval(CBC + "c:setkey('0123456789abcdef'); return err(c.encrypt, c, 'fedcba987654321', 'This is a test!!')"))
                .isEqualTo("bad argument #2 to '?' (incorrect IV length)");
        assertThat(eval(CBC + "c:setkey('0123456789abcdef'); return err(c.decrypt, c, '', 'This is a test!!')"))
                .isEqualTo("bad argument #2 to '?' (incorrect IV length)");
        assertThat(eval(CBC + "c:setkey('0123456789abcdef'); return err(c.encrypt, c, 'fedcba9876543210', 'This is a test!!!')"))
                .isEqualTo("Crypto operation failed with error code 22");
        assertThat(eval(CBC + "c:setkey('0123456789abcdef'); return err(c.decrypt, c, 'fedcba9876543210', 'x')"))
                .isEqualTo("Crypto operation failed with error code 22");
        // before setkey: ENOKEY
        assertThat(eval(CBC + "return err(c.encrypt, c, 'fedcba9876543210', 'This is a test!!')"))
                .isEqualTo("Crypto operation failed with error code 126");
        assertThat(eval(CBC + "return err(c.encrypt, c, 'fedcba9876543210')"))
                .isEqualTo("bad argument #3 to '?' (string expected, got no value)");
        assertThat(eval("return err(require('crypto.skcipher').new, 'xts(aes)')"))
                .isEqualTo("Failed to allocate skcipher transform for xts(aes) (err -2)");
        // empty data is a whole number of blocks
        assertThat(eval(CBC + "c:setkey('0123456789abcdef'); return #c:encrypt('fedcba9876543210', '')")).isEqualTo("0");
    }

    @Test
    void closeAndKeySizes() {
        assertThat(eval(CBC + """
                for _, n in ipairs{16, 24, 32} do c:setkey(string.rep('k', n)) end
                c:__close()
                return err(c.ivsize, c)
                """)).isEqualTo("bad argument #1 to '?' (null-pointer dereference)");
        assertThat(eval("local s = require('crypto_skcipher'); return tostring(s == require('crypto.skcipher'))"))
                .isEqualTo("false");
    }
}
