--- HMAC-based key derivation, RFC 5869 (spec §8.2.6), over crypto_shash. Objects close with
-- `<close>`, and when collected; `#h` is the hash length in bytes.
--
--     local hkdf = require("crypto.hkdf")
--     local h <close> = hkdf.new("sha256")
--     local okm = h:hkdf(salt, ikm, info, 42)   -- = h:expand(h:extract(salt, ikm), info, 42)
-- @module crypto.hkdf

local shash = require("crypto_shash")
local char, rep, sub, concat = string.char, string.rep, string.sub, table.concat

local HKDF = {}
HKDF.__index = HKDF

--- The hash length in bytes (#h).
function HKDF:__len()
	return self.tfm:digestsize()
end

--- A new instance over HMAC-`alg` (e.g. "sha256"); the default salt is hash-length zeros.
-- @raise "Failed to allocate shash transform for hmac(<alg>) (err -2)"
function HKDF.new(alg)
	local h = setmetatable({tfm = shash.new("hmac(" .. alg .. ")")}, HKDF)
	h.salt = rep("\0", #h)
	return h
end

--- Releases the HMAC transform now; closing twice is harmless.
function HKDF:close()
	local tfm = self.tfm
	if tfm then
		self.tfm = nil
		tfm:__close()
	end
end

HKDF.__gc = HKDF.close
HKDF.__close = HKDF.close

--- HMAC(key, data).
function HKDF:hmac(key, data)
	local tfm = self.tfm
	tfm:setkey(key)
	return tfm:digest(data)
end

--- Extract: PRK = HMAC(salt, IKM); a nil salt is the default one.
function HKDF:extract(salt, ikm)
	return self:hmac(salt or self.salt, ikm)
end

--- Expand: T(i) = HMAC(PRK, T(i-1)..info..i); the first `length` bytes of T(1)..T(2)..;
-- `info` is "" when absent.
-- @raise "length too large for HKDF-Expand (at most 255 hash lengths)"
function HKDF:expand(prk, info, length)
	info = info or ""
	local hashlen = #self
	local n = (length + hashlen - 1) // hashlen
	if n > 255 then
		error("length too large for HKDF-Expand (at most 255 hash lengths)")
	end
	local t, blocks = "", {}
	for i = 1, n do
		t = self:hmac(prk, t .. info .. char(i))
		blocks[i] = t
	end
	return sub(concat(blocks), 1, length)
end

--- Extract then expand.
function HKDF:hkdf(salt, ikm, info, length)
	return self:expand(self:extract(salt, ikm), info, length)
end

return HKDF
