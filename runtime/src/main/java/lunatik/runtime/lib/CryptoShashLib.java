package lunatik.runtime.lib;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import lunatik.lua.value.LuaString;
import lunatik.lua.value.Varargs;
import lunatik.lua.vm.Args;
import lunatik.lua.vm.LuaState;
import lunatik.runtime.LunatikObject;
import lunatik.runtime.ObjectClass;

/**
 * {@code crypto_shash} (spec §8.2.1): synchronous hashes and HMACs by their kernel names.
 *
 * <p>Names: {@code md5 sha1 sha224 sha256 sha384 sha512 sha3-224 sha3-256 sha3-384 sha3-512}
 * and {@code hmac(<one of them>)}, on the JDK's {@link MessageDigest} and {@link Mac}. As in
 * the kernel, {@code setkey} on a plain hash raises ENOSYS (38) and an HMAC used before its key
 * is set raises ENOKEY (126).
 *
 * <p>{@code export}/{@code import}: the JDK does not expose a digest's internal state, so an
 * exported state is an opaque string of the kernel's state size naming a snapshot (a clone of
 * the running digest) kept by this class for the life of the process (the last
 * {@value #SNAPSHOTS} exports). It can be imported into any object of the same algorithm, in
 * any runtime of the process, any number of times; an unknown or evicted state raises EINVAL.
 * An HMAC snapshot carries its key.
 *
 * <p>{@code crc32} and {@code crc32c} are the kernel's checksum "hashes" ({@link Crc}): a
 * 4-byte little-endian digest, an optional 4-byte key (the seed, default 0xffffffff, EINVAL
 * for another length), and a real exported state (the 4-byte running CRC).
 */
public final class CryptoShashLib {
    private CryptoShashLib() {
    }

    /** The class of hash objects. */
    public static final ObjectClass CLASS = CryptoSupport.newClass("crypto_shash", b -> b
            .method("digestsize", (self, a) -> (long) hash(self).alg.digestSize)
            .method("setkey", CryptoShashLib::setkey)
            .method("digest", (self, a) -> {
                Hash h = hash(self);
                byte[] data = a.checkString(2).bytes();
                h.reset();
                h.update(data);
                return LuaString.wrap(h.doFinal());
            })
            .method("init", (self, a) -> {
                hash(self).reset();
                return Varargs.NONE;
            })
            .method("update", (self, a) -> {
                Hash h = hash(self);
                h.update(a.checkString(2).bytes());
                return Varargs.NONE;
            })
            .method("final", (self, a) -> LuaString.wrap(hash(self).doFinal()))
            .method("finup", (self, a) -> {
                Hash h = hash(self);
                h.update(a.checkString(2).bytes());
                return LuaString.wrap(h.doFinal());
            })
            .method("export", (self, a) -> hash(self).export())
            .method("import", CryptoShashLib::importState),
            p -> ((Hash) p).wipe());

    /** A hash algorithm: kernel name, JCA name, sizes. */
    record Alg(String name, String jca, int digestSize, int stateSize, boolean hmac) {
        boolean crc() {
            return jca.startsWith("CRC");
        }

        boolean keyed() {
            return hmac || crc();
        }
    }

    private static final Map<String, Alg> ALGS = algs();

    private static Map<String, Alg> algs() {
        Map<String, Alg> m = new LinkedHashMap<>();
        // state sizes are those of the kernel's generic implementations (struct *_state)
        Object[][] base = {
            {"md5", "MD5", 16, 88}, {"sha1", "SHA-1", 20, 96},
            {"sha224", "SHA-224", 28, 104}, {"sha256", "SHA-256", 32, 104},
            {"sha384", "SHA-384", 48, 208}, {"sha512", "SHA-512", 64, 208},
            {"sha3-224", "SHA3-224", 28, 360}, {"sha3-256", "SHA3-256", 32, 360},
            {"sha3-384", "SHA3-384", 48, 360}, {"sha3-512", "SHA3-512", 64, 360},
        };
        for (Object[] e : base) {
            String name = (String) e[0];
            String jca = (String) e[1];
            int ds = (Integer) e[2];
            int ss = (Integer) e[3];
            m.put(name, new Alg(name, jca, ds, ss, false));
            m.put("hmac(" + name + ")", new Alg("hmac(" + name + ")", "Hmac" + jca.replace("-", "").replace("SHA3", "SHA3-"), ds, ss, true));
        }
        m.put("crc32", new Alg("crc32", "CRC32", 4, 4, false));
        m.put("crc32c", new Alg("crc32c", "CRC32C", 4, 4, false));
        return Map.copyOf(m);
    }

