package lunatik.runtime.lib;

import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;

/**
 * {@code crypto_skcipher} (spec §8.2.2): symmetric ciphers by their kernel names, on the JDK's
 * {@link Cipher}: {@code ecb(aes) cbc(aes) ctr(aes) ecb(des3_ede) cbc(des3_ede) chacha20}.
 *
 * <p>Each call uses a fresh JCA cipher, so the object keeps only its key; the caller's IV is
 * never modified. A key of the wrong length raises EINVAL (22); a call before {@code setkey}
 * fails with ENOKEY (126), and data that is not a whole number of blocks for ECB/CBC with
 * EINVAL, both as {@code Crypto operation failed with error code <n>}.
 */
public final class CryptoSkcipherLib {
    private CryptoSkcipherLib() {
    }

    /** The class of cipher objects. */
    public static final ObjectClass CLASS = CryptoSupport.newClass("crypto_skcipher", b -> b
            .method("setkey", CryptoSkcipherLib::setkey)
            .method("ivsize", (self, a) -> (long) cipher(self).alg.ivSize)
            .method("blocksize", (self, a) -> (long) cipher(self).alg.blockSize)
            .method("encrypt", (self, a) -> crypt(self, a, Cipher.ENCRYPT_MODE))
            .method("decrypt", (self, a) -> crypt(self, a, Cipher.DECRYPT_MODE)),
            p -> ((Skcipher) p).wipe());

    /** How the kernel's IV maps onto the JCA's parameters. */
    enum Mode { ECB, CBC, CTR, CHACHA20 }

    /** A cipher: kernel name, JCA transformation and key algorithm, sizes, accepted key lengths. */
    record Alg(String name, String transformation, String keyAlg, Mode mode, int ivSize, int blockSize,
            Set<Integer> keySizes) {
    }

    private static final Set<Integer> AES_KEYS = Set.of(16, 24, 32);

    private static final Map<String, Alg> ALGS = algs();

    private static Map<String, Alg> algs() {
        Map<String, Alg> m = new LinkedHashMap<>();
        add(m, new Alg("ecb(aes)", "AES/ECB/NoPadding", "AES", Mode.ECB, 0, 16, AES_KEYS));
        add(m, new Alg("cbc(aes)", "AES/CBC/NoPadding", "AES", Mode.CBC, 16, 16, AES_KEYS));
        add(m, new Alg("ctr(aes)", "AES/CTR/NoPadding", "AES", Mode.CTR, 16, 1, AES_KEYS));
        add(m, new Alg("ecb(des3_ede)", "DESede/ECB/NoPadding", "DESede", Mode.ECB, 0, 8, Set.of(24)));
        add(m, new Alg("cbc(des3_ede)", "DESede/CBC/NoPadding", "DESede", Mode.CBC, 8, 8, Set.of(24)));
        add(m, new Alg("chacha20", "ChaCha20", "ChaCha20", Mode.CHACHA20, 16, 1, Set.of(32)));
        return Map.copyOf(m);
    }

    private static void add(Map<String, Alg> m, Alg a) {
        m.put(a.name, a);
    }

    /** Opens the module (require "crypto_skcipher" / "crypto.skcipher"). */
    /*lua @module crypto_skcipher
     * Symmetric ciphers by their kernel names (`require("crypto.skcipher")` gives the same module),
     * on the JDK's Cipher: ecb(aes), cbc(aes), ctr(aes), ecb(des3_ede), cbc(des3_ede), chacha20.
     * The object keeps only its key; the caller's IV is never modified. Objects are monitored and
     * close with `<close>`.
     */
    /*lua crypto_skcipher.new(algorithm)
     * Makes a cipher object.
     * @param algorithm string: a kernel name (above)
     * @return a crypto_skcipher object
     * @raise "Failed to allocate skcipher transform for <algorithm> (err -2)" for an unknown name
     */
    /*lua crypto_skcipher:setkey(key)
     * Sets the key.
     * @param key string: of a size the algorithm takes (AES 16, 24 or 32 bytes; 3DES 24; chacha20 32)
     * @raise 22 (EINVAL) for another length
     */
    /*lua crypto_skcipher:ivsize()
     * @return integer: the IV's size in bytes (0 for ECB; chacha20's 16 are a little-endian 32-bit
     *   block counter then the 96-bit nonce)
     */
    /*lua crypto_skcipher:blocksize()
     * @return integer: the block size in bytes (1 for stream modes)
     */
    /*lua crypto_skcipher:encrypt(iv, data)
     * Encrypts.
     * @param iv string: of `ivsize()` bytes
     * @param data string: a whole number of blocks
     * @return string
     * @raise "bad argument #2 to 'encrypt' (incorrect IV length)"; "Crypto operation failed with
     *   error code 126" without a key; "... code 22" for data that is not whole blocks
     */
    /*lua crypto_skcipher:decrypt(iv, data)
     * Decrypts; as `encrypt`.
     * @param iv string: of `ivsize()` bytes
     * @param data string: a whole number of blocks
     * @return string
     * @raise as `encrypt`
     */
    public static Object open(LuaState L) {
        return CryptoSupport.library(L, "crypto_skcipher", "skcipher", CLASS, name -> {
            Alg alg = ALGS.get(name);
            return alg == null ? null : new Skcipher(alg);
        });
    }

    private static Skcipher cipher(LunatikObject self) {
        return self.payload(Skcipher.class);
    }

    private static Object setkey(LunatikObject self, Args a) {
        Skcipher c = cipher(self);
        byte[] key = a.checkString(2).bytes();
        if (!c.alg.keySizes.contains(key.length)) {
            throw CryptoSupport.errno(CryptoSupport.EINVAL);
        }
        CryptoSupport.wipe(c.key);
        c.key = key.clone();
        return Varargs.NONE;
    }

    private static Object crypt(LunatikObject self, Args a, int mode) {
        Skcipher c = cipher(self);
        LuaString iv = a.checkString(2);
        if (iv.length() != c.alg.ivSize) {
            throw a.argError(2, "incorrect IV length");
        }
        byte[] data = a.checkString(3).bytes();
        if (c.key == null) {
            throw failed(CryptoSupport.ENOKEY);
        }
        if (data.length % c.alg.blockSize != 0) {
            throw failed(CryptoSupport.EINVAL);
        }
        try {
            Cipher j = Cipher.getInstance(c.alg.transformation);
            SecretKeySpec key = new SecretKeySpec(c.key, c.alg.keyAlg);
            switch (c.alg.mode) {
                case ECB -> j.init(mode, key);
                case CBC, CTR -> j.init(mode, key, new IvParameterSpec(iv.bytes()));
                case CHACHA20 -> j.init(mode, key, chacha20(iv.bytes()));
            }
            return LuaString.wrap(j.doFinal(data));
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw failed(CryptoSupport.EINVAL);
        }
    }

    /** The kernel's chacha20 IV: a little-endian 32-bit block counter, then the 96-bit nonce. */
    private static ChaCha20ParameterSpec chacha20(byte[] iv) {
        int counter = (iv[0] & 0xff) | (iv[1] & 0xff) << 8 | (iv[2] & 0xff) << 16 | (iv[3] & 0xff) << 24;
        return new ChaCha20ParameterSpec(java.util.Arrays.copyOfRange(iv, 4, 16), counter);
    }

    private static lunatik.lua.vm.LuaError failed(long errno) {
        return CryptoSupport.plain("Crypto operation failed with error code " + errno);
    }

    /** The payload: the algorithm and its key (null until setkey). */
    static final class Skcipher {
        final Alg alg;
        byte[] key;

        Skcipher(Alg alg) {
            this.alg = alg;
        }

        void wipe() {
            CryptoSupport.wipe(key);
            key = null;
        }
    }
}