    /** Opens the module (require "crypto_shash" / "crypto.shash"). */
    /*lua @module crypto_shash
     * Synchronous hashes and HMACs by their kernel names (`require("crypto.shash")` gives the same
     * module), on the JDK's MessageDigest and Mac: md5, sha1, sha224, sha256, sha384, sha512,
     * sha3-224, sha3-256, sha3-384, sha3-512, `hmac(<one of them>)`, and the checksums crc32 and
     * crc32c (a 4-byte little-endian digest, an optional 4-byte key: the seed, 0xffffffff by
     * default). Objects are monitored and close with `<close>`. Kernel errors are raised as
     * positive errno integers.
     * @differs An exported state is an opaque string of the kernel's state size naming a snapshot
     * kept in the process (the last 4096 exports), importable into any object of the same
     * algorithm in any runtime; crc32/crc32c export their real 4-byte running CRC.
     */
    /*lua crypto_shash.new(algorithm)
     * Makes a hash object.
     * @param algorithm string: a kernel name (above)
     * @return a crypto_shash object
     * @raise "Failed to allocate shash transform for <algorithm> (err -2)" for an unknown name
     */
    /*lua crypto_shash:digestsize()
     * @return integer: the digest's size in bytes
     */
    /*lua crypto_shash:setkey(key)
     * Sets the key of an HMAC (any length), or the seed of a CRC (4 bytes).
     * @param key string
     * @raise 38 (ENOSYS) for a plain hash; 22 (EINVAL) for a CRC seed of another length
     */
    /*lua crypto_shash:digest(data)
     * The digest of `data` alone (init, update, final).
     * @param data string
     * @return string: the digest
     * @raise 126 (ENOKEY) for an HMAC without key
     */
    /*lua crypto_shash:init()
     * Starts a new digest.
     */
    /*lua crypto_shash:update(data)
     * Adds `data` to the running digest.
     * @param data string
     * @raise 126 (ENOKEY) for an HMAC without key
     */
    /*lua crypto_shash:final()
     * Ends the running digest.
     * @return string: the digest
     */
    /*lua crypto_shash:finup(data)
     * `update(data)` then `final()`.
     * @param data string
     * @return string: the digest
     */
    /*lua crypto_shash:export()
     * The running digest's state.
     * @return string of the kernel's state size (see above)
     */
    /*lua crypto_shash:import(state)
     * Continues from an exported state.
     * @param state string: from `export` of an object of the same algorithm
     * @raise 22 (EINVAL) for an unknown, evicted or foreign state
     */
    public static Object open(LuaState L) {
        return CryptoSupport.library(L, "crypto_shash", "shash", CLASS, CryptoShashLib::newHash);
    }

    private static Hash newHash(String name) {
        Alg alg = ALGS.get(name);
        if (alg == null) {
            return null;
        }
        try {
            return new Hash(alg);
        } catch (GeneralSecurityException e) {
            return null; // the JDK lacks it: an unknown algorithm
        }
    }

    private static Hash hash(LunatikObject self) {
        return self.payload(Hash.class);
    }

    private static Object setkey(LunatikObject self, Args a) {
        Hash h = hash(self);
        LuaString key = a.checkString(2);
        if (!h.alg.keyed()) {
            throw CryptoSupport.errno(CryptoSupport.ENOSYS);
        }
        h.setKey(key.bytes());
        return Varargs.NONE;
    }

    private static Object importState(LunatikObject self, Args a) {
        Hash h = hash(self);
        LuaString state = a.checkString(2);
        if (state.length() != h.alg.stateSize) {
            throw a.argError(2, "incorrect state length for import");
        }
        h.importState(state);
        return Varargs.NONE;
    }

    // ---------------------------------------------------------------- exported states

    private static final int SNAPSHOTS = 4096;
    private static final byte[] MAGIC = {'L', 'J', 'H', 'S'};
    private static final int TOKEN = 16;
    private static final SecureRandom TOKENS = new SecureRandom();

    /** Exported snapshots by token, oldest evicted first. */
    private static final Map<LuaString, Snapshot> EXPORTED = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<LuaString, Snapshot> e) {
            return size() > SNAPSHOTS;
        }
    };

    private record Snapshot(Alg alg, Object engine, byte[] key) {
    }

    /** The payload: one running digest or HMAC. */
    static final class Hash {
        final Alg alg;
        private MessageDigest md;
        private Mac mac;
        private Crc crc;
        private byte[] key;

        Hash(Alg alg) throws GeneralSecurityException {
            this.alg = alg;
            if (alg.crc()) {
                crc = new Crc(alg.name.equals("crc32c"));
            } else if (alg.hmac) {
                mac = Mac.getInstance(alg.jca);
            } else {
                md = MessageDigest.getInstance(alg.jca);
            }
        }

        void setKey(byte[] k) {
            if (crc != null) {
                if (k.length != 4) {
                    throw CryptoSupport.errno(CryptoSupport.EINVAL);
                }
                crc.seed = Crc.le32(k, 0);
                return;
            }
            // HMAC pads its key with zeros to the block size, so the empty key (which the JCA
            // refuses) is the one-zero-byte key.
            byte[] copy = k.length == 0 ? new byte[1] : k.clone();
            try {
                mac.init(new SecretKeySpec(copy, alg.jca));
            } catch (GeneralSecurityException e) {
                throw CryptoSupport.errno(CryptoSupport.EINVAL);
            }
            CryptoSupport.wipe(key);
            key = copy;
        }

        private void needKey() {
            if (alg.hmac && key == null) {
                throw CryptoSupport.errno(CryptoSupport.ENOKEY);
            }
        }

        void reset() {
            needKey();
            if (crc != null) {
                crc.reset();
            } else if (mac != null) {
                mac.reset();
            } else {
                md.reset();
            }
        }

        void update(byte[] data) {
            needKey();
            if (crc != null) {
                crc.update(data);
            } else if (mac != null) {
                mac.update(data);
            } else {
                md.update(data);
            }
        }

        byte[] doFinal() {
            needKey();
            if (crc != null) {
                return crc.doFinal();
            }
            return mac != null ? mac.doFinal() : md.digest();
        }

        LuaString export() {
            needKey();
            if (crc != null) {
                return LuaString.wrap(Crc.toLe32(crc.state));
            }
            Object clone;
            try {
                clone = mac != null ? mac.clone() : md.clone();
            } catch (CloneNotSupportedException e) {
                throw CryptoSupport.errno(CryptoSupport.ENOSYS);
            }
            byte[] blob = new byte[alg.stateSize];
            System.arraycopy(MAGIC, 0, blob, 0, MAGIC.length);
            byte[] token = new byte[TOKEN];
            TOKENS.nextBytes(token);
            System.arraycopy(token, 0, blob, MAGIC.length, TOKEN);
            LuaString s = LuaString.wrap(blob);
            synchronized (EXPORTED) {
                EXPORTED.put(s, new Snapshot(alg, clone, key == null ? null : key.clone()));
            }
            return s;
        }

        void importState(LuaString state) {
            if (crc != null) {
                crc.state = Crc.le32(state.bytes(), 0);
                return;
            }
            Snapshot snap;
            synchronized (EXPORTED) {
                snap = EXPORTED.get(state);
            }
            if (snap == null || !snap.alg.equals(alg)) {
                throw CryptoSupport.errno(CryptoSupport.EINVAL);
            }
            try {
                if (mac != null) {
                    mac = (Mac) ((Mac) snap.engine).clone();
                    CryptoSupport.wipe(key);
                    key = snap.key.clone();
                } else {
                    md = (MessageDigest) ((MessageDigest) snap.engine).clone();
                }
            } catch (CloneNotSupportedException e) {
                throw CryptoSupport.errno(CryptoSupport.ENOSYS);
            }
        }

        void wipe() {
            CryptoSupport.wipe(key);
            key = null;
        }
    }

    /**
     * The kernel's CRC "hashes", reflected and table-driven: {@code crc32} (IEEE 802.3
     * polynomial; the digest is the running value itself, not inverted, as the kernel's
     * crc32_generic) and {@code crc32c} (Castagnoli; the digest is inverted). Both start from
     * the seed, 0xffffffff unless set by {@code setkey}.
     */
    static final class Crc {
        private static final int[] IEEE = table(0xedb88320);
        private static final int[] CASTAGNOLI = table(0x82f63b78);

        private final int[] table;
        private final boolean invert;
        int seed = 0xffffffff;
        int state = 0xffffffff;

        Crc(boolean castagnoli) {
            table = castagnoli ? CASTAGNOLI : IEEE;
            invert = castagnoli;
        }

        private static int[] table(int poly) {
            int[] t = new int[256];
            for (int i = 0; i < 256; i++) {
                int c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
                }
                t[i] = c;
            }
            return t;
        }

        void reset() {
            state = seed;
        }

        void update(byte[] data) {
            int c = state;
            for (byte b : data) {
                c = table[(c ^ b) & 0xff] ^ (c >>> 8);
            }
            state = c;
        }

        byte[] doFinal() {
            return toLe32(invert ? ~state : state);
        }

        static int le32(byte[] b, int i) {
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
        }

        static byte[] toLe32(int v) {
            return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
        }
    }
}
